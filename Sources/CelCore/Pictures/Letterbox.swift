/// Finds black bars (letterbox above and below, pillarbox left and right) from the
/// brightest grey level of each row and column.
///
/// A bar is the run of rows (or columns) from an edge with no pixel brighter than
/// `blackLevel`: bars are black all along, while the dark edge of a night scene still has
/// a light somewhere. Bars come in pairs (top and bottom, left and right).
/// Bars thinner than `minimumFraction` of the frame are ignored (encoders leave a line or
/// two of black at the edges). A frame that is black everywhere (a fade) has no opinion.
///
/// Dark scenes also have black edges, so one frame is not enough to find a film's bars:
/// the extract stage asks several frames spread over the film and keeps the union of their
/// picture areas (`union(of:)`), since a film's bars never change.
package struct LetterboxDetector: Sendable {
  package var blackLevel: Double
  package var minimumFraction: Double

  package init(blackLevel: Double = 40, minimumFraction: Double = 0.02) {
    self.blackLevel = blackLevel
    self.minimumFraction = minimumFraction
  }

  /// The picture area inside the bars, with even offsets and sizes, or nil when the frame
  /// is dark nearly everywhere and so cannot tell.
  package func content(rowMaxima: [Double], columnMaxima: [Double]) -> PixelRect? {
    let height = rowMaxima.count
    let width = columnMaxima.count
    let (top, bottom) = paired(barLength(rowMaxima), barLength(rowMaxima.reversed()))
    let (left, right) = paired(barLength(columnMaxima), barLength(columnMaxima.reversed()))
    guard top + bottom < height / 2, left + right < width / 2 else { return nil }
    let y0 = evenUp(top)
    let y1 = evenDown(height - bottom)
    let x0 = evenUp(left)
    let x1 = evenDown(width - right)
    guard y1 > y0, x1 > x0 else { return nil }
    return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }

  /// The smallest rectangle holding every area: picture seen in any frame is picture.
  package static func union(of areas: [PixelRect]) -> PixelRect? {
    guard let first = areas.first else { return nil }
    return areas.dropFirst().reduce(first) { a, b in
      let x0 = min(a.x, b.x)
      let y0 = min(a.y, b.y)
      let x1 = max(a.x + a.width, b.x + b.width)
      let y1 = max(a.y + a.height, b.y + b.height)
      return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
  }

  private func barLength(_ maxima: some Collection<Double>) -> Int {
    let length = maxima.prefix { $0 <= blackLevel }.count
    return Double(length) >= minimumFraction * Double(maxima.count) ? length : 0
  }

  /// Bars come in pairs, above and below or left and right; a dark strip on one side only
  /// is picture (the shadowed edge of a scene).
  private func paired(_ first: Int, _ second: Int) -> (Int, Int) {
    first > 0 && second > 0 ? (first, second) : (0, 0)
  }

  private func evenUp(_ value: Int) -> Int { (value + 1) & ~1 }
  private func evenDown(_ value: Int) -> Int { value & ~1 }
}
