import CelCore
import Foundation

/// The folders the studio was given at start-up, and the only files it reads or writes.
///
/// A file is named to the server as `ROOT/relative/path`, where ROOT is a folder's own name
/// (made unique with `-2`, `-3` when two share one). A name that climbs out of its folder
/// (`..`, an absolute path, a symbolic link pointing elsewhere) is refused, whatever the
/// file system holds.
package struct StudioFolders: Sendable {
  package struct Root: Sendable, Equatable {
    package var name: String
    /// The folder, with its symbolic links resolved.
    package var url: URL
  }

  package let roots: [Root]

  /// Where uploads and results go: `studio/` inside the first folder.
  package var workFolder: URL { roots[0].url.appendingPathComponent("studio") }

  package init(_ folders: [URL]) throws {
    var roots: [Root] = []
    for folder in folders {
      guard FileIO.isFolder(folder.path) == true, let real = Self.realPath(folder.path) else {
        throw CelError.missing(folder.path)
      }
      let base = real.path == "/" ? "root" : real.lastPathComponent
      var name = base
      var suffix = 2
      while roots.contains(where: { $0.name == name }) {
        name = "\(base)-\(suffix)"
        suffix += 1
      }
      roots.append(Root(name: name, url: real))
    }
    guard !roots.isEmpty else { throw CelError.invalidRequest("cel serve needs a folder") }
    self.roots = roots
    // Uploads and results are written here: a link that leads out is refused at start.
    guard (try? resolve(roots[0].name + "/studio/uploads")) != nil else {
      throw CelError.invalidInput(workFolder.path, reason: "leads out of the served folder")
    }
  }

  /// The file a name stands for, once it is known to stay inside its folder. The file
  /// need not exist; the part of its path that does is resolved and checked.
  package func resolve(_ name: String) throws -> URL {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard !name.hasPrefix("/"), let rootName = parts.first,
      let root = roots.first(where: { $0.name == rootName })
    else { throw StudioError.outside(name) }
    let rest = parts.dropFirst()
    guard
      !rest.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." || $0.contains("\0") })
    else { throw StudioError.outside(name) }
    let url = rest.reduce(root.url) { $0.appendingPathComponent($1) }
    // Symbolic links: the deepest existing ancestor, resolved, must lie inside the root.
    // lstat, not stat: a link whose target is missing exists, and is checked itself.
    var existing = url
    var status = stat()
    while lstat(existing.path, &status) != 0, existing != root.url {
      existing = existing.deletingLastPathComponent()
    }
    guard let real = Self.realPath(existing.path), Self.contains(root.url, real) else {
      throw StudioError.outside(name)
    }
    return url
  }

  /// The name a file inside one of the folders goes by, or nil when it lies outside them.
  package func name(of url: URL) -> String? {
    let path = url.standardizedFileURL.path
    for root in roots where Self.contains(root.url, URL(fileURLWithPath: path)) {
      let relative = path.dropFirst(root.url.path.count).split(separator: "/")
      return ([root.name] + relative.map(String.init)).joined(separator: "/")
    }
    return nil
  }

  /// The name of a file inside the folders as a URL path: each part percent-encoded, so
  /// a folder named `set #1` or `50%` links as itself.
  package func link(to url: URL) -> String {
    (name(of: url) ?? "").split(separator: "/").map {
      $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
        ?? String($0)
    }.joined(separator: "/")
  }

  private static func contains(_ root: URL, _ url: URL) -> Bool {
    url.path == root.path || url.path.hasPrefix(root.path == "/" ? "/" : root.path + "/")
  }

  private static func realPath(_ path: String) -> URL? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return URL(fileURLWithPath: String(cString: resolved))
  }
}
