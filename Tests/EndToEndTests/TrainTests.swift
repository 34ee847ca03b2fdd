import CelCore
import Foundation
import Imaging
import TestSupport
import Testing

/// cel-train on the sample film's dataset and real photos, at a tiny size: its files,
/// its interruption and resumption, and its bad inputs.
@Suite(.serialized) struct TrainTests {
  let train = Executable(name: "cel-train")

  /// The sample's style set, a photo set from opencv-doc, and VGG19 features with random
  /// weights saved by torch.save (the real ones cannot be fetched here).
  struct Inputs {
    var style: URL
    var photos: URL
    var vgg: URL
  }

  static let inputs = Result { try makeInputs() }

  static func makeInputs() throws -> Inputs {
    let folder = try makeTemporaryDirectory("train-inputs")
    let style = folder.appendingPathComponent("style")
    let made = try Executable(name: "cel").run(
      ["run", "Pipelines/film-to-dataset.yaml", "-i", "Samples/sample.mp4", "-o", style.path, "-q"])
    guard made.status == 0 else { throw CelError.invalidRequest(made.errors) }
    let pictures = folder.appendingPathComponent("pictures")
    try FileManager.default.createDirectory(at: pictures, withIntermediateDirectories: true)
    for name in ["baboon.jpg", "fruits.jpg", "building.jpg", "orange.jpg", "home.jpg"] {
      try FileManager.default.copyItem(
        at: OpenCVSamples.folder.appendingPathComponent(name),
        to: pictures.appendingPathComponent(name))
    }
    let photos = folder.appendingPathComponent("photos")
    let tiled = try Executable(name: "cel").run(
      ["run", "Pipelines/photos-to-dataset.yaml", "-i", pictures.path, "-o", photos.path, "-q"])
    guard tiled.status == 0 else { throw CelError.invalidRequest(tiled.errors) }
    let vgg = folder.appendingPathComponent("vgg19-features.pth")
    try saveVGG(to: vgg, seed: 0)
    return Inputs(style: style, photos: photos, vgg: vgg)
  }

  static func saveVGG(to file: URL, seed: Int) throws {
    let process = Process()
    process.executableURL = Python.interpreter
    process.arguments = [
      "-c",
      """
      import collections, sys, torch, torchvision
      torch.manual_seed(int(sys.argv[2]))
      state = torchvision.models.vgg19().state_dict()
      torch.save(collections.OrderedDict((k, v) for k, v in state.items() if k.startswith("features.")), sys.argv[1])
      """,
      file.path, String(seed),
    ]
    try process.run()
    process.waitUntilExit()
  }

  func arguments(_ inputs: Inputs, run: URL, epochs: Int = 1) -> [String] {
    [
      "--style", inputs.style.path, "--photos", inputs.photos.path, "--vgg", inputs.vgg.path,
      "--run", run.path, "--image-size", "32", "--batch", "2", "--init-epochs", "1",
      "--epochs", String(epochs), "--threads", "1", "-q",
    ]
  }

  /// Waits until the run has a complete checkpoint, or `process` has ended, or a minute.
  static func waitForACheckpoint(in run: URL, while process: Process) {
    let checkpoints = run.appendingPathComponent("checkpoints")
    for _ in 0..<6000 where process.isRunning {
      let done =
        (try? FileManager.default.contentsOfDirectory(atPath: checkpoints.path))?.filter {
          $0.hasSuffix(".json")
        } ?? []
      if !done.isEmpty { return }
      usleep(10_000)  // on this thread: the shared task threads may be busy elsewhere
    }
  }

  func generatorWeights(_ run: URL) throws -> [String: NumpyArray] {
    let checkpoints = try FileIO.files(
      in: run.appendingPathComponent("checkpoints"), extensions: ["safetensors"])
    let last = try #require(checkpoints.last)
    return try SafeTensors.read(last).tensors.filter { $0.key.hasPrefix("g.") }
  }

