import Foundation

/// Line and bar charts as inline SVG, drawn here so a report needs no script library.
struct SVGChart {
  struct Series {
    var name: String
    var points: [(x: Double, y: Double)]
  }

  static let palette = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
  ]
  var width = 760.0
  var height = 240.0
  private let margin = (left: 56.0, right: 150.0, top: 12.0, bottom: 28.0)

  /// Lines over a shared x axis, with a legend. Points that are not finite (a loss of a
  /// run that diverged) are left out.
  func lines(_ series: [Series], xLabel: String) -> String {
    let series = series.map { line in
      Series(name: line.name, points: line.points.filter { $0.x.isFinite && $0.y.isFinite })
    }
    let all = series.flatMap(\.points)
    guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
      let minY = all.map(\.y).min(), let maxY = all.map(\.y).max()
    else {
      return
        "<svg width=\"\(Int(width))\" height=\"20\"><text x=\"0\" y=\"14\">no data</text></svg>"
    }
    let sx = (width - margin.left - margin.right) / max(maxX - minX, 1e-9)
    let sy = (height - margin.top - margin.bottom) / max(maxY - minY, 1e-9)
    func px(_ x: Double) -> Double { margin.left + (x - minX) * sx }
    func py(_ y: Double) -> Double { height - margin.bottom - (y - minY) * sy }
    var svg = frame(xLabel: xLabel, minX: minX, maxX: maxX, minY: minY, maxY: maxY)
    for (index, line) in series.enumerated() {
      let colour = Self.palette[index % Self.palette.count]
      let points = line.points.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(
        separator: " ")
      svg +=
        "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points)\"/>"
      let y = margin.top + 14 * Double(index) + 8
      svg +=
        "<rect x=\"\(width - margin.right + 10)\" y=\"\(y - 8)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
      svg +=
        "<text x=\"\(width - margin.right + 24)\" y=\"\(y + 1)\">\(HTML.escape(line.name))</text>"
    }
    return svg + "</svg>"
  }

  /// Dots at (x, row), one row per category, for events on a timeline.
  func dots(_ series: [Series], xLabel: String) -> String {
    let all = series.flatMap(\.points)
    guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max() else {
      return
        "<svg width=\"\(Int(width))\" height=\"20\"><text x=\"0\" y=\"14\">no data</text></svg>"
    }
    let rows = Double(max(series.count, 1))
    var svg = frame(xLabel: xLabel, minX: minX, maxX: maxX, minY: 0, maxY: rows)
    let sx = (width - margin.left - margin.right) / max(maxX - minX, 1e-9)
    let rowHeight = (height - margin.top - margin.bottom) / rows
    for (index, line) in series.enumerated() {
      let colour = Self.palette[index % Self.palette.count]
      let y = margin.top + rowHeight * (Double(index) + 0.5)
      for point in line.points {
        svg += String(
          format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>",
          margin.left + (point.x - minX) * sx, y, colour)
      }
      svg +=
        "<text x=\"\(width - margin.right + 10)\" y=\"\(y + 4)\" fill=\"\(colour)\">\(HTML.escape(line.name)) (\(line.points.count))</text>"
    }
    return svg + "</svg>"
  }

  /// Vertical bars (one per value), coloured by `colours` when given.
  func bars(_ values: [Double], colours: [String]? = nil, xLabel: String) -> String {
    guard let maxY = values.max(), !values.isEmpty else {
      return
        "<svg width=\"\(Int(width))\" height=\"20\"><text x=\"0\" y=\"14\">no data</text></svg>"
    }
    var svg = frame(xLabel: xLabel, minX: 0, maxX: Double(values.count), minY: 0, maxY: maxY)
    let step = (width - margin.left - margin.right) / Double(values.count)
    let scale = (height - margin.top - margin.bottom) / max(maxY, 1e-9)
    for (index, value) in values.enumerated() {
      let h = value * scale
      let colour = colours?[index] ?? Self.palette[0]
      svg += String(
        format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"/>",
        margin.left + Double(index) * step, height - margin.bottom - h, max(1, step - 1), h, colour)
    }
    return svg + "</svg>"
  }

  private func frame(xLabel: String, minX: Double, maxX: Double, minY: Double, maxY: Double)
    -> String
  {
    let bottom = height - margin.bottom
    let right = width - margin.right
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">\
      <line x1="\(margin.left)" y1="\(bottom)" x2="\(right)" y2="\(bottom)" stroke="#888"/>\
      <line x1="\(margin.left)" y1="\(margin.top)" x2="\(margin.left)" y2="\(bottom)" stroke="#888"/>\
      <text x="\(margin.left)" y="\(height - 8)">\(Self.label(minX))</text>\
      <text x="\(right - 40)" y="\(height - 8)">\(Self.label(maxX))</text>\
      <text x="\((margin.left + right) / 2 - 20)" y="\(height - 8)">\(HTML.escape(xLabel))</text>\
      <text x="4" y="\(margin.top + 10)">\(Self.label(maxY))</text>\
      <text x="4" y="\(bottom)">\(Self.label(minY))</text>
      """
  }

  static func label(_ value: Double) -> String {
    abs(value) >= 100 || value == value.rounded()
      ? String(format: "%.0f", value) : String(format: "%.3g", value)
  }
}
