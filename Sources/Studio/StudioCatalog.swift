import CelCore
import Foundation

/// The datasets, training runs and styles found under the studio's folders.
package struct StudioCatalog: Codable, Sendable, Equatable {
  package struct Item: Codable, Sendable, Equatable {
    /// The name the server knows it by (see `StudioFolders`).
    package var id: String
    /// The folder's or file's own name, for people.
    package var name: String
  }

  package var datasets: [Item] = []
  package var runs: [Item] = []
  /// Published styles (`.npy` folders, `.safetensors` files); runs are styles too.
  package var styles: [Item] = []

  /// How deep under each folder the search goes.
  static let depth = 5

  package init(scanning folders: StudioFolders) {
    for root in folders.roots {
      scan(root.url, depth: Self.depth, folders: folders)
    }
    for list in [\Self.datasets, \Self.runs, \Self.styles] {
      self[keyPath: list].sort { $0.id < $1.id }
    }
  }

  private mutating func scan(_ folder: URL, depth: Int, folders: StudioFolders) {
    guard depth >= 0, let id = folders.name(of: folder), (try? folders.resolve(id)) != nil else {
      return
    }
    let item = Item(id: id, name: folder.lastPathComponent)
    func has(_ name: String) -> Bool {
      FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
    }
    // A dataset, a run or a style is one thing: its inner folders are its own.
    if has(FilmSet.fileName) || (has(DatasetManifest.fileName) && has("tiles")) {
      datasets.append(item)
      return
    }
    if has("run.json") {
      runs.append(item)
      return
    }
    if has("conv01_1.weight.npy") {
      styles.append(item)
      return
    }
    let entries =
      (try? FileManager.default.contentsOfDirectory(
        at: folder, includingPropertiesForKeys: [.isDirectoryKey])) ?? []
    for entry in entries.sorted(by: { $0.path < $1.path })
    where !entry.lastPathComponent.hasPrefix(".") && entry.path != folders.workFolder.path {
      if entry.pathExtension == "safetensors", let id = folders.name(of: entry),
        (try? folders.resolve(id)) != nil
      {
        styles.append(Item(id: id, name: entry.deletingPathExtension().lastPathComponent))
      } else if FileIO.isFolder(entry.path) == true {
        scan(entry, depth: depth - 1, folders: folders)
      }
    }
  }
}
