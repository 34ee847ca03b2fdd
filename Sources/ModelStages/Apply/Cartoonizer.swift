import CelCore
import Foundation
import Torch

/// Turns pictures of any size into cartoons with a generator: the network's own picture.
///
/// Every picture goes through the network whole, its sides reflected up to multiples of 4
/// (the network halves them twice) and cut back after, so every instance norm sees the whole
/// picture's statistics, as a whole-picture forward pass in PyTorch does. On the CPU it takes
/// the generator's blocked pass (oneDNN's blocked layout and Winograd, about 400 bytes a
/// pixel and 0.3 GB besides) where memory allows, else the banded one (about 400 bytes a
/// pixel and 0.06 GB besides); the 1.5 kB a pixel of libtorch's whole-picture pass is kept
/// for a GPU, where a picture that fits in the device's free memory goes through at once and
/// one that does not is drawn on the CPU.
package final class Cartoonizer {
  private let generator: Generator
  private let cudaDevice: Int?
  private let memoryLimit: Int?

  /// A cartoonizer on the CPU, or on GPU `cudaDevice`; `memoryLimit` (default: the memory
  /// available when each picture starts) decides between the CPU's passes.
  package init(weights: GeneratorWeights, cudaDevice: Int? = nil, memoryLimit: Int? = nil) throws {
    generator = try weights.makeGenerator()
    self.cudaDevice = cudaDevice
    self.memoryLimit = memoryLimit
  }

  /// The memory cartoonizing a `width` x `height` picture takes on the CPU's `pass`: the
  /// generator's own, the float planes in and out, and the 8-bit pictures in and out. By
  /// default, the least a pass takes.
  package static func bytesNeeded(width: Int, height: Int, pass: Generator.Pass? = nil) -> Int {
    let paddedWidth = (width + 3) / 4 * 4
    let paddedHeight = (height + 3) / 4 * 4
    let planes = 3 * paddedWidth * paddedHeight * MemoryLayout<Float>.size
    func generator(_ pass: Generator.Pass) -> Int {
      Generator.peakBytes(width: paddedWidth, height: paddedHeight, pass: pass)
    }
    let least = pass.map(generator) ?? min(generator(.blocked), generator(.banded))
    return least + 3 * planes + 2 * 3 * width * height
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
    // The memory the generator kept from the last picture counts as used by the system's
    // measure, yet the next picture of that size reuses it.
    let limit = memoryLimit ?? SystemMemory.available().map { $0 + generator.heldBytes } ?? .max
    let pass: Generator.Pass =
      Self.bytesNeeded(width: padded.width, height: padded.height, pass: .blocked) <= limit
      ? .blocked : .banded
    return try generator.forward(
      padded.values, batch: 1, height: padded.height, width: padded.width, pass: pass)
  }
}
