import ArgumentParser
import CelCore
import Foundation
import Video

@main
struct MakeSampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "make-sample",
    abstract: "Render the sample film in Samples/: cel-style shots, cuts, a fade to black.",
    discussion: """
      Four 3-second shots in flat colours with dark outlines (a rolling ball, a bobbing head, \
      a pan across a night sky, a sunset that fades to black), letterboxed to 2.35:1 inside \
      a 16:9 frame, encoded as H.264 with a key frame every second.
      """)

  @Option(name: .shortAndLong, help: "Where to write the film.")
  var output = "Samples/sample.mp4"

  @Option(help: "Frame width; the height follows 16:9.")
  var width = 640

  @Option(help: "Frames per second.")
  var rate = 24

  @Option(help: "Length in seconds; longer films repeat the four shots with new colours.")
  var seconds = 12.0

  @Option(name: .customLong("keyframe-seconds"), help: "Seconds between key frames.")
  var keyframeSeconds = 1.0

  @Option(help: "x264 preset: ultrafast ... veryslow.")
  var preset = "slow"

  func run() throws {
    let height = width * 9 / 16 & ~1
    let picture = width * 100 / 235 & ~1
    let bar = (height - picture) / 2
    var settings = VideoEncoder.Settings(width: width, height: height)
    settings.frameRate = rate
    settings.keyframeInterval = max(1, Int((keyframeSeconds * Double(rate)).rounded()))
    settings.options = ["crf": "26", "preset": preset, "x264-params": "scenecut=0"]
    let url = URL(fileURLWithPath: output)
    let encoder = try VideoEncoder(url: url, settings: settings)
    let frameCount = Int(seconds * Double(rate))
    let cycle = 4 * SampleScenes.secondsPerShot
    for index in 0..<frameCount {
      let time = Double(index) / Double(rate)
      let scene = SampleScenes.frame(
        at: time.truncatingRemainder(dividingBy: cycle), width: width, height: picture,
        cycle: Int(time / cycle))
      var frame = PixelBuffer(width: width, height: height, filledWith: [0, 0, 0])
      frame.paste(scene, x: 0, y: bar)
      try encoder.append(frame)
    }
    try encoder.finish()
    print("wrote \(output): \(frameCount) frames, \(width)x\(height) at \(rate) fps")
  }
}
