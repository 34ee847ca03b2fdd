internal import CFFmpeg
import CelCore
import Foundation

/// Encodes BGR frames into a video file through libavcodec and libavformat.
///
/// The container follows the file extension. Several video streams can be written side by
/// side (for files that hold more than one), and the stream's display metadata can carry
/// a sample aspect ratio and a rotation. Owns its contexts; not `Sendable`.
package final class VideoEncoder {
  package struct Settings: Sendable {
    package var width: Int
    package var height: Int
    package var frameRate: Int = 25
    /// An FFmpeg encoder name: "libx264", "mpeg4", "ffv1", "png", ...
    package var codec = "libx264"
    /// An FFmpeg pixel format name: "yuv420p", "yuv420p10le", "bgr0", "pal8", ...
    package var pixelFormat = "yuv420p"
    /// Frames between key frames.
    package var keyframeInterval = 12
    package var sampleAspect: (numerator: Int, denominator: Int) = (1, 1)
    /// Clockwise quarter turns a player should apply (display matrix metadata).
    package var quarterTurns = 0
    package var streamCount = 1
    /// Index of the stream marked as the default one.
    package var defaultStream = 0
    /// Private encoder options, as `-x264-params`-style key/value pairs.
    package var options: [String: String] = [:]
    /// A file whose audio streams are copied into the output alongside the video.
    package var audioSource: URL?

    package init(width: Int, height: Int) {
      self.width = width
      self.height = height
    }
  }

  private var format: UnsafeMutablePointer<AVFormatContext>?
  private var codecs: [UnsafeMutablePointer<AVCodecContext>?] = []
  private var streams: [UnsafeMutablePointer<AVStream>] = []
  private var frame: UnsafeMutablePointer<AVFrame>?
  private var packet: UnsafeMutablePointer<AVPacket>?
  private var scaler: OpaquePointer?
  private let settings: Settings
  private let path: String
  private var isFinished = false
  private var frameCounts: [Int: Int] = [:]
  private var audio: AudioPassthrough?

  /// Creates `url` and writes its header.
  /// - Throws: `FFmpegError` when the container or encoder is unknown or refuses the settings.
  package init(url: URL, settings: Settings) throws {
    _ = FFmpegLibrary.quietLogs
    self.settings = settings
    path = url.path
    try check(
      avformat_alloc_output_context2(&format, nil, nil, path), "avformat_alloc_output_context2")
    do {
      try openStreams()
      if let source = settings.audioSource, let format {
        audio = try AudioPassthrough(from: source, into: format)
      }
      if let format, format.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
        try check(avio_open(&format.pointee.pb, path, AVIO_FLAG_WRITE), "avio_open \(path)")
      }
      try check(avformat_write_header(format, nil), "avformat_write_header")
    } catch {
      release()
      throw error
    }
  }

  deinit {
    if !isFinished { release() }
  }

  /// Appends a BGR frame to `stream`, shown at `seconds` (default: frame number / rate).
  /// Wraps `sws_scale`, `avcodec_send_frame` and `av_interleaved_write_frame`.
  package func append(_ pixels: PixelBuffer, stream: Int = 0, at seconds: Double? = nil) throws {
    precondition(pixels.channels == 3, "the encoder takes colour frames")
    try requireRows(pixels, "append frame")
    guard let frame, let codec = codecs[stream] else { return }
    try check(av_frame_make_writable(frame), "av_frame_make_writable")
    if frame.pointee.format == AV_PIX_FMT_PAL8.rawValue {
      try Self.fillPaletted(frame, from: pixels)
    } else {
      scaler = try PixelScaler.scale(pixels, into: frame, reusing: scaler)
    }
    let index = frameCounts[stream, default: 0]
    frameCounts[stream] = index + 1
    let time = seconds ?? Double(index) / Double(settings.frameRate)
    frame.pointee.pts = Int64((time * 1000).rounded())
    try check(avcodec_send_frame(codec, frame), "avcodec_send_frame")
    try drain(stream)
    if stream == 0, let format { try audio?.copy(upTo: time, into: format) }
  }

  /// Whether this FFmpeg has an encoder called `name` (such as "libx264").
  package static func hasEncoder(_ name: String) -> Bool {
    avcodec_find_encoder_by_name(name) != nil
  }
  /// Flushes the encoders and writes the trailer. Wraps `av_write_trailer`.
  package func finish() throws {
    guard !isFinished else { return }
    defer {
      release()
      isFinished = true
    }
    for stream in codecs.indices {
      try check(avcodec_send_frame(codecs[stream], nil), "avcodec_send_frame")
      try drain(stream)
    }
    if let format { try audio?.copy(upTo: nil, into: format) }
    try check(av_write_trailer(format), "av_write_trailer")
  }

  private func openStreams() throws {
    guard let encoder = avcodec_find_encoder_by_name(settings.codec) else {
      throw CelError.unsupported("FFmpeg has no encoder named \(settings.codec)")
    }
    let pixelFormat = av_get_pix_fmt(settings.pixelFormat)
    guard pixelFormat != AV_PIX_FMT_NONE else {
      throw CelError.unsupported("unknown pixel format \(settings.pixelFormat)")
    }
    for index in 0..<settings.streamCount {
      guard let stream = avformat_new_stream(format, nil),
        let codec = avcodec_alloc_context3(encoder)
      else { throw FFmpegError(code: FFmpegError.outOfMemory, function: "avformat_new_stream") }
      codecs.append(codec)
      streams.append(stream)
      codec.pointee.width = Int32(settings.width)
      codec.pointee.height = Int32(settings.height)
      codec.pointee.pix_fmt = pixelFormat
      codec.pointee.time_base = AVRational(num: 1, den: 1000)
      codec.pointee.framerate = AVRational(num: Int32(settings.frameRate), den: 1)
      codec.pointee.gop_size = Int32(settings.keyframeInterval)
      codec.pointee.max_b_frames = 0
      codec.pointee.sample_aspect_ratio = AVRational(
        num: Int32(settings.sampleAspect.numerator), den: Int32(settings.sampleAspect.denominator))
      if (format?.pointee.oformat.pointee.flags ?? 0) & AVFMT_GLOBALHEADER != 0 {
        codec.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
      }
      var options: OpaquePointer?
      for (key, value) in settings.options { av_dict_set(&options, key, value, 0) }
      let opened = avcodec_open2(codec, encoder, &options)
      av_dict_free(&options)
      try check(opened, "avcodec_open2 \(settings.codec)")
      try check(avcodec_parameters_from_context(stream.pointee.codecpar, codec), "parameters")
      stream.pointee.time_base = codec.pointee.time_base
      stream.pointee.avg_frame_rate = codec.pointee.framerate
      stream.pointee.sample_aspect_ratio = codec.pointee.sample_aspect_ratio
      stream.pointee.disposition = index == settings.defaultStream ? AV_DISPOSITION_DEFAULT : 0
      if settings.quarterTurns % 4 != 0,
        let side = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * 4)
      {
        side.withMemoryRebound(to: Int32.self, capacity: 9) {
          av_display_rotation_set($0, 90 * Double(settings.quarterTurns))
        }
      }
    }
    guard let frame = av_frame_alloc() else {
      throw FFmpegError(code: FFmpegError.outOfMemory, function: "av_frame_alloc")
    }
    self.frame = frame
    frame.pointee.format = pixelFormat.rawValue
    frame.pointee.width = Int32(settings.width)
    frame.pointee.height = Int32(settings.height)
    try check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer")
    guard let packet = av_packet_alloc() else {
      throw FFmpegError(code: FFmpegError.outOfMemory, function: "av_packet_alloc")
    }
    self.packet = packet
  }

  /// Paletted frames: swscale cannot quantise, so the colours are indexed here; a frame
  /// with more than 256 colours is refused.
  private static func fillPaletted(_ frame: UnsafeMutablePointer<AVFrame>, from pixels: PixelBuffer)
    throws
  {
    var palette: [UInt32: UInt8] = [:]
    guard let indices = frame.pointee.data.0, let entries = frame.pointee.data.1 else { return }
    let stride = Int(frame.pointee.linesize.0)
    for y in 0..<pixels.height {
      for x in 0..<pixels.width {
        let o = (y * pixels.width + x) * 3
        let (r, b) = pixels.order == .bgr ? (o + 2, o) : (o, o + 2)
        let red = UInt32(pixels.bytes[r]) << 16
        let green = UInt32(pixels.bytes[o + 1]) << 8
        let argb: UInt32 = 0xFF00_0000 | red | green | UInt32(pixels.bytes[b])
        let index: UInt8
        if let known = palette[argb] {
          index = known
        } else {
          guard palette.count < 256 else {
            throw CelError.invalidRequest("a paletted frame can hold at most 256 colours")
          }
          index = UInt8(palette.count)
          palette[argb] = index
        }
        indices[y * stride + x] = index
      }
    }
    entries.withMemoryRebound(to: UInt32.self, capacity: 256) { table in
      for (argb, index) in palette { table[Int(index)] = argb }
    }
  }

  private func drain(_ stream: Int) throws {
    while true {
      let received = avcodec_receive_packet(codecs[stream], packet)
      if received == cffmpeg_error_again() || received == cffmpeg_error_eof() { return }
      try check(received, "avcodec_receive_packet")
      guard let packet, let codec = codecs[stream] else { return }
      packet.pointee.stream_index = Int32(stream)
      av_packet_rescale_ts(packet, codec.pointee.time_base, streams[stream].pointee.time_base)
      try check(av_interleaved_write_frame(format, packet), "av_interleaved_write_frame")
    }
  }

  private func release() {
    audio = nil
    for index in codecs.indices { avcodec_free_context(&codecs[index]) }
    codecs = []
    av_frame_free(&frame)
    av_packet_free(&packet)
    sws_freeContext(scaler)
    scaler = nil
    if let format {
      if format.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
        avio_closep(&format.pointee.pb)
      }
      avformat_free_context(format)
    }
    format = nil
  }
}