  @Test func aTinyRunWritesCheckpointsMetricsAndSamplesThatApplyUses() throws {
    let inputs = try Self.inputs.get()
    let run = try makeTemporaryDirectory().appendingPathComponent("run")
    let result = try train.run(arguments(inputs, run: run))
    #expect(result.status == 0, "\(result.errors)")
    let names = try FileManager.default.contentsOfDirectory(
      atPath: run.appendingPathComponent("checkpoints").path
    ).sorted()
    #expect(
      names == [
        "epoch-0001-batch-000000.json", "epoch-0001-batch-000000.safetensors",
        "epoch-0002-batch-000000.json", "epoch-0002-batch-000000.safetensors",
      ])
    let rows = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
      .split(separator: "\n")
    #expect(rows.first?.hasPrefix("epoch,batch,phase,content") == true)
    #expect(
      rows.dropFirst().contains { $0.contains(",init,") }
        && rows.dropFirst().contains { $0.contains(",adversarial,") })
    let grid = try Image.read(run.appendingPathComponent("samples/epoch-0002.png"))
    #expect(grid.height == 64 && grid.width % 32 == 0)

    // TensorBoard's own reader reads the scalars and images back.
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    reader.arguments = [
      "python3", "-c",
      """
      import sys
      from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
      a = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0, "images": 0}); a.Reload()
      content = a.Scalars("loss/content")
      print(len(content), content[0].step, round(content[0].value, 4), len(a.Images("samples")), a.Images("samples")[-1].width)
      """,
      run.appendingPathComponent("tb").path,
    ]
    let printed = Pipe()
    reader.standardOutput = printed
    try reader.run()
    let text = String(decoding: printed.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    reader.waitUntilExit()
    let firstContent = try #require(rows.dropFirst().first?.split(separator: ",")[3]).description
    let expected =
      "\(rows.count - 1) 0 \(String(format: "%.4g", Double(firstContent) ?? 0)) 2 \(grid.width)"
    #expect(
      text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").count == 5,
      "\(text)")
    let fields = text.split(separator: " ")
    #expect(
      fields.count == 5 && fields[0] == "\(rows.count - 1)" && fields[1] == "0" && fields[3] == "2")
    #expect(
      fields.count == 5 && abs((Double(fields[2]) ?? 0) - (Double(firstContent) ?? 1)) < 1e-3,
      "\(expected) vs \(text)")
    #expect(
      fields.count == 5
        && fields[4].trimmingCharacters(in: .whitespacesAndNewlines) == "\(grid.width)")

    // The run's report, with a half-written last row as a killed run leaves it.
    let metrics = run.appendingPathComponent("metrics.csv")
    try (try String(contentsOf: metrics, encoding: .utf8) + "2,3,advers").write(
      to: metrics, atomically: true, encoding: .utf8)
    #expect(try Executable(name: "cel").run(["report", run.path]).status == 0)
    let loaded = try Browser.load(run.appendingPathComponent("report/index.html"))
    #expect(loaded.charts == 3 && loaded.images == 2 && loaded.broken == 0)
    #expect(loaded.dom.contains("1 unreadable rows of metrics.csv skipped"))

    let cartoon = try makeTemporaryDirectory().appendingPathComponent("cartoon.png")
    let applied = try Executable(name: "cel-apply").run(
      [
        "--model", run.path, "-i", OpenCVSamples.folder.appendingPathComponent("orange.jpg").path,
        "-o", cartoon.path, "--max-side", "96", "-q",
      ])
    #expect(applied.status == 0, "\(applied.errors)")
    #expect(try Image.read(cartoon).width == 96)
  }

  /// Fine-tuning: a run started from a published style (seeded weights in the published
  /// layout) trains adversarially from those weights, resumes, and cel-apply uses it.
  @Test func aRunStartsFromAPublishedStyle() throws {
    let inputs = try Self.inputs.get()
    let style = try GeneratorWeightFolders.seeded()
    let run = try makeTemporaryDirectory().appendingPathComponent("run")
    var tuning = arguments(inputs, run: run, epochs: 1) + ["--norm", "instance"]
    tuning += ["--init-from", style.path]
    tuning[tuning.firstIndex(of: "--init-epochs").map { $0 + 1 } ?? 0] = "0"
    let first = try train.run(tuning)
    #expect(first.status == 0, "\(first.errors)")
    // The published first layer, BGR, is the trained network's first layer with its input
    // channels reversed, moved by a step or two of Adam.
    let start = try NumpyArray.read(style.appendingPathComponent("conv01_1.weight.npy"))
    let tuned = try #require(try generatorWeights(run)["g.body.0.weight"])
    let plane = 7 * 7
    var moved: Float = 0
    for output in 0..<64 {
      for channel in 0..<3 {
        for tap in 0..<plane {
          let a = start.values[(output * 3 + channel) * plane + tap]
          let b = tuned.values[(output * 3 + 2 - channel) * plane + tap]
          moved = max(moved, abs(a - b))
        }
      }
    }
    #expect(moved > 0 && moved < 0.01, "the first layer moved by \(moved)")
    var longer = tuning + ["--resume"]
    longer[longer.firstIndex(of: "--epochs").map { $0 + 1 } ?? 0] = "2"
    let resumed = try train.run(longer)
    #expect(resumed.status == 0, "\(resumed.errors)")

    let batchNorm = try train.run(tuning.filter { $0 != "instance" && $0 != "--norm" })
    #expect(
      batchNorm.errors.contains(
        "--init-from needs --norm instance: published styles use instance norm"))
    let cartoon = try makeTemporaryDirectory().appendingPathComponent("cartoon.png")
    let applied = try Executable(name: "cel-apply").run(
      [
        "--model", run.path, "-i", OpenCVSamples.folder.appendingPathComponent("orange.jpg").path,
        "-o", cartoon.path, "--max-side", "64", "-q",
      ])
    #expect(applied.status == 0, "\(applied.errors)")
  }

  @Test func killedMidRunThenResumedEndsWhereAnUninterruptedRunEnds() throws {
    let inputs = try Self.inputs.get()
    let folder = try makeTemporaryDirectory()
    let whole = folder.appendingPathComponent("whole")
    let broken = folder.appendingPathComponent("broken")
    #expect(try train.run(arguments(inputs, run: whole, epochs: 2)).status == 0)

    let (process, _, _) = try train.start(arguments(inputs, run: broken, epochs: 2))
    Self.waitForACheckpoint(in: broken, while: process)
    usleep(300_000)  // into the next epoch
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    let resumed = try train.run(arguments(inputs, run: broken, epochs: 2) + ["--resume"])
    #expect(resumed.status == 0, "\(resumed.errors)")
    let a = try generatorWeights(whole)
    let b = try generatorWeights(broken)
    #expect(a.keys.sorted() == b.keys.sorted())
    var worst: Float = 0
    for (key, tensor) in a {
      let other = b[key]?.values ?? []
      for (x, y) in zip(tensor.values, other) { worst = max(worst, abs(x - y)) }
    }
    #expect(worst < 1e-4, "largest difference \(worst)")
    let rows = try String(contentsOf: broken.appendingPathComponent("metrics.csv"), encoding: .utf8)
      .split(separator: "\n")
    let wholeRows = try String(
      contentsOf: whole.appendingPathComponent("metrics.csv"), encoding: .utf8
    ).split(separator: "\n")
    #expect(rows.count == wholeRows.count)  // no step counted twice
  }

  @Test func ctrlCWritesACheckpointAndStops() throws {
    let inputs = try Self.inputs.get()
    let run = try makeTemporaryDirectory().appendingPathComponent("run")
    let (process, _, errors) = try train.start(arguments(inputs, run: run, epochs: 3))
    let metrics = run.appendingPathComponent("metrics.csv")
    for _ in 0..<3000 where process.isRunning {
      let rows =
        (try? String(contentsOf: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0
      if rows >= 3 { break }
      usleep(10_000)  // on this thread: the shared task threads may be busy elsewhere
    }
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus != 0)
    #expect(message.contains("interrupted: checkpoint saved at epoch 1, batch"), "\(message)")
    let saved = try FileIO.files(
      in: run.appendingPathComponent("checkpoints"), extensions: ["json"])
    #expect(saved.first?.lastPathComponent.hasPrefix("epoch-0000-batch-") == true)
    #expect(try train.run(arguments(inputs, run: run, epochs: 3) + ["--resume"]).status == 0)
  }

  @Test func badInputsAreNamed() throws {
    let inputs = try Self.inputs.get()
    let folder = try makeTemporaryDirectory()
    let run = folder.appendingPathComponent("run")
    var noVGG = arguments(inputs, run: run)
    noVGG.removeSubrange(4..<6)
    let missing = try train.run(noVGG)
    #expect(
      missing.status != 0
        && missing.errors.hasPrefix("Error: cel-train needs --vgg FILE: the ImageNet VGG19 weights")
    )

    let wrongVGG = folder.appendingPathComponent("vgg.pth")
    try Data("not a checkpoint".utf8).write(to: wrongVGG)
    var bad = arguments(inputs, run: run)
    bad[5] = wrongVGG.path
    #expect(try train.run(bad).errors == "Error: \(wrongVGG.path): not a zip file\n")

    let unsmoothed = folder.appendingPathComponent("unsmoothed")
    try FileManager.default.createDirectory(
      at: unsmoothed.appendingPathComponent("train/tiles"), withIntermediateDirectories: true)
    var noTwins = arguments(inputs, run: run)
    noTwins[1] = unsmoothed.path
    #expect(
      try train.run(noTwins).errors
        == "Error: \(unsmoothed.path): has no smoothed twins (train/smooth): run cel-smooth, then cel-split\n"
    )
    #expect(!FileManager.default.fileExists(atPath: run.path))

    #expect(try train.run(arguments(inputs, run: run)).status == 0)
    // A resumed run takes none of the settings that shape its updates from the command line.
    let changed =
      arguments(inputs, run: run) + [
        "--resume", "--norm", "instance", "--lr", "1e-4", "--lr-steps", "3", "--beta1", "0.9",
      ]
    let mismatch = try train.run(changed)
    #expect(
      mismatch.errors
        == "Error: \(run.path): was started otherwise: --norm batch (asked: instance), --lr 0.0002 (asked: 0.0001), --lr-steps none (asked: 3), --beta1 0.5 (asked: 0.9); resume it with the same\n"
    )
    let otherVGG = folder.appendingPathComponent("other-vgg.pth")
    try Self.saveVGG(to: otherVGG, seed: 1)
    var withOtherVGG = arguments(inputs, run: run) + ["--resume"]
    withOtherVGG[5] = otherVGG.path
    let vggMismatch = try train.run(withOtherVGG)
    #expect(
      vggMismatch.errors.hasPrefix(
        "Error: \(run.path): was started otherwise: --vgg another file (its fingerprint was "))
    // The same VGG19 file moved elsewhere is the same file.
    let movedVGG = folder.appendingPathComponent("moved-vgg.pth")
    try FileManager.default.copyItem(at: inputs.vgg, to: movedVGG)
    var withMovedVGG = arguments(inputs, run: run, epochs: 1) + ["--resume"]
    withMovedVGG[5] = movedVGG.path
    let moved = try train.run(withMovedVGG)
    #expect(moved.status == 0, "\(moved.errors)")
    let again = try train.run(arguments(inputs, run: run))
    #expect(again.errors.hasPrefix("Error: \(run.path): cannot write: holds a run already"))

    let checkpoints = try FileIO.files(
      in: run.appendingPathComponent("checkpoints"), extensions: ["safetensors"])
    let last = try #require(checkpoints.last)
    try Data(try Data(contentsOf: last).prefix(100)).write(to: last)
    let corrupt = try train.run(arguments(inputs, run: run, epochs: 2) + ["--resume"])
    #expect(corrupt.status != 0 && corrupt.errors.hasPrefix("Error: \(last.path):"))
    #expect(checkpoints.count == 2)  // the earlier checkpoint is still there

    let noPhotos = folder.appendingPathComponent("no-photos")
    try FileManager.default.createDirectory(
      at: noPhotos.appendingPathComponent("train/tiles"), withIntermediateDirectories: true)
    var empty = arguments(inputs, run: folder.appendingPathComponent("other"))
    empty[3] = noPhotos.path
    #expect(try train.run(empty).errors == "Error: \(noPhotos.path)/train/tiles: holds no photos\n")
  }
}
