import CelCore
import Foundation
import Imaging
import TestSupport
import Testing
import Torch
import Video

/// cel-apply and cel-import with weights in the published layout, on real photos and on a
/// small video with sound.
@Suite(.serialized) struct ApplyTests {
  let apply = Executable(name: "cel-apply")

  func photo(_ name: String, width: Int, height: Int, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Image.read(OpenCVSamples.folder.appendingPathComponent("fruits.jpg"))
      .resized(width: width, height: height, interpolation: .cubic).write(to: url)
    return url
  }

  /// The network's own picture at every size: cel-apply's output against PyTorch's forward
  /// pass over the whole picture, with the same weights (seeded, in the published layout).
  @Test(arguments: [("building.jpg", 868, 600), ("fruits.jpg", 1920, 1080)])
  func theCartoonIsTheNetworksWholePicture(name: String, width: Int, height: Int) throws {
    let folder = try makeTemporaryDirectory()
    let input = folder.appendingPathComponent("photo.png")
    try Image.read(OpenCVSamples.folder.appendingPathComponent(name))
      .resized(width: width, height: height, interpolation: .cubic).write(to: input)
    let output = folder.appendingPathComponent("cartoon.png")
    let weights = try GeneratorWeightFolders.seeded()
    let result = try apply.run(["--model", weights.path, "-i", input.path, "-o", output.path, "-q"])
    #expect(result.status == 0, "\(result.errors)")
    let cartoon = try Image.read(output).pixels()
    #expect(cartoon.width == width && cartoon.height == height)
    let reference = try ReferenceCartoon.published(
      weights: weights, picture: try Image.read(input).pixels())
    let difference = LevelDifference(cartoon, reference)
    #expect(difference.mean <= 0.5 && difference.percentile99 <= 2, "\(difference)")
  }

  /// `--device cuda` draws on the GPU the CPU's picture; where libtorch sees no GPU, cel-apply
  /// and cel-train end in one line and write nothing.
  @Test func cudaDrawsTheCPUsPictureOrIsRefusedInOneLine() throws {
    let folder = try makeTemporaryDirectory()
    let input = try photo("fruits.png", width: 868, height: 600, in: folder)
    let weights = try GeneratorWeightFolders.seeded().path
    let output = folder.appendingPathComponent("cuda.png")
    let result = try apply.run(
      ["--model", weights, "-i", input.path, "-o", output.path, "--device", "cuda", "-q"])
    let train = TrainTests()
    let inputs = try TrainTests.inputs.get()
    let run = folder.appendingPathComponent("run")
    let training = try Executable(name: "cel-train").run(
      train.arguments(inputs, run: run) + ["--device", "cuda"])
    guard CUDA.deviceCount > 0 else {
      let refusal = "Error: no CUDA device: this libtorch was built without CUDA or sees no GPU\n"
      for (command, outcome) in [("cel-apply", result), ("cel-train", training)] {
        #expect(outcome.status != 0, "\(command)")
        #expect(outcome.errors == refusal, "\(command)")
      }
      #expect(!FileManager.default.fileExists(atPath: output.path))
      #expect(!FileManager.default.fileExists(atPath: run.path))
      return
    }
    #expect(result.status == 0 && training.status == 0, "\(result.errors)\(training.errors)")
    let cpu = folder.appendingPathComponent("cpu.png")
    let onCPU = try apply.run(
      ["--model", weights, "-i", input.path, "-o", cpu.path, "--device", "cpu", "-q"])
    #expect(onCPU.status == 0, "\(onCPU.errors)")
    let difference = LevelDifference(try Image.read(output).pixels(), try Image.read(cpu).pixels())
    #expect(difference.mean <= 0.5 && difference.percentile99 <= 2, "\(difference)")
  }

