internal import CFFmpeg
import CelCore

/// Fills an allocated `AVFrame` from a colour or grey pixel buffer, converting the pixel
/// format (and size) with libswscale.
enum PixelScaler {
  static func scale(
    _ pixels: PixelBuffer, into frame: UnsafeMutablePointer<AVFrame>,
    reusing cache: OpaquePointer? = nil
  ) throws -> OpaquePointer? {
    try requireRows(pixels, "sws_scale")
    let sourceFormat =
      pixels.channels == 1
      ? AV_PIX_FMT_GRAY8 : pixels.order == .bgr ? AV_PIX_FMT_BGR24 : AV_PIX_FMT_RGB24
    let context = sws_getCachedContext(
      cache, Int32(pixels.width), Int32(pixels.height), sourceFormat, frame.pointee.width,
      frame.pointee.height, AVPixelFormat(rawValue: frame.pointee.format), SWS_BICUBIC, nil, nil,
      nil)
    guard let context else {
      throw FFmpegError(code: cffmpeg_error_invalid(), function: "sws_getCachedContext")
    }
    if frame.pointee.color_range == AVCOL_RANGE_JPEG {
      let coefficients = sws_getCoefficients(SWS_CS_DEFAULT)
      _ = sws_setColorspaceDetails(context, coefficients, 1, coefficients, 1, 0, 1 << 16, 1 << 16)
    }
    let scaled = pixels.bytes.withUnsafeBufferPointer { source -> Int32 in
      let sourcePlanes: [UnsafePointer<UInt8>?] = [source.baseAddress, nil, nil, nil]
      let sourceStrides: [Int32] = [Int32(pixels.bytesPerRow), 0, 0, 0]
      return withUnsafeMutablePointer(to: &frame.pointee.data) { planes in
        withUnsafeMutablePointer(to: &frame.pointee.linesize) { strides in
          planes.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { planes in
            strides.withMemoryRebound(to: Int32.self, capacity: 8) { strides in
              sws_scale(
                context, sourcePlanes, sourceStrides, 0, Int32(pixels.height), planes, strides)
            }
          }
        }
      }
    }
    try check(scaled, "sws_scale")
    return context
  }

  /// Converts once, without keeping the scaler.
  static func scale(_ pixels: PixelBuffer, into frame: UnsafeMutablePointer<AVFrame>) throws {
    sws_freeContext(try scale(pixels, into: frame, reusing: nil))
  }
}
