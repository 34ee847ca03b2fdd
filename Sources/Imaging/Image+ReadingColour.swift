import CelCore
import Foundation

extension Image {
  /// Reads an image file as 8-bit BGR, the form every stage works on.
  ///
  /// The error names the file and says which of these it was: missing, a folder, not
  /// readable (with the system's reason), not an image OpenCV can decode, or a failure of
  /// OpenCV's own (out of memory, say), kept as it came.
  package static func readColour(_ url: URL) throws -> Image {
    let path = url.path
    guard let isFolder = FileIO.isFolder(path) else { throw CelError.missing(path) }
    if isFolder { throw CelError.isDirectory(path) }
    guard access(path, R_OK) == 0 else {
      throw CelError.unreadable(path, reason: String(cString: strerror(errno)))
    }
    do {
      return try read(url).bgr8()
    } catch let error as ImagingError where error.code == .io {
      throw CelError.invalidInput(path, reason: "not an image OpenCV can decode")
    } catch {
      throw CelError.failed(path, cause: error)
    }
  }
}
