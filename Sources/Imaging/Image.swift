internal import CImageBridge
import CelCore
import Foundation

/// A decoded image held by OpenCV. Owns one `cvb_image` and frees it in `deinit`; not
/// `Sendable`: tasks pass URLs and `PixelBuffer`s and open their own images.
package final class Image {
  private let handle: OpaquePointer

  private init(owning handle: OpaquePointer) { self.handle = handle }

  deinit { cvb_image_free(handle) }

  /// Copies a pixel buffer into a new image (BGR or grey: OpenCV's orders).
  package convenience init(_ pixels: PixelBuffer) throws {
    precondition(pixels.channels == 1 || pixels.order == .bgr, "OpenCV images are BGR")
    guard pixels.holdsItsRows else {
      throw ImagingError(
        code: .invalidArgument, operation: "image from pixels", message: pixels.sizeMismatch)
    }
    let raw = try Self.make("image from pixels") { out in
      pixels.bytes.withUnsafeBufferPointer {
        cvb_image_from_pixels(
          $0.baseAddress, Int32(pixels.width), Int32(pixels.height), Int32(pixels.channels),
          pixels.bytesPerRow, out)
      }
    }
    self.init(owning: raw)
  }

  /// Decodes an image file as stored: any depth, any channel count. Wraps `cv::imread`.
  package static func read(_ url: URL) throws -> Image {
    Image(
      owning: try make("read \(url.lastPathComponent)") { out in
        url.path.withCString { cvb_image_read($0, out) }
      })
  }

  package var width: Int { info.width }
  package var height: Int { info.height }
  package var channels: Int { info.channels }
  /// Bits per channel: 8, 16 or 32.
  package var depth: Int { info.depth }

  private var info: (width: Int, height: Int, channels: Int, depth: Int) {
    var width: Int32 = 0
    var height: Int32 = 0
    var channels: Int32 = 0
    var depth: Int32 = 0
    cvb_image_info(handle, &width, &height, &channels, &depth)
    return (Int(width), Int(height), Int(channels), Int(depth))
  }

  /// The 8-bit pixels, tightly packed.
  package func pixels() throws -> PixelBuffer {
    var bytes = [UInt8](repeating: 0, count: width * height * channels)
    try bytes.withUnsafeMutableBufferPointer { buffer in
      try check(cvb_image_copy_pixels(handle, buffer.baseAddress, buffer.count), "copy pixels")
    }
    return PixelBuffer(width: width, height: height, channels: channels, bytes: bytes)
  }

  /// The same picture as 8-bit BGR, from grey, BGRA, 16-bit or float images.
  package func bgr8() throws -> Image {
    try derived("convert to 8-bit BGR") { cvb_image_to_bgr8(handle, $0) }
  }

  /// A copy of the pixels inside `rect`.
  package func cropped(to rect: PixelRect) throws -> Image {
    try derived("crop \(rect)") {
      cvb_image_crop(
        handle, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height), $0)
    }
  }

  package enum Interpolation { case area, linear, cubic }

  /// The image resized to `width`×`height`. Wraps `cv::resize`.
  package func resized(width: Int, height: Int, interpolation: Interpolation = .area) throws
    -> Image
  {
    let flag: cvb_interpolation =
      switch interpolation {
      case .area: CVB_INTER_AREA
      case .linear: CVB_INTER_LINEAR
      case .cubic: CVB_INTER_CUBIC
      }
    return try derived("resize to \(width)x\(height)") {
      cvb_image_resize(handle, Int32(width), Int32(height), flag, $0)
    }
  }

  /// The image turned clockwise by `quarterTurns` × 90°. Wraps `cv::rotate`.
  package func rotated(quarterTurns: Int) throws -> Image {
    try derived("rotate") { cvb_image_rotate(handle, Int32(quarterTurns), $0) }
  }

  /// Mean and standard deviation of the grey levels.
  package func greyStatistics() throws -> (mean: Double, deviation: Double) {
    var mean = 0.0
    var deviation = 0.0
    try check(cvb_image_grey_stats(handle, &mean, &deviation), "grey statistics")
    return (mean, deviation)
  }

  /// Brightest grey level of every row and every column.
  package func greyMaxima() throws -> (rows: [Double], columns: [Double]) {
    var rows = [Double](repeating: 0, count: height)
    var columns = [Double](repeating: 0, count: width)
    let (h, w) = (Int32(height), Int32(width))
    try rows.withUnsafeMutableBufferPointer { r in
      try columns.withUnsafeMutableBufferPointer { c in
        try check(cvb_image_grey_maxima(handle, r.baseAddress, h, c.baseAddress, w), "maxima")
      }
    }
    return (rows, columns)
  }

  /// The 64-bit DCT perceptual hash of the grey image.
  package func perceptualHash() throws -> PerceptualHash {
    var bits: UInt64 = 0
    try check(cvb_image_phash(handle, &bits), "perceptual hash")
    return PerceptualHash(bits: bits)
  }

  /// Share of pixels on Canny edges (thresholds `low`, `high`) of the grey image.
  package func edgeDensity(low: Double, high: Double) throws -> Double {
    var density = 0.0
    try check(cvb_image_edge_density(handle, low, high, &density), "edge density")
    return density
  }

  /// OpenCV's encoder parameters for a file extension: fast PNG, JPEG and WebP at 95.
  private static func encoderParameters(_ pathExtension: String, quality: Int?) -> [Int32] {
    switch pathExtension.lowercased() {
    case "png": [Int32(CVB_WRITE_PNG_COMPRESSION), Int32(quality ?? 1)]
    case "jpg", "jpeg": [Int32(CVB_WRITE_JPEG_QUALITY), Int32(quality ?? 95)]
    case "webp": [Int32(CVB_WRITE_WEBP_QUALITY), Int32(quality ?? 95)]
    default: []
    }
  }

  /// The bytes of the file `write(to:)` would write for this extension ("png", "jpg").
  package func encoded(as pathExtension: String, quality: Int? = nil) throws -> Data {
    let params = Self.encoderParameters(pathExtension, quality: quality)
    var bytes: UnsafeMutablePointer<UInt8>?
    var length = 0
    try check(
      cvb_image_encode(handle, "." + pathExtension, params, Int32(params.count), &bytes, &length),
      "encode as \(pathExtension)")
    defer { cvb_bytes_free(bytes) }
    guard let bytes else { return Data() }
    return Data(bytes: bytes, count: length)
  }

  /// Encodes to `url` under a temporary name and renames it into place, so the final name
  /// only ever holds a whole file. The format follows the extension.
  package func write(to url: URL, quality: Int? = nil) throws {
    let params = Self.encoderParameters(url.pathExtension, quality: quality)
    let temporary = FileIO.temporaryURL(for: url)
    do {
      try temporary.path.withCString { path in
        try check(
          cvb_image_write(handle, path, params, Int32(params.count)),
          "write \(url.lastPathComponent)")
      }
      try FileIO.replace(url, with: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }

  /// Sets OpenCV's own worker threads; 1 when the caller runs one image per core.
  package static func setLibraryThreads(_ count: Int) { cvb_set_threads(Int32(count)) }

  func withUnsafeHandle<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T { try body(handle) }

  func derived(
    _ operation: @autoclosure () -> String,
    _ body: (UnsafeMutablePointer<OpaquePointer?>) -> cvb_status
  ) throws -> Image {
    Image(owning: try Self.make(operation(), body))
  }

  private static func make(
    _ operation: @autoclosure () -> String,
    _ body: (UnsafeMutablePointer<OpaquePointer?>) -> cvb_status
  ) throws -> OpaquePointer {
    var raw: OpaquePointer?
    try check(body(&raw), operation())
    guard let raw else {
      throw ImagingError(code: .unknown, operation: operation(), message: "no image")
    }
    return raw
  }
}
