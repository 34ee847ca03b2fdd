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

  package var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
