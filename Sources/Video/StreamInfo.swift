import CelCore

/// What a video stream holds, read from its container and codec parameters.
package struct StreamInfo: Sendable, Equatable {
  /// Index of the stream in its file.
  package var index: Int
  package var codecName: String
  package var pixelFormatName: String
  /// Coded size, in stored pixels.
  package var width: Int
  package var height: Int
  /// Sample (pixel) aspect ratio; 1/1 for square pixels.
  package var sampleAspectNumerator: Int
  package var sampleAspectDenominator: Int
  /// Average frame rate, or nil when the container does not say.
  package var frameRate: Double?
  /// Duration in seconds, or nil when unknown.
  package var duration: Double?
  /// Clockwise quarter turns that display metadata asks for (0…3).
  package var quarterTurns: Int
  package var videoStreamCount: Int
  /// Audio streams in the same file.
  package var audioStreamCount = 0

  /// Size with square pixels, before rotation: the width stretched by the sample aspect
  /// ratio, both sides even.
  package var squarePixelSize: (width: Int, height: Int) {
    var displayWidth = width
    if sampleAspectNumerator > 0, sampleAspectDenominator > 0 {
      displayWidth = Int(
        (Double(width) * Double(sampleAspectNumerator) / Double(sampleAspectDenominator))
          .rounded())
    }
    return (max(2, displayWidth & ~1), max(2, height & ~1))
  }

}
