import ArgumentParser
import CelCore
import DataStages
import Foundation

struct FilmsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "films",
    abstract: "List, add or remove the films of a set.",
    subcommands: [List.self, Add.self, Remove.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the films of a set, with what each has come to.")

    @Argument(help: "The set's folder.")
    var set: String

    @Flag(help: "Print only the number of films.")
    var count = false

    func run() throws {
      let dataset = URL(fileURLWithPath: set)
      try CelError.requireDirectory(dataset.path)
      let films = try FilmSet.load(from: dataset).films
      if count {
        print(films.count)
        return
      }
      print("\(dataset.path): \(films.count) films")
      for (index, film) in films.enumerated() {
        print(
          "\(index)\t\(film.name)\t\(FilmSetCommands.status(of: film, in: dataset))\t\(film.file)")
      }
    }
  }

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add films to a set without processing them (for one job per film).",
      discussion: """
        Prints the set's films, numbered from 0: a cluster job per film then runs \
        `cel run PIPELINE --output SET --film INDEX` (a Slurm array --array=0-LAST).
        """)

    @Argument(help: "The set's folder (made if missing).")
    var set: String

    @Option(name: .shortAndLong, help: "A film or a folder of films (repeatable).")
    var input: [String] = []

    @Option(help: "A text file naming films, one path per line, # for comments (repeatable).")
    var inputs: [String] = []

    func run() throws {
      let dataset = URL(fileURLWithPath: set)
      try FilmSetCommands.requireSetOrNew(dataset)
      let resolved = try FilmInputs.resolve(inputs: input, lists: inputs)
      guard !resolved.files.isEmpty else {
        throw ValidationError("give --input FILM or --inputs LIST")
      }
      let films = try FilmSetCommands.add(resolved, to: dataset, quiet: false).films
      print(
        "\(dataset.path): \(films.count) films; a job array over them: --array=0-\(films.count - 1)"
      )
    }
  }

  struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove films from a set, with their frames, tiles and twins.",
      discussion: "If the set is split, the split is redone without them.")

    @Argument(help: "The set's folder.")
    var set: String

    @Argument(help: "The films' names in the set (see `cel films list`).")
    var names: [String]

    func run() async throws {
      let dataset = URL(fileURLWithPath: set)
      try CelError.requireDirectory(dataset.path)
      var films = try FilmSet.load(from: dataset)
      let removed = try films.remove(names, in: dataset)
      try films.save(in: dataset)
      for film in removed {
        let folder = FilmSet.folder(of: film, in: dataset)
        let aside = folder.deletingLastPathComponent().appendingPathComponent(
          ".\(film.name).removed")
        try? FileManager.default.removeItem(at: aside)
        if FileManager.default.fileExists(atPath: folder.path) {
          try FileIO.replace(aside, with: folder)
          try? FileManager.default.removeItem(at: aside)
        }
        print("removed \(film.name) (\(film.file))")
      }
      if !films.films.isEmpty, let outcome = try await SplitStage.refresh(in: dataset) {
        report(outcome, quiet: false)
      }
      print(
        "\(dataset.path): \(films.films.count) films: "
          + films.films.map(\.name).joined(separator: ", "))
    }
  }
}

/// What `cel run` and `cel films` share about a set's films.
enum FilmSetCommands {
  /// Refuses a folder that holds a dataset of another shape (one film made by the stages
  /// alone, or photos): a set of films is made in a new folder.
  static func requireSetOrNew(_ dataset: URL) throws {
    guard !FilmSet.exists(in: dataset),
      FileManager.default.fileExists(
        atPath: dataset.appendingPathComponent(DatasetManifest.fileName).path)
    else { return }
    throw CelError.invalidInput(
      dataset.path,
      reason:
        "holds a dataset that is not a set of films (made by the stages alone or from photos): give a new --output folder"
    )
  }

  /// Adds the files to the set's list of films, saying for each what it came to.
  static func add(_ inputs: FilmInputs, to dataset: URL, quiet: Bool) throws -> FilmSet {
    var set = try FilmSet.load(from: dataset)
    for file in inputs.files {
      try CelError.requireFile(file.path)
      switch set.add(file, fingerprint: try Fingerprint.ofFile(file)) {
      case .added(let film):
        if !quiet { print("added film \(film.name) (\(film.file))") }
      case .alreadyThere(let film):
        if !quiet { print("already in the set: \(file.path) as film \(film.name)") }
      }
    }
    if inputs.ignored > 0 && !quiet {
      print("passed over \(inputs.ignored) files that are not videos")
    }
    try set.save(in: dataset)
    return set
  }

  /// A film's state in a few words: its counts when finished, its failure otherwise.
  static func status(of film: FilmSet.Film, in dataset: URL) -> String {
    if let failure = FilmSet.failure(of: film, in: dataset) { return "failed: " + failure }
    guard let manifest = try? DatasetManifest.load(from: FilmSet.folder(of: film, in: dataset)),
      let extract = manifest.stages[ExtractStage.name], let tile = manifest.stages[TileStage.name]
    else { return "not processed yet" }
    return "\(extract.counts["kept", default: 0]) frames, \(tile.counts["tiles", default: 0]) tiles"
  }
}
