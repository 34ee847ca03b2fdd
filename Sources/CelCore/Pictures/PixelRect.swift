/// A rectangle in pixel coordinates, origin at the top left.
package struct PixelRect: Codable, Sendable, Hashable, CustomStringConvertible {
  package var x: Int
  package var y: Int
  package var width: Int
  package var height: Int

  package init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  /// The same area in an image scaled from `from` to `to` pixels, kept inside `to`.
  package func scaled(from: (width: Int, height: Int), to: (width: Int, height: Int)) -> PixelRect {
    let sx = Double(to.width) / Double(from.width)
    let sy = Double(to.height) / Double(from.height)
    let x0 = min(to.width - 1, Int((Double(x) * sx).rounded()))
    let y0 = min(to.height - 1, Int((Double(y) * sy).rounded()))
    let x1 = max(x0 + 1, min(to.width, Int((Double(x + width) * sx).rounded())))
    let y1 = max(y0 + 1, min(to.height, Int((Double(y + height) * sy).rounded())))
    return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
  }

  package var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
