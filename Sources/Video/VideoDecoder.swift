internal import CFFmpeg
import CelCore
import Foundation

/// Demuxes and decodes one video stream of a file, frame by frame, in constant memory.
///
/// Owns the format context, the codec context and one packet; not `Sendable`. Damaged
/// packets are skipped and counted in `damagedPackets` rather than thrown, so one bad
/// stretch in a film does not end the run.
package final class VideoDecoder {
  package private(set) var info: StreamInfo
  /// Packets that the decoder rejected, or read errors that ended the file early.
  package private(set) var damagedPackets = 0

  private var format: UnsafeMutablePointer<AVFormatContext>?
  private var codec: UnsafeMutablePointer<AVCodecContext>?
  private var packet: UnsafeMutablePointer<AVPacket>?
  private let stream: UnsafeMutablePointer<AVStream>
  private var isDraining = false

  /// Opens `url` and prepares the decoder of its default video stream, or of `streamIndex`.
  /// - Parameters:
  ///   - keyframesOnly: let the decoder skip all but key frames (`AVDISCARD_NONKEY`), so a
  ///     film costs its key frames, not all its frames. The other packets still reach
  ///     the decoder, which reads their headers: damage there is counted as in a full decode.
  ///   - threads: decoder threads; 0 lets FFmpeg choose.
  /// - Throws: `CelError` when the file has no video, `FFmpegError` when FFmpeg cannot read it.
  package init(url: URL, streamIndex: Int? = nil, keyframesOnly: Bool = false, threads: Int = 0)
    throws
  {
    _ = FFmpegLibrary.quietLogs
    let path = url.path
    var format: UnsafeMutablePointer<AVFormatContext>?
    let opened = avformat_open_input(&format, path, nil, nil)
    guard opened >= 0, let format else {
      throw CelError.invalidInput(
        path, reason: "not a video FFmpeg can read (\(FFmpegError.text(for: opened)))")
    }
    self.format = format
    let probed = avformat_find_stream_info(format, nil)
    guard probed >= 0 else {
      avformat_close_input(&self.format)
      throw CelError.invalidInput(
        path, reason: "cannot read the streams (\(FFmpegError.text(for: probed)))")
    }

    let videoStreams = (0..<Int(format.pointee.nb_streams)).compactMap { index in
      format.pointee.streams[index].flatMap { stream in
        stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
          && stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 ? stream : nil
      }
    }
    let chosen: UnsafeMutablePointer<AVStream>?
    if let streamIndex {
      chosen = videoStreams.first { Int($0.pointee.index) == streamIndex }
      if chosen == nil {
        avformat_close_input(&self.format)
        let list = videoStreams.map { String($0.pointee.index) }.joined(separator: ", ")
        throw CelError.invalidInput(
          path, reason: "stream \(streamIndex) is not a video stream (video streams: \(list))")
      }
    } else {
      chosen =
        videoStreams.first { $0.pointee.disposition & AV_DISPOSITION_DEFAULT != 0 }
        ?? videoStreams.first
    }
    guard let chosen else {
      avformat_close_input(&self.format)
      throw CelError.invalidInput(path, reason: "has no video stream")
    }
    stream = chosen

    let codecID = chosen.pointee.codecpar.pointee.codec_id
    guard let decoder = avcodec_find_decoder(codecID), let context = avcodec_alloc_context3(decoder)
    else {
      avformat_close_input(&self.format)
      let name = String(cString: avcodec_get_name(codecID))
      throw CelError.invalidInput(path, reason: "no decoder for its \(name) video")
    }
    codec = context
    do {
      try check(
        avcodec_parameters_to_context(context, chosen.pointee.codecpar),
        "avcodec_parameters_to_context")
      context.pointee.pkt_timebase = chosen.pointee.time_base
      context.pointee.thread_count = Int32(threads)
      context.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
      if keyframesOnly { context.pointee.skip_frame = AVDISCARD_NONKEY }
      try check(avcodec_open2(context, decoder, nil), "avcodec_open2")
      guard let packet = av_packet_alloc() else {
        throw FFmpegError(code: FFmpegError.outOfMemory, function: "av_packet_alloc")
      }
      self.packet = packet
    } catch {
      avcodec_free_context(&codec)
      avformat_close_input(&self.format)
      throw error
    }
    info = Self.describe(chosen, codec: context, videoStreamCount: videoStreams.count)
    info.audioStreamCount =
      (0..<Int(format.pointee.nb_streams)).filter {
        format.pointee.streams[$0]?.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO
      }.count
  }

  deinit {
    av_packet_free(&packet)
    avcodec_free_context(&codec)
    avformat_close_input(&format)
  }

  /// Seeks to the last key frame at or before `seconds`; frames before `seconds` still
  /// come out and are the caller's to drop. Wraps `avformat_seek_file`.
  package func seek(to seconds: Double) throws {
    let target = Int64(seconds * Double(AV_TIME_BASE))
    try check(avformat_seek_file(format, -1, Int64.min, target, target, 0), "avformat_seek_file")
    avcodec_flush_buffers(codec)
    isDraining = false
  }

  /// The next decoded frame, or nil at the end of the stream.
  /// Wraps `av_read_frame`, `avcodec_send_packet` and `avcodec_receive_frame`.
  package func nextFrame() throws -> DecodedFrame? {
    let frame = try DecodedFrame(timeBase: stream.pointee.time_base)
    while true {
      let received = frame.withUnsafeFrame { avcodec_receive_frame(codec, $0) }
      if received >= 0 {
        // A frame the decoder rebuilt around damage (concealed) counts as damage too.
        let concealed = frame.withUnsafeFrame {
          $0.pointee.decode_error_flags != 0 || $0.pointee.flags & AV_FRAME_FLAG_CORRUPT != 0
        }
        if concealed { damagedPackets += 1 }
        return frame
      }
      if received == cffmpeg_error_eof() { return nil }
      if received != cffmpeg_error_again() {
        damagedPackets += 1  // a frame the decoder could not rebuild; carry on
        continue
      }
      if isDraining { return nil }
      try feedOnePacket()
    }
  }

  /// Reads packets until one of this stream reaches the decoder, or starts draining at
  /// the end of the file.
  private func feedOnePacket() throws {
    while true {
      let read = av_read_frame(format, packet)
      if read < 0 {
        if read != cffmpeg_error_eof() { damagedPackets += 1 }  // truncated or broken file
        isDraining = true
        _ = avcodec_send_packet(codec, nil)
        return
      }
      defer { av_packet_unref(packet) }
      guard let packet, packet.pointee.stream_index == stream.pointee.index else { continue }
      let sent = avcodec_send_packet(codec, packet)
      if sent < 0 && sent != cffmpeg_error_again() { damagedPackets += 1 }
      return
    }
  }

  private static func describe(
    _ stream: UnsafeMutablePointer<AVStream>, codec: UnsafeMutablePointer<AVCodecContext>,
    videoStreamCount: Int
  ) -> StreamInfo {
    let parameters = stream.pointee.codecpar.pointee
    var aspect = stream.pointee.sample_aspect_ratio
    if aspect.num <= 0 || aspect.den <= 0 { aspect = parameters.sample_aspect_ratio }
    let rate = stream.pointee.avg_frame_rate
    var quarterTurns = 0
    if let matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nil) {
      let counterClockwise = matrix.withMemoryRebound(to: Int32.self, capacity: 9) {
        av_display_rotation_get($0)
      }
      if counterClockwise.isFinite {
        quarterTurns = ((Int((-counterClockwise / 90).rounded()) % 4) + 4) % 4
      }
    }
    let duration =
      stream.pointee.duration > 0
      ? Double(stream.pointee.duration) * av_q2d(stream.pointee.time_base) : nil
    let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format))
    return StreamInfo(
      index: Int(stream.pointee.index),
      codecName: String(cString: avcodec_get_name(parameters.codec_id)),
      pixelFormatName: pixelFormat.map { String(cString: $0) } ?? "unknown",
      width: Int(parameters.width), height: Int(parameters.height),
      sampleAspectNumerator: Int(aspect.num), sampleAspectDenominator: Int(aspect.den),
      frameRate: rate.num > 0 && rate.den > 0 ? av_q2d(rate) : nil,
      duration: duration, quarterTurns: quarterTurns, videoStreamCount: videoStreamCount)
  }
}
