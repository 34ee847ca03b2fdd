import CelCore
import TestSupport
import Testing

@Suite struct SceneCutDetectorTests {
  func cuts(_ pictures: [SyntheticFilm.Picture], spikeRatio: Double = 3) -> [Int] {
    var detector = SceneCutDetector(spikeRatio: spikeRatio)
    return pictures.enumerated().compactMap { index, picture in
      detector.isCut(SyntheticFilm.draw(picture, width: 96, height: 54)) ? index : nil
    }
  }

  @Test func findsTheCutsBetweenDifferentShots() {
    let film =
      Array(repeating: SyntheticFilm.Picture.scene(1), count: 10)
      + Array(repeating: .scene(2), count: 10) + Array(repeating: .scene(3), count: 10)
    #expect(cuts(film) == [10, 20])
  }

  @Test func aFadeToBlackIsNotACut() {
    let fade = (0..<20).map { SyntheticFilm.Picture.dimmed(4, 1 - Double($0) / 20) }
    #expect(cuts(Array(repeating: .scene(4), count: 5) + fade).isEmpty)
  }

  @Test func aPanIsNotACut() {
    let pan = (0..<30).map { SyntheticFilm.Picture.shifted(5, $0 * 2) }
    #expect(cuts(pan).isEmpty)
  }

  @Test func blackBarsDoNotHideACut() {
    var film = SyntheticFilm(width: 96, height: 72)
    film.letterbox = 12
    var detector = SceneCutDetector()
    let pictures: [SyntheticFilm.Picture] = Array(repeating: .scene(6), count: 5) + [.scene(7)]
    let flagged = pictures.map { detector.isCut(film.render($0)) }
    #expect(flagged == [false, false, false, false, false, true])
  }

  @Test func withoutTheSpikeTestEveryChangeOfShotCounts() {
    #expect(cuts([.scene(1), .scene(2), .scene(3), .scene(3)], spikeRatio: 0) == [1, 2])
  }
}
