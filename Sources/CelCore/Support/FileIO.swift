import Foundation
import Glibc

/// File-system steps shared by every stage: atomic writes and listings that ignore the
/// temporary files of unfinished work.
package enum FileIO {
  /// Writes `data` under a temporary name beside `url` and renames it into place, so a
  /// reader sees either the old file or the whole new one. A file that already holds
  /// exactly `data` is left alone: tools that watch modification times (make, rsync,
  /// backups, a job reading the set) see no change where there was none.
  package static func writeAtomically(_ data: Data, to url: URL) throws {
    if fileSize(url) == data.count, (try? Data(contentsOf: url)) == data { return }
    let temporary = temporaryURL(for: url)
    do {
      try data.write(to: temporary)
      try replace(url, with: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw CelError.cannotWrite(url.path, reason: error.localizedDescription)
    }
  }

  /// A hidden sibling name for work in progress; it keeps the extension so encoders that
  /// choose the format by extension still work.
  package static func temporaryURL(for url: URL) -> URL {
    let token = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    return url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.deletingPathExtension().lastPathComponent).\(token).tmp")
      .appendingPathExtension(url.pathExtension)
  }

  /// Moves `temporary` onto `url`, replacing whatever was there, in one rename(2).
  package static func replace(_ url: URL, with temporary: URL) throws {
    guard rename(temporary.path, url.path) == 0 else {
      throw CelError.cannotWrite(url.path, reason: String(cString: strerror(errno)))
    }
  }

  /// Regular files in `directory` whose extension is one of `extensions` (lowercased),
  /// sorted by name. Hidden files, which are unfinished work, are left out.
  package static func files(in directory: URL, extensions: Set<String>) throws -> [URL] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    } catch {
      throw CelError.unreadable(directory.path, reason: "cannot list the folder")
    }
    return names.sorted()
      .filter {
        !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased())
      }
      .map { directory.appendingPathComponent($0) }
  }

  /// Creates `directory` and its parents, with an error that names the folder.
  package static func createDirectory(_ directory: URL) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw CelError.cannotWrite(directory.path, reason: "cannot create the folder")
    }
  }

  /// Whether `path` is a folder (true) or something else (false); nil when nothing is there.
  package static func isFolder(_ path: String) -> Bool? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return nil
    }
    return isDirectory.boolValue
  }

  /// Size in bytes, or nil when `url` is not a regular file.
  package static func fileSize(_ url: URL) -> Int? {
    var status = stat()
    guard stat(url.path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(status.st_size)
  }

  /// Hard-links `target` to `source` (a view that costs no space), copying where the two
  /// are on different file systems; a link already there is kept.
  package static func link(_ source: URL, to target: URL) throws {
    if Glibc.link(source.path, target.path) == 0 { return }
    switch errno {
    case EEXIST:
      return
    case EXDEV, EPERM:
      do {
        try FileManager.default.copyItem(at: source, to: target)
      } catch {
        throw CelError.cannotWrite(target.path, reason: "cannot copy \(source.path)")
      }
    default:
      throw CelError.cannotWrite(target.path, reason: String(cString: strerror(errno)))
    }
  }
}
