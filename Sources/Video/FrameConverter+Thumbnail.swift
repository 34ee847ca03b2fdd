internal import CFFmpeg
import CelCore

extension FrameConverter {
  /// A small grey picture of `frame` for cut detection and sharpness: each pixel the mean of
  /// a grid of samples across its block of the luma plane.
  ///
  /// Read straight from 8-bit planar luma (what nearly every film decodes to): libswscale's
  /// area filter spent a quarter of scene-mode time on this. Other formats go through
  /// libswscale. Limited-range luma is left as it is: the scores are blind to it.
  package func thumbnail(_ frame: DecodedFrame, width: Int, height: Int) throws -> PixelBuffer {
    let sampled = frame.withUnsafeFrame { source -> PixelBuffer? in
      guard let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: source.pointee.format)),
        descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0,
        descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_PAL) == 0,
        descriptor.pointee.comp.0.plane == 0, descriptor.pointee.comp.0.depth == 8,
        descriptor.pointee.comp.0.step == 1, let luma = source.pointee.data.0
      else { return nil }
      let stride = Int(source.pointee.linesize.0)
      let sourceWidth = Int(source.pointee.width)
      let sourceHeight = Int(source.pointee.height)
      guard sourceWidth >= width, sourceHeight >= height else { return nil }
      let blockWidth = sourceWidth / width
      let blockHeight = sourceHeight / height
      let step = max(1, min(blockWidth, blockHeight) / 4)
      var bytes = [UInt8](repeating: 0, count: width * height)
      for ty in 0..<height {
        for tx in 0..<width {
          var sum = 0
          var count = 0
          var y = ty * sourceHeight / height
          let y1 = y + blockHeight
          while y < y1 {
            var x = tx * sourceWidth / width
            let x1 = x + blockWidth
            let row = luma + y * stride
            while x < x1 {
              sum += Int(row[x])
              count += 1
              x += step
            }
            y += step
          }
          bytes[ty * width + tx] = UInt8(sum / max(1, count))
        }
      }
      return PixelBuffer(width: width, height: height, channels: 1, bytes: bytes)
    }
    return try sampled ?? convert(frame, width: width, height: height, channels: 1)
  }
}
