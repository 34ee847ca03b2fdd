/// Finds black bars (letterbox above and below, pillarbox left and right) from the mean
/// grey level of each row and column.
///
/// A bar is the run of rows (or columns) from an edge whose mean is at most `blackLevel`.
/// Bars thinner than `minimumFraction` of the frame are ignored (encoders leave a line or
/// two of black at the edges), and so is a frame that is black everywhere: that frame is a
/// fade, dropped elsewhere, not a letterbox.
package struct LetterboxDetector: Sendable {
  package var blackLevel: Double
  package var minimumFraction: Double

  package init(blackLevel: Double = 24, minimumFraction: Double = 0.02) {
    self.blackLevel = blackLevel
    self.minimumFraction = minimumFraction
  }

  /// The picture area inside the bars, with even offsets and sizes.
  package func content(rowMeans: [Double], columnMeans: [Double]) -> PixelRect {
    let height = rowMeans.count, width = columnMeans.count
    let full = PixelRect(x: 0, y: 0, width: width, height: height)
    let top = barLength(rowMeans), bottom = barLength(rowMeans.reversed())
    let left = barLength(columnMeans), right = barLength(columnMeans.reversed())
    guard top + bottom < height / 2, left + right < width / 2 else { return full }
    let y0 = evenUp(top), y1 = evenDown(height - bottom)
    let x0 = evenUp(left), x1 = evenDown(width - right)
    guard y1 > y0, x1 > x0 else { return full }
    return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }

  private func barLength(_ means: some Collection<Double>) -> Int {
    let length = means.prefix { $0 <= blackLevel }.count
    return Double(length) >= minimumFraction * Double(means.count) ? length : 0
  }

  private func evenUp(_ value: Int) -> Int { (value + 1) & ~1 }
  private func evenDown(_ value: Int) -> Int { value & ~1 }
}
