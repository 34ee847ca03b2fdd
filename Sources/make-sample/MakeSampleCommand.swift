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

  func run() throws {
    let height = width * 9 / 16 & ~1
    let picture = width * 100 / 235 & ~1
    let bar = (height - picture) / 2
    var settings = VideoEncoder.Settings(width: width, height: height)
    settings.frameRate = rate
    settings.keyframeInterval = rate
    settings.options = ["crf": "26", "preset": "slow", "x264-params": "scenecut=0"]
    let url = URL(fileURLWithPath: output)
    let encoder = try VideoEncoder(url: url, settings: settings)
    let frameCount = Int(4 * SampleScenes.secondsPerShot) * rate
    for index in 0..<frameCount {
      let scene = SampleScenes.frame(at: Double(index) / Double(rate), width: width, height: picture)
      var frame = PixelBuffer(width: width, height: height, filledWith: [0, 0, 0])
      frame.bytes.replaceSubrange(
        (bar * frame.bytesPerRow)..<((bar + picture) * frame.bytesPerRow), with: scene.bytes)
      try encoder.append(frame)
    }
    try encoder.finish()
    print("wrote \(output): \(frameCount) frames, \(width)x\(height) at \(rate) fps")
  }
}
