/// The studio's one page: cartoonize, tune the edge smoothing, watch a run. Plain HTML, CSS
/// and script (the files in Page/, compiled into the binary) with nothing fetched from
/// elsewhere, so it works offline and a moved binary still serves it.
enum StudioPage {
  struct Asset {
    var contentType: String
    var bytes: [UInt8]
  }

  /// The page's files by the path the browser asks for.
  static let assets: [String: Asset] = [
    "/": Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
    "/studio.css": Asset(
      contentType: "text/css; charset=utf-8", bytes: PackageResources.studio_css),
    "/studio.js": Asset(
      contentType: "text/javascript; charset=utf-8", bytes: PackageResources.studio_js),
  ]
}
