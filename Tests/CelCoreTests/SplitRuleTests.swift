import CelCore
import Testing

@Suite struct SplitRuleTests {
  @Test func theShareOfValGroupsFollowsTheFraction() {
    let rule = SplitRule(valFraction: 0.2, seed: 42)
    let groups = (0..<5000).map { "film.mkv#\($0)" }
    let share = Double(groups.filter(rule.isValidation).count) / Double(groups.count)
    #expect(abs(share - 0.2) < 0.02)
  }

  @Test func assignmentsDependOnlyOnTheGroupAndTheSeed() {
    let rule = SplitRule(valFraction: 0.3, seed: 1)
    let first = (0..<200).map { rule.isValidation(group: "a.mkv#\($0)") }
    let again = (0..<200).map { rule.isValidation(group: "a.mkv#\($0)") }
    #expect(first == again)
    let otherSeed = (0..<200).map {
      SplitRule(valFraction: 0.3, seed: 2).isValidation(group: "a.mkv#\($0)")
    }
    #expect(first != otherSeed)
    #expect(
      !(0..<100).contains { SplitRule(valFraction: 0, seed: 1).isValidation(group: "g\($0)") })
  }
}
