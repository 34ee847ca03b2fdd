import Foundation

/// A folder of outputs built beside its final place and swapped in whole when complete.
///
/// Outputs go to `.NAME.partial/`, each file renamed into it only when written whole. The
/// folder remembers the parameters it is being built for, so an interrupted run with the
/// same parameters keeps what it finished, and a run with other parameters starts clean.
/// `commit()` exchanges the folder with `NAME/` in one `renameat2(RENAME_EXCHANGE)`, so a
/// reader sees either the old set or the new one, never a mix.
package struct StagingDirectory: Sendable {
  package let finalURL: URL
  package let url: URL
  /// File names already finished by an earlier, interrupted run with the same key.
  package let finishedNames: Set<String>

  private static let keyFile = ".key"

  /// Prepares the staging folder for outputs identified by `key`.
  package init(for finalURL: URL, key: String) throws {
    self.finalURL = finalURL
    url = finalURL.deletingLastPathComponent()
      .appendingPathComponent(".\(finalURL.lastPathComponent).partial")
    let keyURL = url.appendingPathComponent(Self.keyFile)
    let previousKey = (try? String(contentsOf: keyURL, encoding: .utf8)) ?? ""
    if previousKey == key {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      finishedNames = Set(names.filter { !$0.hasPrefix(".") })
      for name in names where name.hasPrefix(".") && name != Self.keyFile {
        try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
      }
    } else {
      try? FileManager.default.removeItem(at: url)
      try FileIO.createDirectory(url)
      try FileIO.writeAtomically(Data(key.utf8), to: keyURL)
      finishedNames = []
    }
  }

  /// Swaps the staged folder into its final place and removes the previous contents.
  package func commit() throws {
    try? FileManager.default.removeItem(at: url.appendingPathComponent(Self.keyFile))
    if FileManager.default.fileExists(atPath: finalURL.path) {
      try Self.exchange(url, finalURL)
      try? FileManager.default.removeItem(at: url)
    } else {
      try FileIO.replace(finalURL, with: url)
    }
  }

  /// Swaps two paths atomically with Linux's `renameat2(RENAME_EXCHANGE)`, looked up at run
  /// time because Swift's Glibc module does not import it. Where it is missing (old libc,
  /// or a file system without it), two renames leave a moment with no folder, but never a
  /// mixed one.
  private static func exchange(_ a: URL, _ b: URL) throws {
    typealias RenameAt2 =
      @convention(c) (
        Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32
      ) -> Int32
    let renameExchange: UInt32 = 2
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") {
      let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
      if renameat2(AT_FDCWD, a.path, AT_FDCWD, b.path, renameExchange) == 0 { return }
    }
    let aside = b.deletingLastPathComponent().appendingPathComponent(".\(b.lastPathComponent).old")
    try? FileManager.default.removeItem(at: aside)
    try FileIO.replace(aside, with: b)
    try FileIO.replace(b, with: a)
    try FileIO.replace(a, with: aside)
  }
}
