import CelCore
import Foundation
import Training

/// Turns pictures of any size into cartoons with a generator: the network's own picture.
///
/// Every picture goes through the network whole, its sides reflected up to multiples of 4
/// (the network halves them twice) and cut back after. The generator runs one layer at a
/// time in bands of rows, so every instance norm sees the whole picture's statistics, as a
/// whole-picture forward pass in PyTorch does, while memory holds about 400 bytes a pixel
/// (`bytesNeeded`) instead of the 1.5 kB such a pass takes. On a GPU, a picture whose
/// whole-picture pass fits in the device's free memory goes through at once there; one
/// that does not takes the banded pass on the CPU.
package final class Cartoonizer {
  private let generator: Generator
  private let cudaDevice: Int?

  /// A cartoonizer on the CPU, or on GPU `cudaDevice`.
  package init(weights: GeneratorWeights, cudaDevice: Int? = nil) throws {
    generator = try weights.makeGenerator()
    self.cudaDevice = cudaDevice
  }

  /// The memory cartoonizing a `width` x `height` picture takes: the generator's own, the
  /// float planes in and out, and the 8-bit pictures in and out.
  package static func bytesNeeded(width: Int, height: Int) -> Int {
    let paddedWidth = (width + 3) / 4 * 4
    let paddedHeight = (height + 3) / 4 * 4
    let planes = 3 * paddedWidth * paddedHeight * MemoryLayout<Float>.size
    return Generator.peakBytes(width: paddedWidth, height: paddedHeight) + 3 * planes
      + 2 * 3 * width * height
  }

  /// The cartoon of a BGR picture, the same size.
  package func cartoonize(_ picture: PixelBuffer) throws -> PixelBuffer {
    precondition(picture.channels == 3 && picture.order == .bgr, "BGR pictures only")
    let swapsChannels = generator.channelOrder != picture.order
    let image = PlanarImage(picture, swappingChannels: swapsChannels)
    let padded = image.reflectPadded(toMultipleOf: 4)
    let output = try draw(padded)
    return PlanarImage(width: padded.width, height: padded.height, values: output)
      .cropped(PixelRect(x: 0, y: 0, width: image.width, height: image.height))
      .pixels(swappingChannels: swapsChannels)
  }

  /// The network's output for a padded picture: on the GPU where it fits, else banded.
  private func draw(_ padded: PlanarImage) throws -> [Float] {
    if let cudaDevice,
      Generator.wholeBytes(width: padded.width, height: padded.height)
        <= (try CUDA.memory(device: cudaDevice)).free
    {
      return try generator.forwardWhole(
        padded.values, batch: 1, height: padded.height, width: padded.width,
        cudaDevice: cudaDevice)
    }
    return try generator.forward(
      padded.values, batch: 1, height: padded.height, width: padded.width)
  }
}
