/// A small deterministic random number generator (SplitMix64), so the same seed gives the
/// same tiles and splits on every machine and in every order of work.
package struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  package init(seed: UInt64) { state = seed }

  /// A generator for one item: the seed combined with the item's name, so each item's
  /// draws do not depend on which items came before it or ran beside it.
  package init(seed: UInt64, item: String) {
    var digest = Fingerprint()
    digest.combine(String(seed))
    digest.combine(item)
    state = digest.value
  }

  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
