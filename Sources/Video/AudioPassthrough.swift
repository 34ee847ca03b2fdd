internal import CFFmpeg
import CelCore
import Foundation

/// Copies the audio streams of one file into a file being written, packet by packet and
/// without re-encoding, interleaved with the video as it is written. Owns the source's
/// format context; not `Sendable`.
final class AudioPassthrough {
  private var source: UnsafeMutablePointer<AVFormatContext>?
  private var packet: UnsafeMutablePointer<AVPacket>?
  /// Source stream index → output stream and time bases.
  private var mapping: [Int32: (output: UnsafeMutablePointer<AVStream>, timeBase: AVRational)] = [:]
  private var isExhausted = false

  /// Opens `url` and adds one output stream to `output` per audio stream it holds.
  init(from url: URL, into output: UnsafeMutablePointer<AVFormatContext>) throws {
    var source: UnsafeMutablePointer<AVFormatContext>?
    try check(avformat_open_input(&source, url.path, nil, nil), "avformat_open_input \(url.path)")
    self.source = source
    guard let source else { return }
    try check(avformat_find_stream_info(source, nil), "avformat_find_stream_info")
    for index in 0..<Int(source.pointee.nb_streams) {
      guard let stream = source.pointee.streams[index],
        stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO,
        let copy = avformat_new_stream(output, nil)
      else { continue }
      try check(
        avcodec_parameters_copy(copy.pointee.codecpar, stream.pointee.codecpar), "parameters")
      copy.pointee.codecpar.pointee.codec_tag = 0
      copy.pointee.time_base = stream.pointee.time_base
      mapping[stream.pointee.index] = (copy, stream.pointee.time_base)
    }
    packet = av_packet_alloc()
  }

  deinit {
    av_packet_free(&packet)
    avformat_close_input(&source)
  }

  var hasAudio: Bool { !mapping.isEmpty }

  /// Writes the source's audio packets up to `seconds` (all that remain when nil).
  func copy(upTo seconds: Double?, into output: UnsafeMutablePointer<AVFormatContext>) throws {
    guard hasAudio, let packet else { return }
    while !isExhausted {
      if av_read_frame(source, packet) < 0 {
        isExhausted = true
        return
      }
      defer { av_packet_unref(packet) }
      guard let target = mapping[packet.pointee.stream_index] else { continue }
      let time = Double(packet.pointee.pts) * av_q2d(target.timeBase)
      packet.pointee.stream_index = target.output.pointee.index
      av_packet_rescale_ts(packet, target.timeBase, target.output.pointee.time_base)
      packet.pointee.pos = -1
      try check(av_interleaved_write_frame(output, packet), "av_interleaved_write_frame (audio)")
      if let seconds, time > seconds { return }
    }
  }
}
