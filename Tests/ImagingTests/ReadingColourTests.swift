import CelCore
import Foundation
import Imaging
import TestSupport
import Testing

/// Every stage reads its images through `Image.readColour`: its errors say what went wrong.
@Suite struct ReadingColourTests {
  @Test func aPhotoReadsAsEightBitBGR() throws {
    let image = try Image.readColour(OpenCVSamples.folder.appendingPathComponent("baboon.jpg"))
    #expect(image.channels == 3 && image.depth == 8)
  }

  @Test func eachFailureSaysWhichItWas() throws {
    let folder = try makeTemporaryDirectory()
    let missing = folder.appendingPathComponent("missing.png")
    let junk = folder.appendingPathComponent("junk.png")
    try Data("not a picture".utf8).write(to: junk)
    let cases: [(URL, String)] = [
      (missing, "\(missing.path): no such file or folder"),
      (folder, "\(folder.path): is a folder, expected a file"),
      (junk, "\(junk.path): not an image OpenCV can decode"),
    ]
    for (url, expected) in cases {
      let error = #expect(throws: CelError.self) { try Image.readColour(url) }
      #expect(error?.description == expected)
    }
  }

  /// A failure of another kind keeps its cause rather than becoming "cannot decode".
  @Test func anotherFailureKeepsItsCause() {
    struct Cause: Error, CustomStringConvertible { var description: String { "out of memory" } }
    let error = CelError.failed("/photos/a.png", cause: Cause())
    #expect(error.description == "/photos/a.png: out of memory")
    #expect(error == CelError.failed("/photos/a.png", cause: Cause()))
  }
}
