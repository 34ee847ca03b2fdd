internal import CTorchBridge
import CelCore

/// The CartoonGAN generator on libtorch. Owns one `tb_generator`; not `Sendable`.
package final class Generator {
  /// The published CartoonGAN variant (reflection padding, the published instance norm,
  /// BGR), or one `cel-train` trained (PyTorch's batch or instance norm, RGB).
  package enum Variant: String, Sendable, CaseIterable {
    case published
    case trainedBatchNorm = "celshade-batch-norm"
    case trainedInstanceNorm = "celshade-instance-norm"
  }

  package let variant: Variant
  private let handle: OpaquePointer

  /// A generator of `variant` whose tensors must all be set with `setParameter` before use.
  /// A trained variant runs in evaluation mode, its tensors named as checkpoints store
  /// them without the `g.` prefix.
  package init(variant: Variant) throws {
    let norm: tb_norm =
      switch variant {
      case .published: TB_NORM_PUBLISHED_INSTANCE
      case .trainedBatchNorm: TB_NORM_BATCH
      case .trainedInstanceNorm: TB_NORM_INSTANCE
      }
    var raw: OpaquePointer?
    try check(tb_generator_create(norm, &raw), "create generator")
    guard let raw else {
      throw TorchError(code: .unknown, operation: "create generator", message: "no generator")
    }
    handle = raw
    self.variant = variant
  }

  deinit { tb_generator_free(handle) }

  /// The colour order the network was trained on.
  package var channelOrder: PixelBuffer.ChannelOrder { variant == .published ? .bgr : .rgb }

  /// Names and shapes of the parameters (and norm buffers), in the network's order.
  package var parameters: [(name: String, shape: [Int])] {
    tensorListing(count: tb_generator_parameter_count(handle)) {
      tb_generator_parameter(handle, $0, $1, $2, $3)
    }
  }

  /// Copies `values` into the parameter `name`.
  package func setParameter(_ name: String, _ values: [Float]) throws {
    try check(tb_generator_set_parameter(handle, name, values, Int64(values.count)), "set \(name)")
  }

  /// How `forward` goes through the network on the CPU; each image whole either way, so
  /// every norm sees the whole image.
  package enum Pass: Sendable {
    /// Activations in oneDNN's blocked layout from layer to layer, the 3x3 convolutions by
    /// Winograd where oneDNN offers it for this processor; the banded pass where oneDNN has
    /// no kernels of its own here.
    case blocked
    /// One layer at a time in bands of rows with libtorch's operators: the least memory, and
    /// float32 rounding as PyTorch's own.
    case banded

    var bridged: tb_pass { self == .blocked ? TB_PASS_BLOCKED : TB_PASS_BANDED }
  }

  /// Runs the generator on `batch` planar (NCHW) images of 3 channels in [-1, 1]; height
  /// and width must be multiples of 4. Returns the same shape, in [-1, 1]. Memory stays
  /// within `peakBytes(width:height:pass:)`.
  package func forward(
    _ input: [Float], batch: Int, height: Int, width: Int, pass: Pass = .blocked
  ) throws -> [Float] {
    try requireCount(
      input, batch * 3 * height * width, "pictures",
      operation: "generator forward on \(width)x\(height)")
    var output = [Float](repeating: 0, count: input.count)
    try check(
      tb_generator_forward(
        handle, pass.bridged, input, Int64(input.count), Int32(batch), Int32(height), Int32(width),
        &output,
        Int64(output.count)),
      "generator forward on \(width)x\(height)")
    return output
  }

  /// The same network over each whole image at once, on the CPU (`cudaDevice` nil) or a
  /// GPU: libtorch's own operators layer by layer, the fast path where memory is plenty.
  /// Needs about `wholeBytes(width:height:)` on the device.
  package func forwardWhole(
    _ input: [Float], batch: Int, height: Int, width: Int, cudaDevice: Int? = nil
  ) throws -> [Float] {
    let operation =
      "generator forward on \(width)x\(height) on \(cudaDevice.map { "cuda:\($0)" } ?? "cpu")"
    try requireCount(input, batch * 3 * height * width, "pictures", operation: operation)
    var output = [Float](repeating: 0, count: input.count)
    try check(
      tb_generator_forward_whole(
        handle, Int32(cudaDevice ?? -1), input, Int64(input.count), Int32(batch), Int32(height),
        Int32(width), &output, Int64(output.count)),
      operation)
    return output
  }

  /// About the most device memory `forwardWhole` holds for one image.
  package static func wholeBytes(width: Int, height: Int) -> Int {
    Int(tb_generator_whole_bytes(Int32(height), Int32(width)))
  }

  /// What this generator keeps between `forward` calls for the last picture size, part of
  /// its `peakBytes`: memory in use that the next picture of that size reuses.
  package var heldBytes: Int { Int(tb_generator_held_bytes(handle)) }

  /// The most memory `forward` holds for one image, besides its input and output arrays.
  package static func peakBytes(width: Int, height: Int, pass: Pass = .blocked) -> Int {
    Int(tb_generator_peak_bytes(pass.bridged, Int32(height), Int32(width)))
  }
}
