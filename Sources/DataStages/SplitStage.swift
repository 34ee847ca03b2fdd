import CelCore
import Foundation

/// The split stage: tiles (and their smoothed twins) assigned to train or val, by group.
///
/// Writes `splits/train.txt` and `splits/val.txt` (tile names, one a line) and the views
/// `train/tiles`, `train/smooth`, `val/tiles`, `val/smooth`: hard links, so a view costs no
/// disk space. With `--export` it also writes the layout of CartoonGan-tensorflow.
package struct SplitStage: Sendable {
  package static let name = "split"
  package var dataset: URL
  package var options: SplitSettings

  package init(dataset: URL, options: SplitSettings) {
    self.dataset = dataset
    self.options = options
  }

  /// A tile as the split sees it: its name in the views, and where it and its twin are.
  struct SetTile {
    var name: String
    var group: String
    var tile: URL
    var twin: URL
  }

  /// Every tile of the dataset (of every film of a set), whether the twins exist, and a
  /// fingerprint of the tile lists and the twins' parameters.
  func gatherTiles() throws -> (tiles: [SetTile], hasSmooth: Bool, fingerprint: String) {
    var tiles: [SetTile] = []
    var hasSmooth = false
    var digest = Fingerprint()
    for unit in try FilmSet.tileUnits(of: dataset) {
      let layout = DatasetLayout(unit)
      digest.combine(unit.lastPathComponent)
      digest.combine(try Fingerprint.ofContents(layout.tileRecords))
      if let smooth = try DatasetManifest.load(from: unit).stages[SmoothStage.name] {
        hasSmooth = true
        digest.combine(
          StageBookkeeping.requestKey(
            inputFingerprint: smooth.inputFingerprint, parameters: smooth.parameters))
      }
      hasSmooth = hasSmooth || FileManager.default.fileExists(atPath: layout.smooth.path)
      for record in try TileRecord.readAll(in: unit) {
        let name = (record.file as NSString).lastPathComponent
        tiles.append(
          SetTile(
            name: name, group: record.group, tile: unit.appendingPathComponent(record.file),
            twin: layout.smooth.appendingPathComponent(name)))
      }
    }
    var seen: Set<String> = []
    for tile in tiles where !seen.insert(tile.name).inserted {
      throw CelError.invalidInput(tile.tile.path, reason: "another tile of the set has its name")
    }
    for tile in tiles where hasSmooth && FileIO.fileSize(tile.twin) == nil {
      throw CelError.invalidInput(
        tile.twin.path, reason: "missing: the smoothed twin of \(tile.tile.path) (run cel-smooth)")
    }
    return (tiles, hasSmooth, digest.hex)
  }

  package func run() async throws -> StageOutcome {
    let layout = DatasetLayout(dataset)
    let (tiles, hasSmooth, fingerprint) = try gatherTiles()
    let names = tiles.map(\.name)
    let parameters = options.parameters
    var outputs = [layout.train, layout.val, layout.splits]
    if let export = options.export { outputs.append(URL(fileURLWithPath: export)) }
    if let record = try StageBookkeeping.currentRecord(
      of: Self.name, in: dataset, parameters: parameters, inputFingerprint: fingerprint,
      outputs: outputs)
    {
      return .upToDate(record)
    }

    let rule = SplitRule(valFraction: options.val, seed: options.seed)
    let isVal = tiles.map { rule.isValidation(group: $0.group) }
    let key = StageBookkeeping.requestKey(inputFingerprint: fingerprint, parameters: parameters)
    let photoViews = try options.photos.map { try PhotoViews(dataset: URL(fileURLWithPath: $0)) }

    // Views first, then the lists, then the manifest: the lists and the record appear only
    // once everything they describe is in place.
    let folders: [(String, KeyPath<SetTile, URL>)] =
      hasSmooth ? [("tiles", \.tile), ("smooth", \.twin)] : [("tiles", \.tile)]
    try DatasetManifest.forget(Self.name, in: dataset)
    for (view, wanted) in [(layout.train, false), (layout.val, true)] {
      let staging = try StagingDirectory(for: view, key: key)
      for (folder, path) in folders {
        let target = staging.url.appendingPathComponent(folder)
        try FileIO.createDirectory(target)
        for (tile, side) in zip(tiles, isVal) where side == wanted {
          try FileIO.link(tile[keyPath: path], to: target.appendingPathComponent(tile.name))
        }
      }
      try staging.commit()
    }
    if let export = options.export {
      try writeExport(
        to: URL(fileURLWithPath: export), tiles: tiles, isVal: isVal, hasSmooth: hasSmooth,
        photos: photoViews, key: key)
    }
    try FileIO.createDirectory(layout.splits)
    let trainNames = zip(names, isVal).filter { !$0.1 }.map(\.0)
    let valNames = zip(names, isVal).filter(\.1).map(\.0)
    try FileIO.writeAtomically(
      Data(trainNames.map { $0 + "\n" }.joined().utf8),
      to: layout.splits.appendingPathComponent("train.txt"))
    try FileIO.writeAtomically(
      Data(valNames.map { $0 + "\n" }.joined().utf8),
      to: layout.splits.appendingPathComponent("val.txt"))

    let groups = Dictionary(zip(tiles.map(\.group), isVal), uniquingKeysWith: { a, _ in a })
    let record = StageRecord(
      stage: Self.name, parameters: parameters, inputFingerprint: fingerprint,
      counts: [
        "train-tiles": trainNames.count, "val-tiles": valNames.count,
        "train-groups": groups.values.filter { !$0 }.count,
        "val-groups": groups.values.filter { $0 }.count,
      ],
      warnings: valNames.isEmpty && options.val > 0
        ? ["no group fell to val: use more footage or another --seed"] : [])
    try DatasetManifest.record(record, in: dataset)
    return .ran(record)
  }

  /// CartoonGan-tensorflow's dataset layout: trainB (style tiles of the train side),
  /// trainB_smooth (their twins), and from the photo set trainA and testA.
  private func writeExport(
    to folder: URL, tiles: [SetTile], isVal: [Bool], hasSmooth: Bool, photos: PhotoViews?,
    key: String
  ) throws {
    guard hasSmooth else {
      throw CelError.invalidRequest("--export needs the smoothed twins: run cel-smooth first")
    }
    let staging = try StagingDirectory(for: folder, key: key)
    let style: [(String, KeyPath<SetTile, URL>)] = [("trainB", \.tile), ("trainB_smooth", \.twin)]
    for (target, path) in style {
      let directory = staging.url.appendingPathComponent(target)
      try FileIO.createDirectory(directory)
      for (tile, side) in zip(tiles, isVal) where !side {
        try FileIO.link(tile[keyPath: path], to: directory.appendingPathComponent(tile.name))
      }
    }
    if let photos {
      for (target, files) in [("trainA", photos.train), ("testA", photos.val)] {
        let directory = staging.url.appendingPathComponent(target)
        try FileIO.createDirectory(directory)
        for file in files {
          try FileIO.link(file, to: directory.appendingPathComponent(file.lastPathComponent))
        }
      }
    }
    try staging.commit()
  }
}

