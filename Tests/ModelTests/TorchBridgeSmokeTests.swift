import CTorchBridge
import Testing

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
    #expect(tb_generator_forward(generator, output, 1, 6, 6, &output) == TB_ERR_ARGUMENT)
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

  /// Two activations at most, 96 channels' worth of full-size planes, and a few bands.
  @Test func peakMemoryGrowsWithThePixels() {
    let small = tb_generator_peak_bytes(480, 640)
    let large = tb_generator_peak_bytes(960, 1280)
    #expect(small > 480 * 640 * 4 * 96)
    #expect(large - small == (960 * 1280 - 480 * 640) * 4 * 96)
  }
}

extension Tag {
  /// Tests that run the full generator; they take seconds each.
  @Tag static var slow: Self
}
