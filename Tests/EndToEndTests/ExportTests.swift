import CelCore
import Foundation
import Imaging
import TestSupport
import Testing

/// cel-export's ONNX models in the runtimes users take them to: ONNX Runtime and OpenVINO
/// draw cel-apply's picture, for the published layout and both trained norms, at a photo's
/// size and at an odd one that the model pads and crops itself.
@Suite(.serialized) struct ExportTests {
  enum Weights: String, CaseIterable, CustomTestStringConvertible {
    case published
    case batchNorm = "batch"
    case instanceNorm = "instance"
    var testDescription: String { rawValue }
  }

  @Test(arguments: Weights.allCases, [(868, 600), (335, 227)])
  func runtimesDrawCelApplysPicture(weights: Weights, size: (width: Int, height: Int)) throws {
    let folder = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let photo = folder.appendingPathComponent("photo.png")
    try Image.read(OpenCVSamples.folder.appendingPathComponent("building.jpg"))
      .resized(width: size.width, height: size.height, interpolation: .cubic).write(to: photo)
    let model = try weightsFile(weights, in: folder)

    let onnx = folder.appendingPathComponent("generator.onnx")
    let exported = try Executable(name: "cel-export").run(
      ["--from", model.path, "--to", onnx.path])
    #expect(exported.status == 0, "\(exported.errors)")
    let cartoon = folder.appendingPathComponent("cartoon.png")
    let applied = try Executable(name: "cel-apply").run(
      ["--model", model.path, "-i", photo.path, "-o", cartoon.path, "-q"])
    #expect(applied.status == 0, "\(applied.errors)")
    let expected = try Image.read(cartoon).pixels()

    // The model's convention: RGB in [-1, 1], N x 3 x H x W.
    let picture = try Image.read(photo).pixels()
    let input = folder.appendingPathComponent("input.npy")
    try NumpyArray(
      shape: [1, 3, size.height, size.width], values: ReferenceCartoon.input(picture, rgb: true)
    ).encoded().write(to: input)
    let prefix = folder.appendingPathComponent("output").path
    try Python.run(
      Python.references.appendingPathComponent("onnx_runtimes.py"),
      [onnx.path, input.path, prefix], interpreter: Python.onnxRuntimes)

    for runtime in ["onnxruntime", "openvino"] {
      let output = try NumpyArray.read(URL(fileURLWithPath: "\(prefix)-\(runtime).npy"))
      #expect(output.shape == [1, 3, size.height, size.width], "\(runtime)")
      let drawn = ReferenceCartoon.pixels(
        output.values, width: size.width, height: size.height, rgb: true)
      let difference = LevelDifference(drawn, expected)
      #expect(difference.mean <= 0.5 && difference.percentile99 <= 2, "\(runtime): \(difference)")
      // The comparison sees a model that forgot its colour order.
      let swapped = LevelDifference(drawn.swappingRedAndBlue(), expected)
      #expect(swapped.mean > 0.5 || swapped.percentile99 > 2, "\(runtime), swapped: \(swapped)")
    }
  }

  /// A file or folder of weights of each kind users export: the published layout (seeded)
  /// and a checkpoint file of each trained norm (seeded by PyTorch).
  func weightsFile(_ weights: Weights, in folder: URL) throws -> URL {
    guard weights != .published else { return try GeneratorWeightFolders.seeded() }
    let file = folder.appendingPathComponent("trained.safetensors")
    let script = Python.references.appendingPathComponent("trained_generator_reference.py")
    let scratch = folder.appendingPathComponent("scratch")
    try Python.run(
      script,
      [
        "export", file.path, OpenCVSamples.folder.appendingPathComponent("baboon.jpg").path,
        scratch.path + ".npy", weights.rawValue,
      ])
    return file
  }
}

extension PixelBuffer {
  fileprivate func swappingRedAndBlue() -> PixelBuffer {
    var bytes = self.bytes
    for index in stride(from: 0, to: bytes.count, by: 3) { bytes.swapAt(index, index + 2) }
    return PixelBuffer(width: width, height: height, channels: 3, bytes: bytes)
  }
}
