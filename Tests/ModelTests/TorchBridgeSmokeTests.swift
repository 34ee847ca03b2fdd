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
    #expect(tb_generator_set_statistics(generator, TB_STATISTICS_REPLAY) == TB_ERR_ARGUMENT)
  }

  @Test func trainedGeneratorsShareNoStatistics() {
    var generator: OpaquePointer?
    #expect(tb_generator_create(TB_NORM_BATCH, &generator) == TB_OK)
    defer { tb_generator_free(generator) }
    #expect(tb_generator_set_statistics(generator, TB_STATISTICS_OWN) == TB_OK)
    #expect(tb_generator_set_statistics(generator, TB_STATISTICS_RECORD) == TB_ERR_ARGUMENT)
    #expect(
      String(cString: tb_last_error()) == "only the published instance norm shares statistics")
    var failed: OpaquePointer?
    #expect(tb_generator_create(tb_norm(rawValue: 7), &failed) == TB_ERR_ARGUMENT)
    #expect(failed == nil)
  }
}

extension Tag {
  /// Tests that run the full generator; they take seconds each.
  @Tag static var slow: Self
}
