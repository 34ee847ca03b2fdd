import Foundation

/// Problems with the user's files and requests, each naming the file and what is wrong.
package enum CelError: Error, CustomStringConvertible, Equatable {
  case missing(String)
  case isDirectory(String)
  case notDirectory(String)
  case unreadable(String, reason: String)
  case cannotWrite(String, reason: String)
  case invalidInput(String, reason: String)
  case invalidRequest(String)
  /// The user stopped the work (Ctrl-C); says what was kept and how to go on.
  case interrupted(String)
  /// This build of a library cannot do what was asked (an encoder it lacks, say).
  case unsupported(String)
  /// Work on the file failed for a reason of a library's or the system's, kept as it came.
  case failed(String, cause: any Error)

  package var description: String {
    switch self {
    case .missing(let path): "\(path): no such file or folder"
    case .isDirectory(let path): "\(path): is a folder, expected a file"
    case .notDirectory(let path): "\(path): is not a folder"
    case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
    case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
    case .invalidInput(let path, let reason): "\(path): \(reason)"
    case .invalidRequest(let reason): reason
    case .interrupted(let detail): "interrupted: \(detail)"
    case .unsupported(let reason): reason
    case .failed(let path, let cause): "\(path): \(cause)"
    }
  }

  /// Errors are equal when they say the same; a kept cause is compared by its text.
  package static func == (lhs: CelError, rhs: CelError) -> Bool {
    lhs.description == rhs.description
  }

  /// Checks that `path` names an existing regular file.
  package static func requireFile(_ path: String) throws {
    guard let isFolder = FileIO.isFolder(path) else { throw CelError.missing(path) }
    if isFolder { throw CelError.isDirectory(path) }
  }

  /// Checks that `path` names an existing folder.
  package static func requireDirectory(_ path: String) throws {
    guard let isFolder = FileIO.isFolder(path) else { throw CelError.missing(path) }
    if !isFolder { throw CelError.notDirectory(path) }
  }
}
