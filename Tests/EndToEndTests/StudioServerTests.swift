import CelCore
import Foundation
import Imaging
import TestSupport
import Testing
import Video

/// `cel serve` over HTTP: what it refuses, how it holds up under many clients, and how it
/// stops.
@Suite(.serialized) struct StudioServerTests {
  /// A served folder with a style and a secret beside it, reachable by a link from inside.
  func servedFolder() throws -> (served: URL, secret: URL) {
    let parent = try makeTemporaryDirectory()
    let served = parent.appendingPathComponent("studio-data")
    try FileManager.default.createDirectory(
      at: served.appendingPathComponent("styles"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: try GeneratorWeightFolders.seeded(),
      to: served.appendingPathComponent("styles/seeded"))
    let secret = parent.appendingPathComponent("secret.txt")
    try Data("the secret".utf8).write(to: secret)
    try FileManager.default.createSymbolicLink(
      at: served.appendingPathComponent("outside"), withDestinationURL: parent)
    return (served, secret)
  }

  /// A small photo to cartoonize quickly.
  func smallPhoto() throws -> Data {
    let file = try makeTemporaryDirectory().appendingPathComponent("small.png")
    try Image(SyntheticFilm.draw(.scene(3), width: 48, height: 32)).write(to: file)
    return try Data(contentsOf: file)
  }

  @Test func pathsThatClimbOutOfTheServedFoldersAreRefused() throws {
    let (served, _) = try servedFolder()
    let server = try StudioProcess(serving: [served])
    #expect(try server.get("/files/studio-data/styles/seeded/conv01_1.bias.npy").status == 200)
    for target in [
      "/files/studio-data/../secret.txt", "/files/studio-data/%2e%2e/secret.txt",
      "/files/studio-data/outside/secret.txt", "/files//etc/passwd", "/files/etc/passwd",
      "/files/studio-data/styles/../../secret.txt", "/files/%2Fetc%2Fpasswd",
      "/api/smoothing?dataset=studio-data/../x", "/api/watch?run=/etc",
      "/api/report?dataset=studio-data/outside", "/api/report?run=studio-data/styles/../..",
    ] {
      let reply = try server.get(target)
      #expect([403, 404].contains(reply.status), "\(target): \(reply.status)")
      #expect(!reply.text.contains("the secret") && !reply.text.contains("root:"), "\(target)")
    }
    // Another site, through the user's browser or a name pointed at 127.0.0.1, is refused.
    let rebound = try server.request("GET", "/api/catalog", headers: ["Host": "evil.example:80"])
    #expect(rebound.status == 403 && rebound.text.contains("only requests to this machine"))
    let posted = try server.request(
      "POST", "/api/regenerate?dataset=studio-data/x&canny=0,0",
      headers: ["Origin": "http://evil.example"])
    #expect(posted.status == 403 && posted.text.contains("requests from other sites are refused"))
    let own = try server.request(
      "GET", "/api/catalog", headers: ["Origin": "http://127.0.0.1:\(server.port)"])
    #expect(own.status == 200)
    #expect(
      try server.request("GET", "/", headers: ["Host": "localhost:\(server.port)"]).status == 200)
    let styleOutside = try server.request(
      "POST", "/api/cartoonize?style=studio-data/outside&name=a.png", body: try smallPhoto())
    #expect(styleOutside.status == 403 || styleOutside.status == 404)
    #expect(server.interrupt().status == 0)
  }

  @Test func badUploadsAreRefusedWithAMessageAndTheServerKeepsServing() throws {
    let (served, _) = try servedFolder()
    let server = try StudioProcess(serving: [served], arguments: ["--upload-limit", "1M"])
    let uploads = served.appendingPathComponent("studio/uploads")
    let style = "style=studio-data/styles/seeded"

    let large = try server.request(
      "POST", "/api/cartoonize?\(style)&name=big.png", body: Data(count: 3 << 20))
    #expect(large.status == 413)
    #expect(large.text.contains("big.png: larger than the upload limit of 1 MB"))
    #expect((try? FileManager.default.contentsOfDirectory(atPath: uploads.path)) ?? [] == [])

    let text = try server.request(
      "POST", "/api/cartoonize?\(style)&name=notes.txt", body: Data("hi".utf8))
    #expect(text.status == 415 && text.text.contains("notes.txt: not a picture or a video"))

    let unknown = try server.request(
      "POST", "/api/cartoonize?style=studio-data/styles/none&name=a.png", body: try smallPhoto())
    #expect(
      unknown.status == 404 && unknown.text.contains("style studio-data/styles/none: not found"))

