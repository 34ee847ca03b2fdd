/// Small pieces of self-contained HTML: escaping, tables, the page frame.
enum HTML {
  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  static func table(_ header: [String], _ rows: [[String]]) -> String {
    let head = header.map { "<th>\(escape($0))</th>" }.joined()
    let body = rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined(
      separator: "\n")
    return "<table><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table>"
  }

  /// A note that a part of the report could not be made, and why.
  static func missing(_ what: String) -> String { "<p class=\"missing\">\(escape(what))</p>" }

  /// The whole page: inline CSS, no script or font from anywhere else. The one inline
  /// script marks pictures that fail to load, so a reader (and the tests) see it.
  static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
    <style>
    body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1200px; }
    h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
    table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
    .missing { color: #a33; } .sheet { display: flex; flex-wrap: wrap; gap: 10px; }
    .pair { display: flex; gap: 2px; } .pair img { width: 128px; height: 128px; image-rendering: auto; }
    figure { margin: 0; } figcaption { font-size: 11px; color: #666; } svg text { font: 11px system-ui, sans-serif; }
    .grids img { max-width: 100%; border: 1px solid #ddd; }
    </style></head>
    <body>
    \(body)
    <script>
    addEventListener("load", () => {
      const images = [...document.images];
      const broken = images.filter(i => !i.complete || i.naturalWidth === 0);
      broken.forEach(i => i.replaceWith(Object.assign(document.createElement("span"), { className: "missing", textContent: "missing: " + i.getAttribute("src") })));
      document.body.dataset.images = images.length;
      document.body.dataset.broken = broken.length;
      document.body.dataset.charts = document.querySelectorAll("svg").length;
    });
    </script>
    </body></html>

    """
  }
}
