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

  /// Where instance-norm statistics come from on the next pass; see `setStatistics`.
  package enum Statistics: Sendable {
    /// Each image's own.
    case own
    /// Each image's own, kept for `replay` (one image per pass).
    case record
    /// The kept ones: the tiles of one large picture normalised alike, so no seams show.
    case replay
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

  /// Whether tiles of one picture can share instance-norm statistics (`setStatistics`).
  /// Batch norm in evaluation mode needs nothing shared; a trained instance norm
  /// normalises each tile alone.
  package var sharesStatistics: Bool { variant == .published }

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

  package func setStatistics(_ statistics: Statistics) throws {
    let mode: tb_statistics =
      switch statistics {
      case .own: TB_STATISTICS_OWN
      case .record: TB_STATISTICS_RECORD
      case .replay: TB_STATISTICS_REPLAY
      }
    try check(tb_generator_set_statistics(handle, mode), "set statistics")
  }

  /// Runs the generator on `batch` planar (NCHW) images of 3 channels in [-1, 1]; height
  /// and width must be multiples of 4. Returns the same shape, in [-1, 1].
  package func forward(_ input: [Float], batch: Int, height: Int, width: Int) throws -> [Float] {
    precondition(input.count == batch * 3 * height * width, "input size does not match")
    var output = [Float](repeating: 0, count: input.count)
    try check(
      tb_generator_forward(handle, input, Int32(batch), Int32(height), Int32(width), &output),
      "generator forward on \(width)x\(height)")
    return output
  }
}