    let garbage = try server.request(
      "POST", "/api/cartoonize?\(style)&name=photo.jpg", body: Data(repeating: 7, count: 5000))
    #expect(garbage.status == 202)
    let id = try #require(garbage.json?["id"] as? String)
    let job = try server.finishedJob(id)
    #expect(job["state"] as? String == "failed")
    #expect(
      (job["message"] as? String)?.hasPrefix("photo.jpg: ") == true
        && (job["message"] as? String)?.contains("not an image OpenCV can decode") == true,
      "\(job)")

    // The server still serves, and a good photo still comes out.
    #expect(try server.get("/").status == 200)
    let good = try server.request(
      "POST", "/api/cartoonize?\(style)&name=small.png", body: try smallPhoto())
    let goodID = try #require(good.json?["id"] as? String)
    #expect(try server.finishedJob(goodID)["state"] as? String == "done")
    let cartoon = try server.get("/api/jobs/\(goodID)/result")
    #expect(cartoon.status == 200 && cartoon.headers["content-type"] == "image/png")
    let stopped = server.interrupt()
    #expect(stopped.status == 0 && stopped.output.contains("cel serve: stopped"))
  }

  @Test func aShortVideoComesBackCartoonizedAtItsSizeAndLength() throws {
    let (served, _) = try servedFolder()
    let server = try StudioProcess(serving: [served])
    var film = SyntheticFilm(width: 96, height: 64, frameRate: 10)
    film.show(.scene(1), frames: 6)
    film.show(.scene(2), frames: 6)
    let video = try makeTemporaryDirectory().appendingPathComponent("clip.mp4")
    try film.write(to: video)
    let sent = try server.request(
      "POST", "/api/cartoonize?style=studio-data/styles/seeded&name=clip.mp4",
      body: try Data(contentsOf: video))
    let id = try #require(sent.json?["id"] as? String)
    let job = try server.finishedJob(id)
    #expect(job["message"] as? String == "12 pictures cartoonized")
    let cartoon = try server.get("/api/jobs/\(id)/result")
    #expect(cartoon.status == 200 && cartoon.headers["content-type"] == "video/mp4")
    let file = try makeTemporaryDirectory().appendingPathComponent("cartoon.mp4")
    try cartoon.body.write(to: file)
    let decoder = try VideoDecoder(url: file)
    #expect(decoder.info.width == 96 && decoder.info.height == 64)
    var frames = 0
    while try decoder.nextFrame() != nil { frames += 1 }
    #expect(frames == 12)
    #expect(server.interrupt().status == 0)
  }

  /// Twenty clients at once, each loading the page and the catalog and sending a large file,
  /// then twenty sending a picture: every request is answered, the queue refuses what it
  /// cannot hold, uploads are streamed to disk rather than held, and the server lives on.
  @Test func twentyClientsAtOnceAreAllAnsweredInBoundedMemory() async throws {
    let (served, _) = try servedFolder()
    let server = try StudioProcess(serving: [served], arguments: ["--queue", "6"])
    let style = "style=studio-data/styles/seeded"
    func together(_ request: @escaping @Sendable (Int) throws -> [Int]) async throws -> [[Int]] {
      try await withThrowingTaskGroup(of: [Int].self) { group in
        for client in 0..<20 { group.addTask { try request(client) } }
        return try await group.reduce(into: []) { $0.append($1) }
      }
    }
    _ = try server.get("/api/catalog")
    let before = server.peakMemory
    let large = Data(repeating: 1, count: 24 << 20)
    let loads = try await together { client in
      [
        try server.get("/").status, try server.get("/api/catalog").status,
        try server.request("POST", "/api/cartoonize?\(style)&name=v\(client).mp4", body: large)
          .status,
      ]
    }
    #expect(loads.count == 20)
    for answered in loads {
      #expect(answered[0] == 200 && answered[1] == 200 && [202, 503].contains(answered[2]))
    }
    // Twenty 24 MiB uploads held whole would take 480 MiB.
    let grown = server.peakMemory - before
    #expect(grown < 240 << 20, "the server grew by \(ByteCount(bytes: grown))")

    // Every photo gets in, each client trying again on 503 as the refusal asks, however
    // long the uploads above keep the queue full on a loaded machine.
    let photo = try smallPhoto()
    let sent = try await together { client in
      let deadline = Date().addingTimeInterval(120)
      while true {
        let reply = try server.request(
          "POST", "/api/cartoonize?\(style)&name=p\(client).png", body: photo)
        if reply.status != 503 || Date() > deadline {
          return [reply.status, Int(reply.json?["id"] as? String ?? "") ?? -1]
        }
        usleep(200_000)
      }
    }
    #expect(sent.allSatisfy { $0[0] == 202 })
    let accepted = sent.filter { $0[0] == 202 }.map { String($0[1]) }
    for id in accepted { #expect(try server.finishedJob(id)["state"] as? String == "done") }
    #expect(try server.get("/").status == 200)
    let stopped = server.interrupt()
    #expect(stopped.status == 0)
  }
}
