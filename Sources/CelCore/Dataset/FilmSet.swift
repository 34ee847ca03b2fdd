import Foundation

/// `films.json` at the root of a dataset made of films: which films the set holds.
///
/// Each film has a name in the set, unique, which names its folder (`films/NAME/`, where
/// its frames, tiles and smoothed twins live) and prefixes its frames' and tiles' file
/// names, so names never collide across films. Films are added and removed only when a
/// command says so; nothing else rewrites this file.
package struct FilmSet: Codable, Sendable, Equatable {
  package struct Film: Codable, Sendable, Equatable {
    /// The film's name in the set: its file's stem, or the stem and a short fingerprint
    /// when another film of the set already has that stem.
    package var name: String
    /// The file as it was added, absolute.
    package var file: String
    /// `Fingerprint.ofFile` of the file: the same content added again is the same film.
    package var fingerprint: String
  }

  /// What adding one file came to.
  package enum Addition: Sendable, Equatable {
    case added(Film)
    /// The set already holds this content, under this name.
    case alreadyThere(Film)
  }

  package var schemaVersion = 1
  package var films: [Film] = []

  package init() {}

  package static let fileName = "films.json"
  package static let folderName = "films"

  /// Video file extensions a folder of films is searched for.
  package static let videoExtensions: Set<String> = [
    "mkv", "mp4", "m4v", "mov", "avi", "webm", "mpg", "mpeg", "ts", "m2ts", "mts", "wmv", "flv",
    "ogv", "3gp",
  ]

  /// Whether `dataset` is a set of films (it has `films.json`).
  package static func exists(in dataset: URL) -> Bool {
    FileManager.default.fileExists(atPath: dataset.appendingPathComponent(fileName).path)
  }

  /// Reads the set's films, or an empty set when the dataset has none yet.
  package static func load(from dataset: URL) throws -> FilmSet {
    let url = dataset.appendingPathComponent(fileName)
    guard let data = FileManager.default.contents(atPath: url.path) else { return FilmSet() }
    do {
      return try JSONDecoder().decode(FilmSet.self, from: data)
    } catch {
      throw CelError.invalidInput(url.path, reason: "not a Celshade film list (\(error))")
    }
  }

  package func save(in dataset: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try FileIO.createDirectory(dataset)
    try FileIO.writeAtomically(
      try encoder.encode(self), to: dataset.appendingPathComponent(Self.fileName))
  }

  /// The folder that holds `film`'s outputs.
  package static func folder(of film: Film, in dataset: URL) -> URL {
    dataset.appendingPathComponent(folderName).appendingPathComponent(film.name)
  }

  /// Where a film's last failure is noted (its error, one line), until its stages succeed.
  package static func failureNote(of film: Film, in dataset: URL) -> URL {
    folder(of: film, in: dataset).appendingPathComponent("failed.txt")
  }

  /// The film's last failure, if its stages have failed since they last succeeded.
  package static func failure(of film: Film, in dataset: URL) -> String? {
    (try? String(contentsOf: failureNote(of: film, in: dataset), encoding: .utf8))
      .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
  }

  /// The film named `name`, or the film at `name` read as an index from 0 (as a Slurm
  /// array task numbers them).
  package func film(named name: String) -> Film? {
    if let film = films.first(where: { $0.name == name }) { return film }
    if let index = Int(name), films.indices.contains(index) { return films[index] }
    return nil
  }

  /// Adds `file` unless the set holds its content already.
  package mutating func add(_ file: URL, fingerprint: String) -> Addition {
    if let film = films.first(where: { $0.fingerprint == fingerprint }) {
      return .alreadyThere(film)
    }
    let stem = Self.safeName(file.deletingPathExtension().lastPathComponent)
    let taken = Set(films.map(\.name))
    let name = taken.contains(stem) ? "\(stem)-\(fingerprint.prefix(8))" : stem
    let film = Film(name: name, file: file.standardizedFileURL.path, fingerprint: fingerprint)
    films.append(film)
    return .added(film)
  }

  /// Removes the films named, and returns them; a name the set does not hold is an error.
  package mutating func remove(_ names: [String], in dataset: URL) throws -> [Film] {
    try names.map { name in
      guard let index = films.firstIndex(where: { $0.name == name }) else {
        let held = films.map(\.name).joined(separator: ", ")
        throw CelError.invalidRequest(
          "\(dataset.path): holds no film named '\(name)' (it holds: \(held.isEmpty ? "none" : held))"
        )
      }
      return films.remove(at: index)
    }
  }

  /// A file stem made safe as a folder and file-name prefix.
  static func safeName(_ stem: String) -> String {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+")
    let safe = String(stem.map { allowed.contains($0) ? $0 : "_" })
    return safe.isEmpty || safe.hasPrefix(".") ? "film" + safe : safe
  }
}

extension FilmSet {
  /// The folders that hold a dataset's tiles: in a set of films, the folder of every film
  /// whose tiles are cut (in the order the films were added); otherwise the dataset itself.
  package static func tileUnits(of dataset: URL) throws -> [URL] {
    guard exists(in: dataset) else { return [dataset] }
    let units = try load(from: dataset).films.map { folder(of: $0, in: dataset) }
      .filter { FileManager.default.fileExists(atPath: DatasetLayout($0).tileRecords.path) }
    guard !units.isEmpty else {
      throw CelError.invalidInput(
        dataset.path, reason: "no film of this set has its tiles cut yet: run its film pipeline")
    }
    return units
  }
}