  @Test func anExistingOutputIsKeptAndAPictureTooLargeForMemoryIsRefused() throws {
    let folder = try makeTemporaryDirectory()
    let input = try photo("fruits.png", width: 1280, height: 720, in: folder)
    let output = folder.appendingPathComponent("cartoon.png")
    try Data("keep".utf8).write(to: output)
    let weights = try GeneratorWeightFolders.seeded().path
    let kept = try apply.run(["--model", weights, "-i", input.path, "-o", output.path])
    #expect(
      kept.errors
        == "Error: \(output.path): cannot write: exists (use --overwrite to replace it)\n")
    #expect(try Data(contentsOf: output) == Data("keep".utf8))

    let refused = try apply.run([
      "--model", weights, "-i", input.path, "-o", output.path, "--overwrite",
      "--memory-limit", "200M",
    ])
    #expect(refused.status != 0)
    let prefix = "Error: \(input.path): a 1280x720 picture needs "
    #expect(refused.errors.hasPrefix(prefix), "\(refused.errors)")
    #expect(refused.errors.contains("200 MB is available; scale it down with --max-side "))
    #expect(try Data(contentsOf: output) == Data("keep".utf8))
    // The side it suggests fits.
    let side = try #require(
      refused.errors.split(separator: " ").last.flatMap { Int($0.dropLast()) })
    let fits = try apply.run([
      "--model", weights, "-i", input.path, "-o", output.path, "--overwrite", "-q",
      "--memory-limit", "200M", "--max-side", "\(side)",
    ])
    #expect(fits.status == 0, "\(fits.errors)")
    #expect(try Image.read(output).width == side)
  }

  @Test func aFolderAndAnImportedStyle() throws {
    let folder = try makeTemporaryDirectory()
    let photos = folder.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
    _ = try photo("a.png", width: 160, height: 120, in: photos)
    _ = try photo("b.jpg", width: 99, height: 77, in: photos)
    let style = folder.appendingPathComponent("style.safetensors")
    let imported = try Executable(name: "cel-import").run([
      "--from", try GeneratorWeightFolders.seeded().path, "--to", style.path,
    ])
    #expect(imported.status == 0, "\(imported.errors)")
    let output = folder.appendingPathComponent("cartoons")
    let result = try apply.run(["--model", style.path, "-i", photos.path, "-o", output.path, "-q"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == [
        "a.png", "b.jpg",
      ])
    #expect(try Image.read(output.appendingPathComponent("b.jpg")).width == 99)

    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let none = try apply.run([
      "--model", style.path, "-i", empty.path, "-o", folder.appendingPathComponent("x").path,
    ])
    #expect(none.errors == "Error: \(empty.path): holds no images\n")
  }

  @Test func aVideoKeepsItsFramesSizeRateAndSound() throws {
    let folder = try makeTemporaryDirectory()
    let sound = folder.appendingPathComponent("sound.wav")
    try WaveFile.write(seconds: 1.2, to: sound)
    var film = SyntheticFilm(width: 96, height: 64, frameRate: 10)
    for index in 0..<12 { film.show(.shifted(3, index * 2), frames: 1) }
    let input = folder.appendingPathComponent("clip.mkv")
    try film.write(to: input) { $0.audioSource = sound }
    #expect(try VideoDecoder(url: input).info.audioStreamCount == 1)

    let output = folder.appendingPathComponent("cartoon.mkv")
    let result = try apply.run([
      "--style", try GeneratorWeightFolders.seeded().path, "-i", input.path, "-o", output.path,
      "-q",
    ])
    #expect(result.status == 0, "\(result.errors)")
    let decoder = try VideoDecoder(url: output)
    #expect(decoder.info.width == 96 && decoder.info.height == 64)
    #expect(decoder.info.frameRate.map { abs($0 - 10) < 0.01 } == true)
    #expect(decoder.info.audioStreamCount == 1)
    var frames = 0
    while try decoder.nextFrame() != nil { frames += 1 }
    #expect(frames == 12)

    let silent = folder.appendingPathComponent("silence.wav")
    try WaveFile.write(seconds: 0.5, to: silent)
    let refused = try apply.run([
      "--style", try GeneratorWeightFolders.seeded().path, "-i", silent.path, "-o",
      folder.appendingPathComponent("o.mkv").path,
    ])
    #expect(refused.errors == "Error: \(silent.path): has no video stream\n")
  }
}
