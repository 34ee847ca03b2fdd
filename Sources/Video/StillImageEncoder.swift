internal import CFFmpeg
import CelCore
import Foundation

/// Encodes one picture to PNG, JPEG or WebP bytes with libavcodec's image encoders.
///
/// Each call opens its own codec context, so tasks can encode side by side. The frames a
/// film yields are written this way: FFmpeg's PNG encoder (no prediction, zlib) costs far
/// less per 1080p frame than libpng's adaptive filtering.
package enum StillImageEncoder {
  package enum Format: String, Sendable, CaseIterable {
    case png, jpg, webp

    var encoderName: String {
      switch self {
      case .png: "png"
      case .jpg: "mjpeg"
      case .webp: "libwebp"
      }
    }

    /// Target pixel formats in order of preference; the first the encoder takes is used.
    var pixelFormats: [AVPixelFormat] {
      switch self {
      case .png: [AV_PIX_FMT_RGB24]
      case .jpg: [AV_PIX_FMT_YUVJ444P, AV_PIX_FMT_YUVJ420P]
      case .webp: [AV_PIX_FMT_BGRA, AV_PIX_FMT_YUV420P]  // BGRA is RGB32 on little-endian machines
      }
    }
  }

  /// PNG zlib level when none is asked for: fast, as frames are working files.
  package static let defaultPNGCompression = 1
  package static let defaultQuality = 95

  /// The encoded file's bytes for a colour (or grey) picture.
  /// - Parameter quality: PNG compression level 0-9, or JPEG/WebP quality 1-100.
  /// - Throws: `FFmpegError` when the encoder is missing or fails.
  package static func encode(_ pixels: PixelBuffer, as format: Format, quality: Int? = nil) throws
    -> Data
  {
    _ = FFmpegLibrary.quietLogs
    try requireRows(pixels, "encode still image")
    guard let encoder = avcodec_find_encoder_by_name(format.encoderName) else {
      throw CelError.unsupported(
        "this FFmpeg has no \(format.encoderName) encoder for .\(format.rawValue) files")
    }
    let pixelFormat = try chooseFormat(format, encoder: encoder)
    var context = avcodec_alloc_context3(encoder)
    defer { avcodec_free_context(&context) }
    guard let codec = context else {
      throw FFmpegError(code: FFmpegError.outOfMemory, function: "avcodec_alloc_context3")
    }
    codec.pointee.width = Int32(pixels.width)
    codec.pointee.height = Int32(pixels.height)
    codec.pointee.pix_fmt = pixelFormat
    codec.pointee.time_base = AVRational(num: 1, den: 1)
    codec.pointee.thread_count = 1
    var options: OpaquePointer?
    defer { av_dict_free(&options) }
    switch format {
    case .png:
      codec.pointee.compression_level = Int32(quality ?? defaultPNGCompression)
    case .jpg:
      // FFmpeg's JPEG scale runs from 2 (best) to 31; map quality 100...1 onto it.
      let scale = 2 + (100 - Double(quality ?? defaultQuality)) * 29 / 99
      codec.pointee.flags |= AV_CODEC_FLAG_QSCALE
      codec.pointee.global_quality = Int32(scale * Double(FF_QP2LAMBDA))
      codec.pointee.color_range = AVCOL_RANGE_JPEG
    case .webp:
      av_dict_set(&options, "quality", "\(quality ?? defaultQuality)", 0)
    }
    try check(avcodec_open2(codec, encoder, &options), "avcodec_open2 \(format.encoderName)")

    var frame = av_frame_alloc()
    defer { av_frame_free(&frame) }
    guard let frame else {
      throw FFmpegError(code: FFmpegError.outOfMemory, function: "av_frame_alloc")
    }
    frame.pointee.format = pixelFormat.rawValue
    frame.pointee.width = Int32(pixels.width)
    frame.pointee.height = Int32(pixels.height)
    if format == .jpg { frame.pointee.color_range = AVCOL_RANGE_JPEG }
    let isPacked = pixelFormat == AV_PIX_FMT_RGB24 && pixels.channels == 3 && pixels.order == .rgb
    if !isPacked {
      try check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer")
      try PixelScaler.scale(pixels, into: frame)
    }

    var packet = av_packet_alloc()
    defer { av_packet_free(&packet) }
    try pixels.bytes.withUnsafeBufferPointer { bytes in
      if isPacked, let base = bytes.baseAddress {
        // The picture is already in the encoder's format: lend it the bytes, uncopied. The
        // encoder is flushed before this closure returns, so the loan ends in time.
        frame.pointee.data.0 = UnsafeMutablePointer(mutating: base)
        frame.pointee.linesize.0 = Int32(pixels.bytesPerRow)
        frame.pointee.buf.0 = av_buffer_create(
          UnsafeMutablePointer(mutating: base), bytes.count, { _, _ in }, nil,
          Int32(AV_BUFFER_FLAG_READONLY))
      }
      try check(avcodec_send_frame(codec, frame), "avcodec_send_frame")
      try check(avcodec_send_frame(codec, nil), "avcodec_send_frame")
    }
    var data = Data()
    while true {
      let received = avcodec_receive_packet(codec, packet)
      if received == cffmpeg_error_eof() || received == cffmpeg_error_again() { break }
      try check(received, "avcodec_receive_packet")
      if let packet, let bytes = packet.pointee.data {
        data.append(bytes, count: Int(packet.pointee.size))
      }
      av_packet_unref(packet)
    }
    return data
  }

  private static func chooseFormat(_ format: Format, encoder: UnsafePointer<AVCodec>) throws
    -> AVPixelFormat
  {
    var supported: [AVPixelFormat] = []
    if var entry = encoder.pointee.pix_fmts {
      while entry.pointee != AV_PIX_FMT_NONE {
        supported.append(entry.pointee)
        entry += 1
      }
    }
    guard let chosen = format.pixelFormats.first(where: supported.contains) else {
      throw CelError.unsupported(
        "the \(format.encoderName) encoder takes none of the expected pixel formats")
    }
    return chosen
  }
}
