import CelCore
import Testing

@Suite struct LetterboxDetectorTests {
  let detector = LetterboxDetector()

  func profile(length: Int, bars: (Int, Int), level: Double = 120) -> [Double] {
    (0..<length).map { $0 < bars.0 || $0 >= length - bars.1 ? 3 : level }
  }

  @Test func cropsLetterboxAndPillarbox() {
    let rect = detector.content(
      rowMaxima: profile(length: 360, bars: (44, 44)),
      columnMaxima: profile(length: 640, bars: (80, 80)))
    #expect(rect == PixelRect(x: 80, y: 44, width: 480, height: 272))
  }

  @Test func keepsOffsetsAndSizesEven() {
    let rect = detector.content(
      rowMaxima: profile(length: 100, bars: (11, 9)),
      columnMaxima: profile(length: 100, bars: (0, 0)))
    #expect(rect == PixelRect(x: 0, y: 12, width: 100, height: 78))
  }

  @Test func aDarkStripOnOneSideIsPicture() {
    let rect = detector.content(
      rowMaxima: profile(length: 100, bars: (0, 0)),
      columnMaxima: profile(length: 200, bars: (0, 24)))
    #expect(rect == PixelRect(x: 0, y: 0, width: 200, height: 100))
  }

  @Test func ignoresThinEdgesAndBlackFrames() {
    let thin = detector.content(
      rowMaxima: profile(length: 400, bars: (2, 3)),
      columnMaxima: profile(length: 400, bars: (1, 0)))
    #expect(thin == PixelRect(x: 0, y: 0, width: 400, height: 400))
    let black = detector.content(
      rowMaxima: Array(repeating: 0, count: 90), columnMaxima: Array(repeating: 0, count: 160))
    #expect(black == nil)
  }

  @Test func theUnionKeepsPictureSeenInAnyFrame() {
    let dark = PixelRect(x: 80, y: 44, width: 400, height: 200)
    let bright = PixelRect(x: 0, y: 46, width: 640, height: 268)
    #expect(
      LetterboxDetector.union(of: [dark, bright]) == PixelRect(x: 0, y: 44, width: 640, height: 270)
    )
    #expect(LetterboxDetector.union(of: []) == nil)
  }
}
