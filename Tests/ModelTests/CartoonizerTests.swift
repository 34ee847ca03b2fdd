import CelCore
import Foundation
import Imaging
import ModelStages
import TestSupport
import Testing

@Suite(.tags(.slow)) struct CartoonizerTests {
  static let weights = Result { try GeneratorWeights.load(SharedData.hayao) }

  func photo(width: Int, height: Int) throws -> PixelBuffer {
    try Image.read(OpenCVSamples.folder.appendingPathComponent("baboon.jpg"))
      .resized(width: width, height: height).pixels()
  }

  @Test(arguments: [(257, 131), (130, 97)])
  func oddSizesComeBackTheSameSize(width: Int, height: Int) throws {
    let cartoonizer = try Cartoonizer(weights: try Self.weights.get())
    let output = try cartoonizer.cartoonize(try photo(width: width, height: height))
    #expect(output.width == width && output.height == height)
  }

  @Test func tilesAgreeWithTheWholePictureAndShowNoSeams() throws {
    let picture = try photo(width: 400, height: 300)
    let whole = try Cartoonizer(weights: try Self.weights.get(), tileSide: 512).cartoonize(picture)
    let tiled = try Cartoonizer(weights: try Self.weights.get(), tileSide: 192, overlap: 32)
    #expect(tiled.tiles(width: 400, height: 300).count > 1)
    let output = try tiled.cartoonize(picture)
    #expect(output.width == 400 && output.height == 300)
    let difference = zip(whole.bytes, output.bytes).map { abs(Int($0) - Int($1)) }
    let mean = Double(difference.reduce(0, +)) / Double(difference.count)
    #expect(mean < 12, "mean difference \(mean)")
    // Along a tile boundary the picture changes no more than elsewhere.
    func columnJump(_ pixels: PixelBuffer, at x: Int) -> Double {
      var total = 0
      for y in 0..<pixels.height {
        for c in 0..<3 {
          total += abs(
            Int(pixels.bytes[(y * pixels.width + x) * 3 + c])
              - Int(pixels.bytes[(y * pixels.width + x - 1) * 3 + c]))
        }
      }
      return Double(total) / Double(pixels.height * 3)
    }
    let boundaries = tiled.tiles(width: 400, height: 300).map(\.x).filter { $0 > 0 }
    let typical = stride(from: 20, to: 380, by: 7).map { columnJump(output, at: $0) }.sorted()[25]
    for x in Set(boundaries) {
      #expect(columnJump(output, at: x + 16) < 3 * typical + 4)
    }
  }
}
