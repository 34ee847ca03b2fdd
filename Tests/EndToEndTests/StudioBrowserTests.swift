import CelCore
import Foundation
import Imaging
import TestSupport
import Testing

/// The studio in a real browser: Debian's Chromium driven through WebDriver cartoonizes a
/// photo, moves a Canny slider, regenerates the set and watches a run train.
@Suite(.serialized) struct StudioBrowserTests {
  struct Seen: Decodable {
    var cartoonStatus: String?
    var downloadDisposition: String?
    var parametersBefore: [String: String]?
    var parametersAfter: [String: String]?
    var twinsChanged: Int?
    var regenerate: String?
    var points: [Int]?
    var log: [String]?
  }

  @Test func aUserCartoonizesTunesRegeneratesAndWatchesInChromium() throws {
    let served = try makeTemporaryDirectory().appendingPathComponent("studio")
    let dataset = served.appendingPathComponent("datasets/sample")
    let made = try Executable(name: "cel").run(
      [
        "run", "Pipelines/film-to-dataset.yaml", "-i", "Samples/sample.mp4", "-o", dataset.path,
        "-q",
      ])
    try #require(made.status == 0, "\(made.errors)")
    // The published Hayao style where this machine has it (its cartoon is the README's
    // screenshot), seeded weights in the same layout otherwise.
    let weights = try GeneratorWeightFolders.hayao ?? GeneratorWeightFolders.seeded()
    let styleName = GeneratorWeightFolders.hayao == nil ? "seeded" : "Hayao"
    let style = served.appendingPathComponent("styles/\(styleName)")
    try FileManager.default.createDirectory(
      at: style.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: weights, to: style)

    // A run that goes on training while the page watches it; stopped at the end.
    let inputs = try TrainTests.inputs.get()
    let run = served.appendingPathComponent("runs/tiny")
    let (training, _, _) = try Executable(name: "cel-train").start([
      "--style", inputs.style.path, "--photos", inputs.photos.path, "--vgg", inputs.vgg.path,
      "--run", run.path, "--image-size", "32", "--batch", "2", "--init-epochs", "1",
      "--epochs", "100", "--threads", "1", "-q",
    ])
    defer { if training.isRunning { training.terminate() } }
    while !FileManager.default.fileExists(atPath: run.appendingPathComponent("run.json").path),
      training.isRunning
    {
      usleep(50_000)
    }

    let server = try StudioProcess(serving: [served])
    let output = try makeTemporaryDirectory()
    let photo = OpenCVSamples.folder.appendingPathComponent("building.jpg")
    let driver = Process()
    driver.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    driver.arguments = [
      Executable.packageRoot.appendingPathComponent("Tests/EndToEndTests/Studio/drive_studio.py")
        .path, "http://127.0.0.1:\(server.port)/", "studio/styles/\(styleName)", "studio/runs/tiny",
      photo.path, output.path,
    ]
    let printed = Pipe()
    driver.standardOutput = printed
    try driver.run()
    let answer = printed.fileHandleForReading.readDataToEndOfFile()
    driver.waitUntilExit()
    training.terminate()
    let seen = try JSONDecoder().decode(Seen.self, from: answer)
    #expect(driver.terminationStatus == 0, "\(String(decoding: answer, as: UTF8.self))")

    // The cartoon the page offers is cel-apply's, byte for byte.
    let reference = output.appendingPathComponent("reference.png")
    let applied = try Executable(name: "cel-apply").run([
      "--style", style.path, "--input", photo.path, "--output", reference.path, "-q",
    ])
    #expect(applied.status == 0, "\(applied.errors)")
    #expect(
      try Data(contentsOf: output.appendingPathComponent("cartoon.png"))
        == Data(contentsOf: reference))
    #expect(seen.cartoonStatus == "1 picture cartoonized")
    #expect(seen.downloadDisposition?.hasPrefix("attachment;") == true)

    // The slider redrew the twins; regenerating recorded its parameters as cel-smooth does.
    #expect(seen.parametersBefore?["canny"] == "100.0,200.0")
    #expect(seen.parametersAfter == ["canny": "20.0,200.0", "dilation": "5", "gaussian": "5"])
    #expect((seen.twinsChanged ?? 0) > 0)
    #expect(seen.regenerate?.hasPrefix("smooth: ") == true, "\(seen.regenerate ?? "")")
    let manifest = try DatasetManifest.load(from: dataset.appendingPathComponent("films/sample"))
    #expect(manifest.stages["smooth"]?.parameters["canny"] == "20.0,200.0")
    let setManifest = try DatasetManifest.load(from: dataset)
    #expect(setManifest.stages["split"] != nil)

    // The chart gained points while the run trained.
    let points = try #require(seen.points)
    #expect(points.count == 2 && points[0] > 0 && points[1] > points[0])
    #expect(seen.log?.filter { $0.contains("SEVERE") } ?? [] == [])

    // The reports open from the page: written by cel report's code, served from the folder.
    for query in ["dataset=studio/datasets/sample", "run=studio/runs/tiny"] {
      let answer = try server.get("/api/report?\(query)")
      let page = try #require(answer.json?["page"] as? String)
      #expect(page.hasSuffix("/report/index.html"), "\(query)")
      let loaded = try server.get(page)
      #expect(loaded.status == 200 && loaded.text.contains("<h1>"), "\(query)")
    }

    // The screenshot the README shows.
    for name in ["studio.png", "studio-smoothing.png"] {
      let screenshot = output.appendingPathComponent(name)
      #expect(try Image.read(screenshot).greyStatistics().deviation > 20)
      if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1", styleName == "Hayao" {
        let target = Executable.packageRoot.appendingPathComponent("Docs/\(name)")
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: screenshot, to: target)
      }
    }
    #expect(server.interrupt().status == 0)
  }
}
