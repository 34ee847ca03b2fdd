import CelCore
import Foundation
import Training

/// Turns pictures of any size into cartoons with a generator, in bounded memory.
///
/// A picture of up to `tileSide`² pixels goes through whole. A larger one goes through in
/// the fewest overlapping tiles of at most that area: first a copy scaled down to at most
/// 512² pixels records every instance norm's statistics, then each tile is normalised with
/// those (so tiles agree in tone), and the tiles are blended with weights that fall
/// linearly to zero across the overlap (so no seam shows). Sides are reflected up to
/// multiples of 4, as the network halves twice.
package final class Cartoonizer {
  private let generator: Generator
  package var tileSide: Int
  package var overlap: Int
  private static let previewArea = 512 * 512

  package init(weights: GeneratorWeights, tileSide: Int = 576, overlap: Int = 48) throws {
    generator = try weights.makeGenerator()
    self.tileSide = tileSide
    self.overlap = overlap
  }

  /// The cartoon of a BGR picture, the same size.
  package func cartoonize(_ picture: PixelBuffer) throws -> PixelBuffer {
    precondition(picture.channels == 3 && picture.order == .bgr, "BGR pictures only")
    let swapsChannels = generator.channelOrder != picture.order
    let planes = PlanarImage(picture, swappingChannels: swapsChannels)
    if picture.width * picture.height <= tileSide * tileSide {
      try generator.setStatistics(.own)
      return try run(planes).pixels(swappingChannels: swapsChannels)
    }
    if generator.sharesStatistics {
      let area = min(Self.previewArea, tileSide * tileSide)
      let scale = (Double(area) / Double(picture.width * picture.height)).squareRoot()
      let preview = planes.resized(
        width: max(4, Int(Double(picture.width) * scale)),
        height: max(4, Int(Double(picture.height) * scale)))
      try generator.setStatistics(.record)
      _ = try run(preview)
      try generator.setStatistics(.replay)
    }
    defer { try? generator.setStatistics(.own) }

    var sum = PlanarImage(width: picture.width, height: picture.height)
    var weight = [Float](repeating: 0, count: picture.width * picture.height)
    for tile in tiles(width: picture.width, height: picture.height) {
      let output = try run(planes.cropped(tile))
      sum.accumulate(
        output, at: tile, weights: &weight, feather: overlap, within: picture.width,
        picture.height)
    }
    sum.divide(by: weight)
    return sum.pixels(swappingChannels: swapsChannels)
  }

  /// The grid of tiles, overlapping by `overlap`, each of at most `tileSide`² pixels, that
  /// covers the picture with the fewest pixels in all (every extra pixel is work).
  package func tiles(width: Int, height: Int) -> [PixelRect] {
    func side(_ length: Int, _ count: Int) -> Int {
      count == 1 ? length : min(length, ((length + (count - 1) * overlap) + count - 1) / count)
    }
    var best: (across: Int, down: Int, cost: Int)?
    for across in 1...max(1, width / (overlap * 2 + 4)) {
      for down in 1...max(1, height / (overlap * 2 + 4)) {
        let w = side(width, across)
        let h = side(height, down)
        guard w * h <= tileSide * tileSide else { continue }
        let cost = across * down * w * h
        if cost < best?.cost ?? .max { best = (across, down, cost) }
      }
    }
    let (across, down) = best.map { ($0.across, $0.down) } ?? (1, 1)
    let w = side(width, across)
    let h = side(height, down)
    func starts(_ length: Int, _ tile: Int, _ count: Int) -> [Int] {
      count == 1 ? [0] : (0..<count).map { ($0 * (length - tile) + (count - 1) / 2) / (count - 1) }
    }
    return starts(height, h, down).flatMap { y in
      starts(width, w, across).map { x in PixelRect(x: x, y: y, width: w, height: h) }
    }
  }

  /// The generator on one picture, its sides reflected up to multiples of 4 and cut back.
  private func run(_ image: PlanarImage) throws -> PlanarImage {
    let padded = image.reflectPadded(toMultipleOf: 4)
    let output = try generator.forward(
      padded.values, batch: 1, height: padded.height, width: padded.width)
    return PlanarImage(width: padded.width, height: padded.height, values: output)
      .cropped(PixelRect(x: 0, y: 0, width: image.width, height: image.height))
  }
}
