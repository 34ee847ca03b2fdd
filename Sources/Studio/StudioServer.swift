import CelCore
import DataStages
import Foundation
import Hummingbird
import Logging
import ModelStages
import NIOCore
import Reports
import ServiceLifecycle

/// `cel serve`: the studio's HTTP server. Routes only parse, check and answer; the work is
/// the stages' own, called in this process.
package struct StudioServer: Sendable {
  package var folders: StudioFolders
  package var host = "127.0.0.1"
  package var port = 8080
  /// The largest upload accepted, in bytes.
  package var uploadLimit = 64 << 20
  package var queue = WorkQueue()

  package init(folders: StudioFolders) { self.folders = folders }

  /// Serves until SIGINT or SIGTERM; `ready` is told the address once it listens.
  package func run(ready: @escaping @Sendable (String) -> Void) async throws {
    let application = Application(
      router: router(),
      configuration: .init(address: .hostname(host, port: port), serverName: "celshade"),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? port
        ready("http://\(host.contains(":") ? "[\(host)]" : host):\(port)/")
      },
      logger: Self.quietLogger)
    try await application.runService(gracefulShutdownSignals: [.sigint, .sigterm])
    await queue.drain()
  }

  private static let quietLogger = {
    var logger = Logger(label: "cel-serve")
    logger.logLevel = .warning
    return logger
  }()

  func router() -> Router<BasicRequestContext> {
    let router = Router()
    router.addMiddleware { OwnOriginMiddleware(isLoopback: Self.loopbackHosts.contains(host)) }
    for (path, asset) in StudioPage.assets {
      router.get(RouterPath(path)) { _, _ in
        Response(
          status: .ok, headers: [.contentType: asset.contentType],
          body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
      }
    }
    router.get("/api/catalog") { _, _ in try Self.json(StudioCatalog(scanning: folders)) }
    router.post("/api/cartoonize") { request, _ in try await cartoonize(request) }
    router.get("/api/jobs/:id") { _, context in
      let id = try context.parameters.require("id")
      guard let job = queue.job(id) else { throw StudioError.notFound("job \(id)") }
      return try Self.json(job)
    }
    router.get("/api/jobs/:id/result") { request, context in
      let id = try context.parameters.require("id")
      guard let file = queue.file(of: id) else { throw StudioError.notFound("result of job \(id)") }
      let download = request.uri.queryParameters.get("download") != nil
      return try await Self.file(file, download: download, context: context)
    }
    router.get("/api/smoothing") { request, _ in
      let (dataset, options) = try smoothingRequest(request)
      return try Self.json(
        try await SmoothingPreview(dataset: dataset).draw(options, folders: folders))
    }
    router.post("/api/regenerate") { request, _ in
      let (dataset, options) = try smoothingRequest(request)
      return try Self.json(try regenerate(dataset, options), status: .accepted)
    }
    router.get("/api/report") { request, _ in try report(request) }
    router.get("/api/watch") { request, _ in
      let run = try folder(request, "run", in: \.runs)
      return Self.watch(run)
    }
    router.get("/files/**") { _, context in
      let parts = context.parameters.getCatchAll().map { $0.removingPercentEncoding ?? String($0) }
      return try await Self.file(
        try folders.resolve(parts.joined(separator: "/")), download: false, context: context)
    }
    return router
  }

  // MARK: Cartoonize

  private func cartoonize(_ request: Request) async throws -> Response {
    let style = try folder(request, "style", in: \.styles, \.runs)
    guard let name = request.uri.queryParameters.get("name"), !name.isEmpty else {
      throw StudioError.badRequest("name the file: ?name=photo.jpg")
    }
    _ = try Uploads.check(fileName: name)
    try queue.requireRoom()
    let prefix = UUID().uuidString.prefix(8).lowercased()
    let upload = try await Uploads(
      folder: folders.workFolder.appendingPathComponent("uploads"), limit: uploadLimit
    ).receive(request.body, fileName: name, prefix: String(prefix))
    let isPhoto = Uploads.photoExtensions.contains(upload.pathExtension.lowercased())
    let output = folders.workFolder.appendingPathComponent("results").appendingPathComponent(
      upload.deletingPathExtension().lastPathComponent + "-cartoon." + (isPhoto ? "png" : "mp4"))
    let job: WorkQueue.Job
    do {
      job = try queue.submit("\(name) in the style \(style.lastPathComponent)") {
        try FileIO.createDirectory(output.deletingLastPathComponent())
        var stage = ApplyStage(
          input: upload, output: output,
          options: try ApplyOptions.parse(["--model", style.path, "--overwrite"]))
        stage.isQuiet = true
        do {
          return .init(message: try await stage.run().brief, file: output)
        } catch {
          // The user knows the file by the name they sent, not by the server's copy.
          throw StudioError.badRequest(
            String(describing: error).replacingOccurrences(of: upload.path, with: name))
        }
      }
    } catch {
      // Refused after all (the queue filled while it arrived): keep nothing of it.
      try? FileManager.default.removeItem(at: upload)
      throw error
    }
    return try Self.json(job, status: .accepted)
  }

  // MARK: Edge smoothing

  /// The dataset and smoothing parameters a request names, checked as `cel-smooth` checks
  /// its options, within bounds that keep a redraw quick.
  private func smoothingRequest(_ request: Request) throws -> (URL, SmoothOptions) {
    let dataset = try folder(request, "dataset", in: \.datasets)
    let query = request.uri.queryParameters
    let thresholds = (query.get("canny") ?? "100,200").split(separator: ",").compactMap {
      Double($0)
    }
    guard thresholds.count == 2, thresholds.allSatisfy({ $0.isFinite && $0 <= 10_000 }),
      let dilation = Int(query.get("dilation") ?? "5"), (1...51).contains(dilation),
      let gaussian = Int(query.get("gaussian") ?? "5"), (1...51).contains(gaussian)
    else {
      throw StudioError.badRequest(
        "smoothing takes canny=LOW,HIGH (up to 10000), dilation and gaussian from 1 to 51")
    }
    do {
      return (
        dataset,
        try SmoothOptions.parse([
          "--canny", "\(thresholds[0]),\(thresholds[1])", "--dilation", "\(dilation)",
          "--gaussian", "\(gaussian)",
        ])
      )
    } catch {
      throw StudioError.badRequest(SmoothOptions.message(for: error))
    }
  }

  /// Runs the smooth stage on the whole set, then relinks the split, as `cel-smooth` does.
  private func regenerate(_ dataset: URL, _ options: SmoothOptions) throws -> WorkQueue.Job {
    try queue.submit("regenerate \(dataset.lastPathComponent)'s edge-smoothed set") {
      var stage = SmoothStage(dataset: dataset, options: options)
      stage.isQuiet = true
      let outcome = try await stage.run()
      var message = outcome.summary
      if case .ran = outcome, let split = try await SplitStage.refresh(in: dataset) {
        message += "; " + split.summary
      }
      return .init(message: message)
    }
  }

  // MARK: Reports and watching

  private func report(_ request: Request) throws -> Response {
    let isRun = request.uri.queryParameters.get("run") != nil
    let subject =
      isRun
      ? try folder(request, "run", in: \.runs) : try folder(request, "dataset", in: \.datasets)
    // The report is written in the subject's report/, which must not lead out either.
    _ = try folders.resolve((folders.name(of: subject) ?? "") + "/report/index.html")
    let page =
      isRun ? try RunReport(run: subject).write() : try DatasetReport(dataset: subject).write()
    return try Self.json(["page": "/files/" + folders.link(to: page)])
  }

  /// Server-sent events: what the run has written, every half second, until the client
  /// leaves or the server stops.
  private static func watch(_ run: URL) -> Response {
    Response(
      status: .ok,
      headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
      body: ResponseBody { writer in
        var watch = RunWatch(run: run)
        var quiet = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
          let update = watch.poll()
          if !update.isEmpty || update.restarted {
            let data = try JSONEncoder().encode(update)
            try await writer.write(
              ByteBuffer(string: "data: \(String(decoding: data, as: UTF8.self))\n\n"))
            quiet = 0
          } else {
            quiet += 1
            // A comment now and then finds a client that has gone.
            if quiet % 20 == 0 { try await writer.write(ByteBuffer(string: ": waiting\n\n")) }
          }
          try? await Task.sleep(for: .milliseconds(500))
        }
        try await writer.finish(nil)
      })
  }

  // MARK: Names

  /// The folder a query parameter names, which must be one the catalog lists under `lists`.
  private func folder(
    _ request: Request, _ parameter: String,
    in lists: KeyPath<StudioCatalog, [StudioCatalog.Item]>...
  ) throws -> URL {
    guard let id = request.uri.queryParameters.get(parameter), !id.isEmpty else {
      throw StudioError.badRequest("name the \(parameter): ?\(parameter)=…")
    }
    let url = try folders.resolve(id)
    let catalog = StudioCatalog(scanning: folders)
    guard lists.contains(where: { catalog[keyPath: $0].contains { $0.id == id } }) else {
      throw StudioError.notFound("\(parameter) \(id)")
    }
    return url
  }

  // MARK: Responses

  static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Response(
      status: status, headers: [.contentType: "application/json"],
      body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
  }

  /// A file, read from disk in chunks as it is sent, so a large video costs no more memory
  /// than a small photo.
  static func file(_ url: URL, download: Bool, context: some RequestContext) async throws
    -> Response
  {
    guard CelCore.FileIO.isFolder(url.path) == false, access(url.path, R_OK) == 0 else {
      throw StudioError.notFound(url.lastPathComponent)
    }
    let body = try await Hummingbird.FileIO().loadFile(path: url.path, context: context)
    var headers: HTTPFields = [
      .contentType: contentTypes[url.pathExtension.lowercased()] ?? "application/octet-stream",
      .cacheControl: "no-cache",
    ]
    if download {
      headers[.contentDisposition] = "attachment; filename=\"\(url.lastPathComponent)\""
    }
    return Response(status: .ok, headers: headers, body: body)
  }

  static let contentTypes = [
    "html": "text/html; charset=utf-8", "css": "text/css", "js": "text/javascript",
    "json": "application/json", "jsonl": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8", "txt": "text/plain; charset=utf-8",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp",
    "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "svg": "image/svg+xml",
    "mp4": "video/mp4", "webm": "video/webm", "mkv": "video/x-matroska",
    "avi": "video/x-msvideo", "mov": "video/quicktime", "m4v": "video/mp4",
  ]
}

extension SmoothOptions {
  /// ArgumentParser's message for a refused option, without its usage text.
  static func message(for error: any Error) -> String {
    fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
  }
}
