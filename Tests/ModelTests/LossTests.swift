import CTorchBridge
import Foundation
import Testing

/// The loss terms of the training step, against values worked out by hand.
@Suite struct LossTests {
  func evaluate(_ loss: tb_loss, _ a: [Float], _ b: [Float], batch: Int32 = 1, channels: Int32 = 1)
    throws -> Float
  {
    var value: Float = .nan
    try #require(tb_loss_evaluate(loss, a, b, Int64(a.count), batch, channels, &value) == TB_OK)
    return value
  }

  @Test func contentIsTheMeanAbsoluteDifference() throws {
    // |1-0| + |-2-2| + |0.5-0.5| + |3-(-1)| = 1 + 4 + 0 + 4 = 9, over 4 values.
    #expect(abs(try evaluate(TB_LOSS_L1, [1, -2, 0.5, 3], [0, 2, 0.5, -1]) - 2.25) < 1e-6)
  }

  @Test func adversarialTermsAreLogisticLosses() throws {
    // Target 1: log(1 + e^-x); for x = 0 and 2: (ln 2 + ln(1 + e^-2)) / 2.
    let real = (log(2.0) + log(1 + exp(-2.0))) / 2
    #expect(abs(Double(try evaluate(TB_LOSS_LOGISTIC, [0, 2], [1])) - real) < 1e-6)
    // Target 0: log(1 + e^x); for x = 0 and -1: (ln 2 + ln(1 + e^-1)) / 2.
    let fake = (log(2.0) + log(1 + exp(-1.0))) / 2
    #expect(abs(Double(try evaluate(TB_LOSS_LOGISTIC, [0, -1], [0])) - fake) < 1e-6)
  }

  @Test func styleComparesGramMatrices() throws {
    // One image, two channels, two positions: a = [[1, 2], [3, 4]], b = [[1, 0], [0, 1]].
    // Gram(a) = [[5, 11], [11, 25]] / 4; Gram(b) = [[1, 0], [0, 1]] / 4.
    // |5-1| + |11| + |11| + |25-1| = 50, / 4 entries / 4 = 3.125.
    let value = try evaluate(TB_LOSS_GRAM, [1, 2, 3, 4], [1, 0, 0, 1], batch: 1, channels: 2)
    #expect(abs(value - 3.125) < 1e-6)
  }
}
