import Foundation

/// The films a command was given: files, folders of films, and list files, resolved to
/// one list of video files in the order given.
package struct FilmInputs: Sendable, Equatable {
  package var files: [URL] = []
  /// Files in the folders given that are not videos, passed over.
  package var ignored = 0
  /// The files' real paths, symbolic links resolved: a file named twice is found here.
  private var realPaths: Set<String> = []

  package init() {}

  /// Resolves `inputs` (a video file, or a folder whose video files are taken sorted by
  /// name) and `lists` (text files naming one film per line; `#` starts a comment; a
  /// relative path is read from the list's folder). A path that does not exist, a folder
  /// with no video, or the same file named twice is an error naming it.
  package static func resolve(inputs: [String], lists: [String]) throws -> FilmInputs {
    var resolved = FilmInputs()
    for input in inputs {
      let url = URL(fileURLWithPath: input)
      guard let isFolder = FileIO.isFolder(url.path) else { throw CelError.missing(input) }
      if isFolder {
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
          .filter { !$0.hasPrefix(".") }
        let videos = try FileIO.files(in: url, extensions: FilmSet.videoExtensions)
          .filter { FileIO.isFolder($0.path) == false }
        guard !videos.isEmpty else {
          throw CelError.invalidInput(
            input,
            reason: "holds no video files (\(names.count) other entries; looked for "
              + FilmSet.videoExtensions.sorted().joined(separator: ", ") + ")")
        }
        resolved.ignored += names.count - videos.count
        try resolved.append(videos, from: input)
      } else {
        try resolved.append([url], from: input)
      }
    }
    for list in lists {
      try CelError.requireFile(list)
      guard let text = try? String(contentsOfFile: list, encoding: .utf8) else {
        throw CelError.unreadable(list, reason: "not UTF-8 text")
      }
      let base = URL(fileURLWithPath: list).deletingLastPathComponent()
      for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false)
        .enumerated()
      {
        let line =
          raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
          .first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !line.isEmpty else { continue }
        let url =
          line.hasPrefix("/") ? URL(fileURLWithPath: line) : base.appendingPathComponent(line)
        guard FileIO.isFolder(url.path) == false else {
          throw CelError.invalidInput(
            "\(list):\(number + 1)", reason: "\(line): no such film (a video file is expected)")
        }
        try resolved.append([url], from: "\(list):\(number + 1)")
      }
    }
    return resolved
  }

  private mutating func append(_ urls: [URL], from origin: String) throws {
    for url in urls {
      guard realPaths.insert(url.standardizedFileURL.resolvingSymlinksInPath().path).inserted
      else {
        throw CelError.invalidRequest("\(url.path): given twice (again in \(origin))")
      }
      files.append(url.standardizedFileURL)
    }
  }
}
