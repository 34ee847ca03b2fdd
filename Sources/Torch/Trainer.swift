internal import CTorchBridge

/// CartoonGAN training on libtorch: the trainable generator, the patch discriminator,
/// VGG19 up to conv4_4, the losses and Adam. Owns one `tb_trainer`; not `Sendable`.
package final class Trainer {
  /// Where the networks train.
  package enum Device: String, Sendable, Codable, CaseIterable {
    /// A GPU when libtorch was built with CUDA and sees one, else the CPU.
    case auto
    case cpu, cuda

    var bridged: tb_device {
      switch self {
      case .auto: TB_DEVICE_AUTO
      case .cpu: TB_DEVICE_CPU
      case .cuda: TB_DEVICE_CUDA
      }
    }
  }

  package struct Options: Sendable, Codable, Equatable {
    package var isBatchNorm = true
    package var device = Device.auto
    /// Which GPU, from 0, when the device is one (a rank's `LOCAL_RANK`).
    package var deviceIndex = 0
    package var generatorRate: Float = 2e-4
    package var discriminatorRate: Float = 2e-4
    package var beta1: Double = 0.5
    package var beta2: Double = 0.999
    package var contentWeight: Float = 10
    package var styleWeight: Float = 0
    package var seed: UInt64 = 42

    package init() {}
  }

  /// What one step measured.
  package struct StepLosses: Sendable, Equatable {
    package var content: Float
    package var style: Float
    package var generatorAdversarial: Float
    package var discriminator: Float
    package var realAccuracy: Float
    package var smoothAccuracy: Float
    package var fakeAccuracy: Float

    /// The seven values in the order above.
    package var values: [Float] {
      [
        content, style, generatorAdversarial, discriminator, realAccuracy, smoothAccuracy,
        fakeAccuracy,
      ]
    }

    package init(values: [Float]) {
      precondition(values.count == 7, "a step measures seven values")
      (content, style, generatorAdversarial, discriminator) = (
        values[0], values[1], values[2], values[3]
      )
      (realAccuracy, smoothAccuracy, fakeAccuracy) = (values[4], values[5], values[6])
    }
  }

  package let options: Options

  private let handle: OpaquePointer

  /// Networks with fresh weights drawn from `options.seed`; VGG19 still zero.
  package init(options: Options) throws {
    var settings = tb_trainer_options(
      batch_norm: options.isBatchNorm ? 1 : 0, device: options.device.bridged,
      device_index: Int32(options.deviceIndex),
      generator_rate: options.generatorRate,
      discriminator_rate: options.discriminatorRate, beta1: options.beta1, beta2: options.beta2,
      content_weight: options.contentWeight, style_weight: options.styleWeight, seed: options.seed)
    var raw: OpaquePointer?
    try check(tb_trainer_create(&settings, &raw), "create trainer")
    guard let raw else {
      throw TorchError(code: .unknown, operation: "create trainer", message: "none")
    }
    handle = raw
    self.options = options
  }

  /// The group this trainer averages its gradients over; kept alive while the trainer is.
  private var group: ProcessGroup?

  deinit { tb_trainer_free(handle) }

  /// From now on every step averages its gradients over `group` before Adam's update, so
  /// every rank makes the update of the mean loss over all ranks' batches. Batch norm
  /// stays per rank.
  package func join(_ group: ProcessGroup) {
    self.group = group
    tb_trainer_join(handle, group.handle)
  }

  /// Where the networks train: "cuda" when libtorch was built with CUDA and sees a GPU, else
  /// "cpu".
  package var device: String { String(cString: tb_trainer_device(handle)) }

  /// Every named tensor: `g.*` and `d.*` (parameters and norm buffers), `adam.*` (moments),
  /// `vgg.features.N.*`.
  package var tensors: [(name: String, shape: [Int])] {
    tensorListing(count: tb_trainer_tensor_count(handle)) {
      tb_trainer_tensor(handle, $0, $1, $2, $3)
    }
  }

  package func setTensor(_ name: String, _ values: [Float]) throws {
    try check(tb_trainer_set_tensor(handle, name, values, Int64(values.count)), "set \(name)")
  }

  package func tensor(_ name: String, count: Int) throws -> [Float] {
    var values = [Float](repeating: 0, count: count)
    try check(tb_trainer_get_tensor(handle, name, &values, Int64(count)), "get \(name)")
    return values
  }

  /// Adam's step counts for the generator and the discriminator.
  package var steps: (generator: Int, discriminator: Int) {
    get {
      var generator: Int64 = 0
      var discriminator: Int64 = 0
      tb_trainer_get_steps(handle, &generator, &discriminator)
      return (Int(generator), Int(discriminator))
    }
    set { tb_trainer_set_steps(handle, Int64(newValue.generator), Int64(newValue.discriminator)) }
  }

  /// Sets Adam's learning rates (for learning-rate steps).
  package func setRates(generator: Float, discriminator: Float) {
    tb_trainer_set_rates(handle, generator, discriminator)
  }

  /// One step on square RGB batches in [-1, 1] (planar). In the initialisation phase only
  /// the content loss trains the generator and `styles`/`smoothed` are not read.
  package func step(
    initialisation: Bool, photos: [Float], styles: [Float], smoothed: [Float], batch: Int, size: Int
  ) throws -> StepLosses {
    let expected = batch * 3 * size * size
    try requireCount(photos, expected, "photos", operation: "training step")
    if !initialisation {
      try requireCount(styles, expected, "style images", operation: "training step")
      try requireCount(smoothed, expected, "smoothed images", operation: "training step")
    }
    var losses = tb_step_losses()
    let status =
      initialisation
      ? tb_trainer_step(
        handle, 1, photos, Int64(photos.count), nil, 0, nil, 0, Int32(batch), Int32(size), &losses)
      : tb_trainer_step(
        handle, 0, photos, Int64(photos.count), styles, Int64(styles.count), smoothed,
        Int64(smoothed.count), Int32(batch), Int32(size), &losses)
    try check(status, "training step")
    return StepLosses(values: [
      losses.content, losses.style, losses.generator_adversarial, losses.discriminator,
      losses.real_accuracy, losses.smooth_accuracy, losses.fake_accuracy,
    ])
  }

  /// The generator's pictures for planar RGB photos (evaluation mode).
  package func generate(_ photos: [Float], batch: Int, height: Int, width: Int) throws -> [Float] {
    try requireCount(photos, batch * 3 * height * width, "photos", operation: "generate")
    var output = [Float](repeating: 0, count: photos.count)
    try check(
      tb_trainer_generate(
        handle, photos, Int64(photos.count), Int32(batch), Int32(height), Int32(width), &output,
        Int64(output.count)),
      "generate")
    return output
  }

  /// VGG19 conv4_4 activations (before ReLU) of planar RGB images in [-1, 1].
  package func features(_ images: [Float], batch: Int, height: Int, width: Int) throws -> [Float] {
    try requireCount(images, batch * 3 * height * width, "images", operation: "VGG features")
    var output = [Float](repeating: 0, count: batch * 512 * (height / 8) * (width / 8))
    try check(
      tb_trainer_features(
        handle, images, Int64(images.count), Int32(batch), Int32(height), Int32(width), &output,
        Int64(output.count)),
      "VGG features")
    return output
  }
}
