import CelCore
import Foundation
import Imaging
import ModelStages
import TestSupport
import Testing

@Suite(.tags(.slow)) struct CartoonizerTests {
  func photo(width: Int, height: Int) throws -> PixelBuffer {
    try Image.read(OpenCVSamples.folder.appendingPathComponent("baboon.jpg"))
      .resized(width: width, height: height).pixels()
  }

  /// Sides that are not multiples of 4 are reflected up to them and cut back; the picture
  /// is the network's picture of the reflected one.
  @Test(arguments: [(257, 131), (130, 97)])
  func oddSizesComeBackTheSameSizeAsTheNetworkDrawsThem(width: Int, height: Int) throws {
    let weights = try GeneratorWeightFolders.seeded()
    let picture = try photo(width: width, height: height)
    let output = try Cartoonizer(weights: try GeneratorWeights.load(weights)).cartoonize(picture)
    #expect(output.width == width && output.height == height)
    let padded = PixelBuffer(
      width: (width + 3) / 4 * 4, height: (height + 3) / 4 * 4, channels: 3,
      bytes: reflected(picture))
    let reference = try ReferenceCartoon.published(weights: weights, picture: padded)
    let cut = PixelBuffer(
      width: width, height: height, channels: 3,
      bytes: (0..<height).flatMap { y in
        reference.bytes[(y * padded.width * 3)..<(y * padded.width * 3 + width * 3)]
      })
    let difference = LevelDifference(output, cut)
    #expect(difference.mean <= 0.5 && difference.percentile99 <= 2, "\(difference)")
  }

  /// Rows and columns past the picture mirror the last ones (the edge itself not repeated).
  func reflected(_ picture: PixelBuffer) -> [UInt8] {
    let width = (picture.width + 3) / 4 * 4
    let height = (picture.height + 3) / 4 * 4
    func mirror(_ i: Int, _ n: Int) -> Int { i < n ? i : 2 * n - 2 - i }
    var bytes = [UInt8]()
    for y in 0..<height {
      for x in 0..<width {
        let source = (mirror(y, picture.height) * picture.width + mirror(x, picture.width)) * 3
        bytes.append(contentsOf: picture.bytes[source..<(source + 3)])
      }
    }
    return bytes
  }

  @Test func memoryGrowsWithThePixelsAndStaysNearFourHundredBytesAPixel() {
    let fullHD = Cartoonizer.bytesNeeded(width: 1920, height: 1080)
    #expect(fullHD < 1_200_000_000)
    #expect(Cartoonizer.bytesNeeded(width: 3840, height: 2160) < 4 * fullHD)
  }
}
