import CelCore
import Foundation
import Hummingbird

/// Uploaded files: streamed to `studio/uploads/` under a temporary name, never held whole
/// in memory, refused past the size limit, and renamed into place once complete.
package struct Uploads: Sendable {
  package static let photoExtensions = DatasetLayout.imageExtensions
  package static let videoExtensions: Set<String> = ["mp4", "mkv", "avi", "mov", "webm", "m4v"]

  package var folder: URL
  package var limit: Int

  /// The upload's kind, by its name; anything else is refused before a byte is written.
  package static func check(fileName: String) throws -> String {
    let name = (fileName as NSString).lastPathComponent
    let pathExtension = (name as NSString).pathExtension.lowercased()
    guard photoExtensions.contains(pathExtension) || videoExtensions.contains(pathExtension) else {
      throw StudioError.unsupported(
        "\(name): not a picture or a video (\(photoExtensions.sorted().joined(separator: ", ")), "
          + "\(videoExtensions.sorted().joined(separator: ", ")))")
    }
    return pathExtension
  }

  /// Writes `body` to a new file named after `fileName`; throws `.tooLarge` (and leaves
  /// nothing) once it passes `limit` bytes.
  package func receive(_ body: RequestBody, fileName: String, prefix: String) async throws -> URL {
    let pathExtension = try Self.check(fileName: fileName)
    try FileIO.createDirectory(folder)
    let stem = (((fileName as NSString).lastPathComponent) as NSString).deletingPathExtension
      .filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }.prefix(64)
    let target = folder.appendingPathComponent(
      "\(prefix)-\(stem.isEmpty ? "upload" : String(stem)).\(pathExtension)")
    let temporary = FileIO.temporaryURL(for: target)
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary.path)
    else { throw CelError.cannotWrite(temporary.path, reason: "cannot create the upload") }
    do {
      var written = 0
      for try await buffer in body {
        written += buffer.readableBytes
        guard written <= limit else {
          throw StudioError.tooLarge(
            "\(fileName): larger than the upload limit of \(ByteCount(bytes: limit))")
        }
        try handle.write(contentsOf: Data(buffer.readableBytesView))
      }
      try handle.close()
      guard written > 0 else { throw StudioError.badRequest("\(fileName): the upload is empty") }
      try FileIO.replace(target, with: temporary)
      return target
    } catch {
      try? handle.close()
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }
}
