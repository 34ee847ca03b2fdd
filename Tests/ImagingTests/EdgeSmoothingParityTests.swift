import CelCore
import Foundation
import Imaging
import TestSupport
import Testing
import Video

/// Celshade's smoothing against an independent reference of the recipe (numpy and OpenCV's
/// Python binding, from Debian), on tiles cut from the real clip in opencv-doc.
@Suite(.tags(.slow)) struct EdgeSmoothingParityTests {
  static let reference = Python.references.appendingPathComponent("edge_promoting.py")

  /// 256×256 tiles from frames spread over Megamind.avi, written as PNG.
  func megamindTiles(in folder: URL) throws -> [URL] {
    let decoder = try VideoDecoder(url: OpenCVSamples.megamind)
    let converter = FrameConverter()
    var tiles: [URL] = []
    var index = 0
    while let frame = try decoder.nextFrame() {
      defer { index += 1 }
      guard index % 45 == 20 else { continue }
      let image = try Image(converter.convert(frame, width: 720, height: 528))
      for (x, y) in [(40, 30), (232, 136), (424, 272)] {
        let url = folder.appendingPathComponent("tile-\(index)-\(x).png")
        try image.cropped(to: PixelRect(x: x, y: y, width: 256, height: 256)).write(to: url)
        tiles.append(url)
      }
    }
    return tiles
  }

  func runReference(_ input: URL, _ output: URL, _ arguments: [String]) throws {
    try Python.run(Self.reference, [input.path, output.path] + arguments)
  }

  @Test(arguments: [["100", "200", "5", "5"], ["60", "120", "3", "7"]])
  func matchesTheReferenceWithinOneLevel(_ parameters: [String]) throws {
    let folder = try makeTemporaryDirectory()
    let tiles = try megamindTiles(in: folder)
    #expect(tiles.count >= 12)
    var smoothing = EdgeSmoothing()
    smoothing.cannyLow = Double(parameters[0]) ?? 0
    smoothing.cannyHigh = Double(parameters[1]) ?? 0
    smoothing.dilation = Int(parameters[2]) ?? 0
    smoothing.gaussian = Int(parameters[3]) ?? 0
    var changedPixels = 0
    for tile in tiles {
      let expectedURL = tile.deletingPathExtension().appendingPathExtension("reference.png")
      try runReference(tile, expectedURL, parameters)
      let original = try Image.read(tile).pixels()
      let ours = try Image.read(tile).edgeSmoothed(smoothing).pixels()
      let expected = try Image.read(expectedURL).pixels()
      let worst = zip(ours.bytes, expected.bytes).map { abs(Int($0) - Int($1)) }.max() ?? 0
      // Canny and the dilation are integer work and the Gaussian is summed in double
      // precision before it is truncated, so two correct implementations part only where a
      // sum lands within rounding of a whole level: by one level, on any processor.
      #expect(worst <= 1, "\(tile.lastPathComponent): off by \(worst)")
      changedPixels += zip(ours.bytes, original.bytes).filter { $0 != $1 }.count
    }
    #expect(changedPixels > 0)  // the recipe did smooth something
  }
}

extension Tag {
  @Tag static var slow: Self
}
