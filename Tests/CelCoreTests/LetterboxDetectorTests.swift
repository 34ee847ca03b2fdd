import CelCore
import Testing

@Suite struct LetterboxDetectorTests {
  let detector = LetterboxDetector()

  func profile(length: Int, bars: (Int, Int), level: Double = 120) -> [Double] {
    (0..<length).map { $0 < bars.0 || $0 >= length - bars.1 ? 3 : level }
  }

  @Test func cropsLetterboxAndPillarbox() {
    let rect = detector.content(
      rowMeans: profile(length: 360, bars: (44, 44)), columnMeans: profile(length: 640, bars: (80, 80)))
    #expect(rect == PixelRect(x: 80, y: 44, width: 480, height: 272))
  }

  @Test func keepsOffsetsAndSizesEven() {
    let rect = detector.content(
      rowMeans: profile(length: 100, bars: (11, 9)), columnMeans: profile(length: 100, bars: (0, 0)))
    #expect(rect == PixelRect(x: 0, y: 12, width: 100, height: 78))
  }

  @Test func ignoresThinEdgesAndBlackFrames() {
    let thin = detector.content(
      rowMeans: profile(length: 400, bars: (2, 3)), columnMeans: profile(length: 400, bars: (1, 0)))
    #expect(thin == PixelRect(x: 0, y: 0, width: 400, height: 400))
    let black = detector.content(
      rowMeans: Array(repeating: 0, count: 90), columnMeans: Array(repeating: 0, count: 160))
    #expect(black == PixelRect(x: 0, y: 0, width: 160, height: 90))
  }
}
