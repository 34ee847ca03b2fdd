import CelCore
import Foundation
import Imaging

/// `DATASET/report/index.html`: where the frames came from, what each stage did, a
/// contact sheet of tiles beside their smoothed twins, and the split per shot. Every part
/// whose data is missing says so; the rest is still shown.
package struct DatasetReport {
  package var dataset: URL
  package var sheetSize = 24
  static let thumbnailSide = 128

  package init(dataset: URL) { self.dataset = dataset }

  var folder: URL { dataset.appendingPathComponent("report") }

  /// Writes the page (and `contact-sheet.png`) and returns the page's URL.
  package func write() throws -> URL {
    try FileIO.createDirectory(folder.appendingPathComponent("thumbs"))
    // A set's films, each with its folder; none for a dataset that is not a set.
    let films = ((try? FilmSet.load(from: dataset).films) ?? []).map {
      (film: $0, folder: FilmSet.folder(of: $0, in: dataset))
    }
    let units = films.isEmpty ? [dataset] : films.map(\.folder)
    let tiles = units.flatMap { unit in
      ((try? JSONLines.read(TileRecord.self, from: DatasetLayout(unit).tileRecords)) ?? []).map {
        (unit: unit, tile: $0)
      }
    }
    var body = "<h1>Dataset \(HTML.escape(dataset.lastPathComponent))</h1>"
    if !films.isEmpty { body += filmTable(films) }
    body += stages(films.map { ($0.film.name, $0.folder) })
    if films.isEmpty {
      body += try timeline(DatasetLayout(dataset), title: "the film")
    } else {
      for (film, folder) in films {
        body += try timeline(DatasetLayout(folder), title: film.name)
      }
    }
    body += try contactSheet(tiles)
    body += try split(tiles.map(\.tile))
    let page = folder.appendingPathComponent("index.html")
    try FileIO.writeAtomically(
      Data(HTML.page(title: "Celshade dataset \(dataset.lastPathComponent)", body: body).utf8),
      to: page)
    return page
  }

  /// One row per film: where it came from and what its stages came to.
  private func filmTable(_ films: [(film: FilmSet.Film, folder: URL)]) -> String {
    let rows = films.map { film, folder -> [String] in
      let stages = (try? DatasetManifest.load(from: folder).stages) ?? [:]
      let failure = FilmSet.failure(of: film, in: dataset)
      let extract = stages["extract"]?.counts ?? [:]
      let dropped = extract.filter {
        !["kept", "decoded", "resumed", "damaged-packets"].contains($0.key) && $0.value > 0
      }
      return [
        film.name, film.file,
        failure.map { "failed: \($0)" } ?? (stages["tile"] == nil ? "not processed" : "complete"),
        "\(extract["kept"] ?? 0) of \(extract["decoded"] ?? 0)",
        dropped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
        "\(stages["tile"]?.counts["tiles"] ?? 0)",
        stages.values.flatMap { $0.warnings + $0.skipped }.joined(separator: "; "),
      ]
    }
    return "<h2>Films</h2>"
      + HTML.table(["film", "file", "state", "frames kept", "dropped", "tiles", "warnings"], rows)
  }

  /// Every stage's parameters and counts: the set's own, then each film's.
  private func stages(_ films: [(name: String, folder: URL)]) -> String {
    let order = ["extract", "tile", "smooth", "split"]
    var rows: [[String]] = []
    for (name, unit) in [("", dataset)] + films {
      let records = ((try? DatasetManifest.load(from: unit).stages) ?? [:]).values.sorted {
        (order.firstIndex(of: $0.stage) ?? 9) < (order.firstIndex(of: $1.stage) ?? 9)
      }
      for record in records {
        rows.append(
          (films.isEmpty ? [] : [name.isEmpty ? "the set" : name]) + [
            record.stage,
            record.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
              separator: " "),
            record.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
              separator: ", "),
            (record.warnings + record.skipped).joined(separator: "; "),
          ])
      }
    }
    guard !rows.isEmpty else {
      return "<h2>Stages</h2>"
        + HTML.missing("No manifest.json: no stage has finished in this dataset.")
    }
    return "<h2>Stages</h2>"
      + HTML.table(
        (films.isEmpty ? [] : ["film"]) + ["stage", "parameters", "counts", "warnings"], rows)
  }

  private func timeline(_ layout: DatasetLayout, title: String) throws -> String {
    var html = "<h2>Frames on the timeline of \(HTML.escape(title))</h2>"
    guard let frames = try? JSONLines.read(FrameRecord.self, from: layout.frameRecords) else {
      return html + HTML.missing("No frames.jsonl: the extract stage has not run.")
    }
    let dropped =
      (try? JSONLines.read(
        DroppedFrame.self, from: layout.droppedFrames)) ?? []
    var series = [SVGChart.Series(name: "kept", points: frames.map { ($0.time, 0) })]
    for reason in Set(dropped.map(\.reason)).sorted() {
      series.append(
        .init(
          name: "dropped: \(reason)",
          points: dropped.filter { $0.reason == reason }.map { ($0.time, 0) }))
    }
    html += SVGChart(height: 60 + 22 * Double(series.count)).dots(series, xLabel: "seconds")
    let shots = Dictionary(grouping: frames) { "\($0.source)#\($0.shot)" }
    let perShot = shots.keys.sorted {
      (shots[$0]?.first?.time ?? 0) < (shots[$1]?.first?.time ?? 0)
    }
    .map { key -> Double in
      let times = shots[key]?.map(\.time) ?? []
      return (times.max() ?? 0) - (times.min() ?? 0)
    }
    html +=
      "<h2>Shots</h2><p>\(shots.count) shots with kept frames; the span of each shot's kept frames, in seconds:</p>"
    html += SVGChart().bars(perShot, xLabel: "shot")
    return html
  }

  /// A sample of the tiles (each with the folder that holds it) beside their twins.
  private func contactSheet(_ tiles: [(unit: URL, tile: TileRecord)]) throws -> String {
    var html = "<h2>Tiles and their edge-smoothed twins</h2>"
    guard !tiles.isEmpty else {
      return html + HTML.missing("No tiles.jsonl: the tile stage has not run.")
    }
    var generator = SeededGenerator(seed: 0)
    let chosen = Array(tiles.shuffled(using: &generator).prefix(sheetSize))
    let hasSmooth = chosen.allSatisfy {
      FileManager.default.fileExists(atPath: DatasetLayout($0.unit).smooth.path)
    }
    if !hasSmooth {
      html += HTML.missing("No smooth/: the smooth stage has not run; tiles alone are shown.")
    }
    var pairs: [PixelBuffer] = []
    html += "<div class=\"sheet\">"
    for (unit, tile) in chosen {
      let name = (tile.file as NSString).lastPathComponent
      let layout = DatasetLayout(unit)
      var figure = "<figure><div class=\"pair\">"
      for (kind, source) in [("tile", layout.tiles), ("smooth", layout.smooth)]
      where kind == "tile" || hasSmooth {
        let thumb = try thumbnail(of: source.appendingPathComponent(name), as: "\(kind)-\(name)")
        figure +=
          "<img src=\"thumbs/\(HTML.escape(thumb.lastPathComponent))\" alt=\"\(kind) \(HTML.escape(name))\">"
        if let pixels = try? Image.read(thumb).bgr8().pixels() { pairs.append(pixels) }
      }
      html += figure + "</div><figcaption>\(HTML.escape(name))</figcaption></figure>"
    }
    html += "</div><p>Also as <a href=\"contact-sheet.png\">contact-sheet.png</a>.</p>"
    try writeSheet(pairs, columns: hasSmooth ? 8 : 6)
    return html
  }

  /// A 128-pixel thumbnail in `report/thumbs/`, made once and reused while the source is
  /// not newer.
  private func thumbnail(of source: URL, as name: String) throws -> URL {
    let target = folder.appendingPathComponent("thumbs").appendingPathComponent(name)
    let modified = { (url: URL) in
      (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
        ?? nil
    }
    if let made = modified(target), let original = modified(source), made >= original {
      return target
    }
    let side = Self.thumbnailSide
    try Image.read(source).bgr8().resized(width: side, height: side).write(to: target)
    return target
  }

  private func writeSheet(_ pictures: [PixelBuffer], columns: Int) throws {
    guard !pictures.isEmpty else { return }
    let side = Self.thumbnailSide
    let gap = 4
    let rows = (pictures.count + columns - 1) / columns
    var sheet = PixelBuffer(
      width: columns * (side + gap) + gap, height: rows * (side + gap) + gap,
      filledWith: [255, 255, 255])
    for (index, picture) in pictures.enumerated()
    where picture.width == side && picture.height == side {
      sheet.paste(
        picture, x: gap + (index % columns) * (side + gap),
        y: gap + (index / columns) * (side + gap))
    }
    try Image(sheet).write(to: folder.appendingPathComponent("contact-sheet.png"))
  }

  private func split(_ tiles: [TileRecord]) throws -> String {
    let layout = DatasetLayout(dataset)
    var html = "<h2>Train and val, per shot</h2>"
    let read = { (name: String) in
      (try? String(contentsOf: layout.splits.appendingPathComponent(name), encoding: .utf8))
        .map { Set($0.split(separator: "\n").map(String.init)) }
    }
    guard let val = read("val.txt"), let train = read("train.txt"), !tiles.isEmpty
    else { return html + HTML.missing("No splits/: the split stage has not run.") }
    let groups = Dictionary(grouping: tiles) { $0.group }
    let keys = groups.keys.sorted()
    let counts = keys.map { Double(groups[$0]?.count ?? 0) }
    let colours = keys.map { key in
      val.contains(((groups[key]?.first?.file ?? "") as NSString).lastPathComponent)
        ? SVGChart.palette[3] : SVGChart.palette[0]
    }
    let share =
      train.count + val.count > 0 ? 100 * Double(val.count) / Double(train.count + val.count) : 0
    html +=
      "<p>\(train.count) train tiles, \(val.count) val tiles (\(String(format: "%.1f", share))% val); tiles per shot, blue train, orange val:</p>"
    html += SVGChart().bars(counts, colours: colours, xLabel: "shot")
    return html
  }
}