/// The train and val photo tiles of a photo dataset that has been split.
struct PhotoViews {
  var train: [URL]
  var val: [URL]

  init(dataset: URL) throws {
    let layout = DatasetLayout(dataset)
    guard
      FileManager.default.fileExists(atPath: layout.splits.appendingPathComponent("train.txt").path)
    else {
      throw CelError.invalidInput(
        dataset.path, reason: "is not a split photo dataset (run the photos pipeline)")
    }
    func list(_ name: String) throws -> [URL] {
      let text = try String(contentsOf: layout.splits.appendingPathComponent(name), encoding: .utf8)
      return text.split(separator: "\n").map { layout.tiles.appendingPathComponent(String($0)) }
    }
    train = try list("train.txt")
    val = try list("val.txt")
  }
}

extension SplitStage {
  /// Runs the split again with the options it last ran with, if the dataset has been
  /// split: after the smoothed twins are regenerated, the views must link the new files.
  package static func refresh(in dataset: URL) async throws -> StageOutcome? {
    guard let record = try DatasetManifest.load(from: dataset).stages[name] else { return nil }
    let options = try SplitSettings(
      recorded: record, in: dataset.appendingPathComponent(DatasetManifest.fileName))
    return try await SplitStage(dataset: dataset, options: options).run()
  }
}
