internal import CFFmpeg
import CelCore

/// Converts decoded frames of any pixel format to packed 8-bit BGR or grey at any size.
///
/// Owns one `SwsContext`, rebuilt only when the source or target changes; not `Sendable`.
/// Reads the frame's colour matrix and range, so BT.709 HD video and full-range sources
/// come out in the right colours.
package final class FrameConverter {
  private var context: OpaquePointer?

  package init() {}

  deinit { sws_freeContext(context) }

  /// Scales `frame` to `width`×`height` colour (`channels` 3, in `order`) or grey
  /// (`channels` 1). Wraps `sws_scale`.
  package func convert(
    _ frame: DecodedFrame, width: Int, height: Int, channels: Int = 3,
    order: PixelBuffer.ChannelOrder = .bgr
  ) throws -> PixelBuffer {
    precondition(channels == 1 || channels == 3, "colour or grey only")
    let target =
      channels == 1 ? AV_PIX_FMT_GRAY8 : order == .bgr ? AV_PIX_FMT_BGR24 : AV_PIX_FMT_RGB24
    return try frame.withUnsafeFrame { source in
      let storedFormat = AVPixelFormat(rawValue: source.pointee.format)
      let sourceFormat = Self.unDeprecated(storedFormat)
      let shrinking = width * height < Int(source.pointee.width * source.pointee.height)
      let flags = shrinking ? SWS_AREA : SWS_BICUBIC
      context = sws_getCachedContext(
        context, source.pointee.width, source.pointee.height, sourceFormat,
        Int32(width), Int32(height), target, flags, nil, nil, nil)
      guard let context else {
        throw FFmpegError(code: cffmpeg_error_invalid(), function: "sws_getCachedContext")
      }
      let colourSpace =
        source.pointee.colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT
      let coefficients = sws_getCoefficients(colourSpace)
      let fullRange: Int32 =
        source.pointee.color_range == AVCOL_RANGE_JPEG || Self.isFullRange(storedFormat) ? 1 : 0
      _ = sws_setColorspaceDetails(
        context, coefficients, fullRange, coefficients, 1, 0, 1 << 16, 1 << 16)

      let rowBytes = width * channels
      var scaled: Int32 = 0
      // Uninitialised: sws_scale writes every byte, and zeroing 6 MB a frame is not free.
      let bytes = [UInt8](unsafeUninitializedCapacity: rowBytes * height) { target, count in
        var targetPlanes: [UnsafeMutablePointer<UInt8>?] = [target.baseAddress, nil, nil, nil]
        var targetStrides: [Int32] = [Int32(rowBytes), 0, 0, 0]
        scaled = withUnsafePointer(to: &source.pointee.data) { planes in
          withUnsafePointer(to: &source.pointee.linesize) { strides in
            planes.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { planes in
              strides.withMemoryRebound(to: Int32.self, capacity: 8) { strides in
                sws_scale(
                  context, planes, strides, 0, source.pointee.height, &targetPlanes, &targetStrides)
              }
            }
          }
        }
        count = rowBytes * height
      }
      try check(scaled, "sws_scale")
      var pixels = PixelBuffer(width: width, height: height, channels: channels, bytes: bytes)
      pixels.order = order
      return pixels
    }
  }

  /// JPEG-range formats are deprecated names for full-range YUV; swscale wants the plain
  /// format plus the range flag.
  private static func unDeprecated(_ format: AVPixelFormat) -> AVPixelFormat {
    switch format {
    case AV_PIX_FMT_YUVJ420P: AV_PIX_FMT_YUV420P
    case AV_PIX_FMT_YUVJ422P: AV_PIX_FMT_YUV422P
    case AV_PIX_FMT_YUVJ444P: AV_PIX_FMT_YUV444P
    case AV_PIX_FMT_YUVJ440P: AV_PIX_FMT_YUV440P
    default: format
    }
  }

  private static func isFullRange(_ format: AVPixelFormat) -> Bool {
    [AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ440P]
      .contains(format)
  }
}
