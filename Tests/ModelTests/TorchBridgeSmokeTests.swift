import CTorchBridge
import Testing
import Torch

/// The C API of the libtorch bridge, called directly.
@Suite struct TorchBridgeSmokeTests {
  @Test func createAndFreeGenerators() {
    for _ in 0..<5 {
      var generator: OpaquePointer?
      #expect(tb_generator_create(TB_NORM_PUBLISHED_INSTANCE, &generator) == TB_OK)
      #expect(tb_generator_parameter_count(generator) == 94)
      tb_generator_free(generator)
    }
    tb_generator_free(nil)
  }

  @Test func failuresLeaveAMessage() {
    var generator: OpaquePointer?
    #expect(tb_generator_create(TB_NORM_PUBLISHED_INSTANCE, &generator) == TB_OK)
    defer { tb_generator_free(generator) }
    let values = [Float](repeating: 0, count: 5)
    #expect(tb_generator_set_parameter(generator, "conv01_1.bias", values, 5) == TB_ERR_ARGUMENT)
    #expect(String(cString: tb_last_error()) == "wrong size for conv01_1.bias")
    #expect(tb_generator_set_parameter(generator, "nope", values, 5) == TB_ERR_ARGUMENT)
    #expect(String(cString: tb_last_error()) == "no tensor named nope")
    var output = [Float](repeating: 0, count: 3 * 6 * 6)
    #expect(
      tb_generator_forward(
        generator, TB_PASS_BLOCKED, output, Int64(output.count), 1, 6, 6, &output, 108)
        == TB_ERR_ARGUMENT)
    #expect(
      String(cString: tb_last_error()) == "height and width must be positive multiples of 4")
  }

  @Test func trainedGeneratorsListTheirTensorsAndUnknownNormsFail() {
    var generator: OpaquePointer?
    #expect(tb_generator_create(TB_NORM_BATCH, &generator) == TB_OK)
    defer { tb_generator_free(generator) }
    // 26 convolutions and 21 norms; then the norms' running statistics and batch counts.
    #expect(tb_generator_parameter_count(generator) == 2 * 26 + 2 * 21 + 3 * 21)
    var failed: OpaquePointer?
    #expect(tb_generator_create(tb_norm(rawValue: 7), &failed) == TB_ERR_ARGUMENT)
    #expect(failed == nil)
  }

  /// C checks every buffer's length itself too, against the shape it is told: a count one
  /// off, for each buffer of each call, is refused with a message naming the buffer, and
  /// nothing is read or written.
  @Test func everyBufferCountIsCheckedInC() {
    var generator: OpaquePointer?
    #expect(tb_generator_create(TB_NORM_BATCH, &generator) == TB_OK)
    defer { tb_generator_free(generator) }
    var options = tb_trainer_options(
      batch_norm: 0, device: TB_DEVICE_CPU, device_index: 0, generator_rate: 1e-4,
      discriminator_rate: 1e-4,
      beta1: 0.5, beta2: 0.999,
      content_weight: 10, style_weight: 0, seed: 1)
    var trainer: OpaquePointer?
    #expect(tb_trainer_create(&options, &trainer) == TB_OK)
    defer { tb_trainer_free(trainer) }
    let right = Int64(2 * 3 * 16 * 16)
    let input = [Float](repeating: 0, count: Int(right) + 1)
    var output = [Float](repeating: 0, count: Int(right) + 1)
    var features = [Float](repeating: 0, count: 2 * 512 * 2 * 2 + 1)  // conv4_4 is 1/8 the side
    var losses = tb_step_losses()
    func refused(_ status: tb_status, _ message: String) {
      #expect(status == TB_ERR_ARGUMENT)
      #expect(String(cString: tb_last_error()) == message)
    }
    func shortOf(_ what: String) -> String {
      "1535 values of \(what) where 2 x 3 x 16 x 16 needs 1536"
    }
    refused(
      tb_generator_forward(generator, TB_PASS_BLOCKED, input, right - 1, 2, 16, 16, &output, right),
      shortOf("input"))
    refused(
      tb_generator_forward(generator, TB_PASS_BLOCKED, input, right, 2, 16, 16, &output, right - 1),
      shortOf("output"))
    refused(
      tb_trainer_generate(trainer, input, right - 1, 2, 16, 16, &output, right), shortOf("photos"))
    refused(
      tb_trainer_generate(trainer, input, right, 2, 16, 16, &output, right - 1), shortOf("output"))
    refused(
      tb_trainer_features(trainer, input, right - 1, 2, 16, 16, &features, 4096),
      shortOf("images"))
    refused(
      tb_trainer_features(trainer, input, right, 2, 16, 16, &features, 4097),
      "4097 values of output where the features need 4096")
    for (counts, what) in [
      ((right - 1, right, right), "photos"), ((right, right - 1, right), "style images"),
      ((right, right, right - 1), "smoothed images"),
    ] {
      refused(
        tb_trainer_step(
          trainer, 0, input, counts.0, input, counts.1, input, counts.2, 2, 16, &losses),
        shortOf(what))
    }
    // The initialisation step reads photos alone.
    #expect(tb_trainer_step(trainer, 1, input, right, nil, 0, nil, 0, 2, 16, &losses) == TB_OK)
  }

  /// Every entry point that hands a value on to libtorch returns libtorch's refusal as a
  /// status and a message, instead of letting its exception cross into Swift.
  @Test func valuesLibtorchRejectsComeBackAsErrors() throws {
    func refusedByTorch(_ status: tb_status) {
      #expect(status == TB_ERR_TORCH)
      #expect(!String(cString: tb_last_error()).isEmpty)
    }
    refusedByTorch(tb_set_threads(0))
    refusedByTorch(tb_set_threads(-4))
    try TestThreads.apply()
    #expect(throws: TorchError.self) { try TorchRuntime.prepare(threads: 0, cachingMemory: false) }
    try TestThreads.apply()

    let values = [Float](repeating: 0, count: 4)
    var loss: Float = 0
    for kind in [TB_LOSS_L1, TB_LOSS_LOGISTIC] {
      refusedByTorch(tb_loss_evaluate(kind, values, values, -1, 1, 1, &loss))
    }
    #expect(tb_cuda_memory(-1, nil, nil) == TB_ERR_ARGUMENT)
    var generator: OpaquePointer?
    #expect(tb_generator_create(TB_NORM_INSTANCE, &generator) == TB_OK)
    defer { tb_generator_free(generator) }
    var output = [Float](repeating: 0, count: 3 * 4 * 4)
    #expect(
      tb_generator_forward_whole(generator, 99, output, 48, 1, 4, 4, &output, 48)
        == TB_ERR_ARGUMENT)
    #expect(String(cString: tb_last_error()).hasPrefix("no CUDA device 99"))

    // Gloo, under libtorch, refuses a network interface this machine does not have with an
    // exception of its own.
    var group: OpaquePointer?
    let port = Int32.random(in: 30000...60000)
    #expect(
      tb_process_group_create("127.0.0.1", port, 0, 1, "no-such-interface0", nil, 5000, -1, &group)
        == TB_ERR_UNKNOWN)
    #expect(String(cString: tb_last_error()).contains("no-such-interface0"))
    #expect(group == nil)
  }

  /// The banded pass: two activations at most, 96 channels' worth of full-size planes, and a
  /// few bands. The blocked pass: two 64-channel activations at full size.
  @Test func peakMemoryGrowsWithThePixels() {
    let small = tb_generator_peak_bytes(TB_PASS_BANDED, 480, 640)
    let large = tb_generator_peak_bytes(TB_PASS_BANDED, 960, 1280)
    #expect(small > 480 * 640 * 4 * 96)
    #expect(large - small == (960 * 1280 - 480 * 640) * 4 * 96)
    let blocked = tb_generator_peak_bytes(TB_PASS_BLOCKED, 960, 1280)
    #expect(blocked >= 960 * 1280 * 4 * 128 || blocked == large)
  }
}

extension Tag {
  /// Tests that run the full generator; they take seconds each.
  @Tag static var slow: Self
}
