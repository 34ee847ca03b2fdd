import ArgumentParser
import CelCore
import Foundation
import ModelStages
import Studio

struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "A local studio in the browser: cartoonize, tune the edge smoothing, watch training.",
    discussion: """
      Serves one page on 127.0.0.1 over the datasets, training runs and styles found under \
      the --data folders (published .npy folders, .safetensors files, runs/NAME): drop a \
      photo or a short video and see it cartoonized beside the original; move the Canny, \
      dilation and Gaussian sliders and see 12 tiles' edge-smoothed twins redrawn, then \
      regenerate the whole set with them; watch a run's losses and sample grids as \
      cel-train writes them. Only files under the --data folders are read or written; \
      uploads and results go to the first folder's studio/. Ctrl-C stops it.
      """)

  @Option(
    name: .customLong("data"),
    help: ArgumentHelp("A folder to serve (repeat for more).", valueName: "folder"))
  var folders: [String] = []

  @Option(help: "The port (0 picks a free one).")
  var port = 8080

  @Option(help: "The address to listen on; another than 127.0.0.1 opens the studio to others.")
  var host = "127.0.0.1"

  @Option(
    name: .customLong("upload-limit"),
    help: ArgumentHelp("The largest upload (64M, 1G).", valueName: "size"))
  var uploadLimit = ByteCount(bytes: 64 << 20)

  @Option(name: .customLong("queue"), help: "Jobs that may wait before more are refused.")
  var queueCapacity = 16

  func validate() throws {
    if folders.isEmpty { throw ValidationError("cel serve needs --data FOLDER") }
    if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
    if queueCapacity < 1 { throw ValidationError("--queue must be at least 1") }
  }

  func run() async throws {
    // A small file may claim a huge picture; a studio refuses to decode one over 50
    // megapixels rather than take gigabytes for it (OpenCV's own limit is a gigapixel).
    setenv("OPENCV_IO_MAX_IMAGE_PIXELS", "50000000", 0)
    var server = StudioServer(
      folders: try StudioFolders(folders.map { URL(fileURLWithPath: $0) }))
    server.host = host
    server.port = port
    server.uploadLimit = uploadLimit.bytes
    server.queue = WorkQueue(capacity: queueCapacity)
    let names = server.folders.roots.map(\.url.path).joined(separator: ", ")
    try await server.run { address in
      // Written at once, unbuffered: scripts wait for this line to learn the port.
      FileHandle.standardOutput.write(
        Data("cel serve: \(address) (serving \(names); Ctrl-C stops)\n".utf8))
    }
    print("cel serve: stopped")
  }
}
