import CelCore
import Foundation
import Imaging
import ModelStages
import TestSupport
import Testing
import Training

/// The generator with the published Hayao weights against an independent forward pass in
/// PyTorch's Python API (Debian's python3-torch), on a real photo from opencv-doc.
@Suite(.tags(.slow)) struct GeneratorParityTests {
  static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Reference/cartoongan_reference.py")

  /// A real photo as the network's input: BGR planes in [-1, 1].
  func photoInput(width: Int, height: Int) throws -> [Float] {
    let photo = try Image.read(OpenCVSamples.folder.appendingPathComponent("fruits.jpg"))
      .resized(width: width, height: height).pixels()
    let plane = width * height
    var values = [Float](repeating: 0, count: 3 * plane)
    for index in 0..<plane {
      for channel in 0..<3 {
        values[channel * plane + index] = Float(photo.bytes[index * 3 + channel]) / 127.5 - 1
      }
    }
    return values
  }

  @Test func matchesPyTorchWithinOneThousandth() throws {
    let (width, height) = (256, 240)
    let input = try photoInput(width: width, height: height)
    let generator = try GeneratorWeights.load(SharedData.hayao).makeGenerator()
    TorchRuntime.prepare(threads: ProcessInfo.processInfo.activeProcessorCount)
    let ours = try generator.forward(input, batch: 1, height: height, width: width)

    let folder = try makeTemporaryDirectory()
    let inputFile = folder.appendingPathComponent("input.npy")
    let outputFile = folder.appendingPathComponent("output.npy")
    try NumpyArray(shape: [1, 3, height, width], values: input).encoded().write(to: inputFile)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [
      Self.reference.path, SharedData.hayao.path, inputFile.path, outputFile.path,
    ]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    let expected = try NumpyArray.read(outputFile)

    #expect(expected.shape == [1, 3, height, width])
    let worst = zip(ours, expected.values).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst < 1e-3, "largest difference \(worst)")
    // A stylisation: neither the photo again nor a flat picture.
    let change = zip(ours, input).map { abs($0 - $1) }.reduce(0, +) / Float(input.count)
    #expect(change > 0.05)
    let mean = ours.reduce(0, +) / Float(ours.count)
    let spread = (ours.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(ours.count))
      .squareRoot()
    #expect(spread > 0.1)
  }
}
