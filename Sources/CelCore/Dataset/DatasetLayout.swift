import Foundation

/// Where each stage's outputs live inside a dataset folder.
package struct DatasetLayout: Sendable {
  package let root: URL

  package init(_ root: URL) { self.root = root }

  package var frames: URL { root.appendingPathComponent("frames") }
  package var frameRecords: URL { root.appendingPathComponent("frames.jsonl") }
  package var droppedFrames: URL { root.appendingPathComponent(DroppedFrame.fileName) }
  package var tiles: URL { root.appendingPathComponent("tiles") }
  package var tileRecords: URL { root.appendingPathComponent("tiles.jsonl") }
  package var smooth: URL { root.appendingPathComponent("smooth") }
  package var splits: URL { root.appendingPathComponent("splits") }
  package var train: URL { root.appendingPathComponent("train") }
  package var val: URL { root.appendingPathComponent("val") }

  /// Image file extensions the image stages read.
  package static let imageExtensions: Set<String> = [
    "png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff", "ppm", "pgm",
  ]
}
