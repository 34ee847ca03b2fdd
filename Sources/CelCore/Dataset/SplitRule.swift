/// Assigns groups of tiles (a shot of a film, or one photo) to train or val.
///
/// Each group goes to val when a hash of the seed and the group's name, read as a number in
/// [0, 1), falls below the val fraction. The choice depends on nothing but the group, so
/// every tile of a shot lands on the same side (no near-identical images on both sides),
/// and adding a second film leaves the first film's assignments as they were. The share of
/// tiles in val comes close to the fraction when there are many groups; the split stage
/// reports the share it reached.
package struct SplitRule: Sendable, Equatable {
  package var valFraction: Double
  package var seed: UInt64

  package init(valFraction: Double, seed: UInt64) {
    self.valFraction = valFraction
    self.seed = seed
  }

  package func isValidation(group: String) -> Bool {
    var generator = SeededGenerator(seed: seed, item: group)
    let unit = Double(generator.next() >> 11) / Double(1 << 53)
    return unit < valFraction
  }
}
