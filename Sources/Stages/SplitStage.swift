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
  package var options: SplitOptions

  package init(dataset: URL, options: SplitOptions) {
    self.dataset = dataset
    self.options = options
  }

  package func run() async throws -> StageOutcome {
    let layout = DatasetLayout(dataset)
    let tiles = try TileRecord.readAll(in: dataset)
    let manifest = try DatasetManifest.load(from: dataset)
    let smoothRecord = manifest.stages[SmoothStage.name]
    let hasSmooth =
      smoothRecord != nil || FileManager.default.fileExists(atPath: layout.smooth.path)
    let names = tiles.map { ($0.file as NSString).lastPathComponent }
    for name in names
    where hasSmooth && FileIO.fileSize(layout.smooth.appendingPathComponent(name)) == nil {
      throw CelError.invalidInput(
        layout.smooth.appendingPathComponent(name).path,
        reason: "missing: the smoothed twin of tiles/\(name) (run cel-smooth)")
    }

    var digest = Fingerprint()
    digest.combine(try Fingerprint.ofContents(layout.tileRecords))
    if let smoothRecord {
      digest.combine(
        StageBookkeeping.requestKey(
          inputFingerprint: smoothRecord.inputFingerprint, parameters: smoothRecord.parameters))
    }
    let fingerprint = digest.hex
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
    let folders: [String] = hasSmooth ? ["tiles", "smooth"] : ["tiles"]
    for (view, wanted) in [(layout.train, false), (layout.val, true)] {
      let staging = try StagingDirectory(for: view, key: key)
      for folder in folders {
        let target = staging.url.appendingPathComponent(folder)
        try FileIO.createDirectory(target)
        for (name, side) in zip(names, isVal) where side == wanted {
          try FileIO.link(
            dataset.appendingPathComponent(folder).appendingPathComponent(name),
            to: target.appendingPathComponent(name))
        }
      }
      try staging.commit()
    }
    if let export = options.export {
      try writeExport(
        to: URL(fileURLWithPath: export), names: names, isVal: isVal, hasSmooth: hasSmooth,
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
    to folder: URL, names: [String], isVal: [Bool], hasSmooth: Bool, photos: PhotoViews?,
    key: String
  ) throws {
    guard hasSmooth else {
      throw CelError.invalidRequest("--export needs the smoothed twins: run cel-smooth first")
    }
    let staging = try StagingDirectory(for: folder, key: key)
    let layout = DatasetLayout(dataset)
    let style = [("trainB", layout.tiles), ("trainB_smooth", layout.smooth)]
    for (target, source) in style {
      let directory = staging.url.appendingPathComponent(target)
      try FileIO.createDirectory(directory)
      for (name, side) in zip(names, isVal) where !side {
        try FileIO.link(
          source.appendingPathComponent(name), to: directory.appendingPathComponent(name))
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
    let arguments = record.parameters.sorted { $0.key < $1.key }.flatMap {
      ["--\($0.key)", $0.value]
    }
    return try await SplitStage(dataset: dataset, options: try SplitOptions.parse(arguments)).run()
  }
}
