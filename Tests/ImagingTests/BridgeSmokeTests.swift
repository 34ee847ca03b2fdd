import CImageBridge
import CelCore
import Foundation
import Imaging
import TestSupport
import Testing

/// The C API of the OpenCV bridge, called directly: ownership and the error channel.
@Suite struct BridgeSmokeTests {
  @Test func createAndFreeManyImages() {
    let pixels = [UInt8](repeating: 7, count: 32 * 16 * 3)
    for _ in 0..<200 {
      var image: OpaquePointer?
      #expect(cvb_image_from_pixels(pixels, 32, 16, 3, 96, &image) == CVB_OK)
      var width: Int32 = 0
      var height: Int32 = 0
      var channels: Int32 = 0
      var depth: Int32 = 0
      cvb_image_info(image, &width, &height, &channels, &depth)
      #expect(width == 32 && height == 16 && channels == 3 && depth == 8)
      cvb_image_free(image)
    }
    cvb_image_free(nil)
  }

  @Test func failuresLeaveAMessage() {
    var image: OpaquePointer?
    #expect(cvb_image_read("/nonexistent/x.png", &image) == CVB_ERR_IO)
    #expect(String(cString: cvb_last_error()) == "not an image OpenCV can decode")
    #expect(image == nil)

    let pixels = [UInt8](repeating: 0, count: 8 * 8 * 3)
    #expect(cvb_image_from_pixels(pixels, 8, 8, 3, 24, &image) == CVB_OK)
    var cropped: OpaquePointer?
    #expect(cvb_image_crop(image, 4, 4, 8, 8, &cropped) == CVB_ERR_ARGUMENT)
    #expect(String(cString: cvb_last_error()) == "crop rectangle outside the image")
    var smoothed: OpaquePointer?
    #expect(cvb_image_edge_smooth(image, 100, 200, 5, 4, &smoothed) == CVB_ERR_ARGUMENT)
    cvb_image_free(image)
  }

  @Test func theSwiftOwnerReportsBridgeErrorsByFile() throws {
    let folder = try makeTemporaryDirectory()
    let url = folder.appendingPathComponent("junk.png")
    try Data("junk".utf8).write(to: url)
    let error = #expect(throws: ImagingError.self) { try Image.read(url) }
    #expect(error?.code == .io)
    #expect(error?.description == "read junk.png: not an image OpenCV can decode")
  }

  @Test func writesNeverLeaveAPartialFileUnderTheFinalName() throws {
    let folder = try makeTemporaryDirectory()
    let image = try Image(SyntheticFilm.draw(.scene(1), width: 64, height: 64))
    #expect(throws: ImagingError.self) {
      try image.write(to: folder.appendingPathComponent("x.unknownformat"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    try image.write(to: folder.appendingPathComponent("x.png"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.png"])
    #expect(try Image.read(folder.appendingPathComponent("x.png")).pixels() == image.pixels())
  }

  @Test func perceptualHashSeesSamenessNotPixels() throws {
    let scene = SyntheticFilm.draw(.scene(2), width: 160, height: 90)
    var brighter = scene
    brighter.bytes = brighter.bytes.map { UInt8(min(255, Int($0) + 12)) }
    let other = SyntheticFilm.draw(.scene(9), width: 160, height: 90)
    let hash = try Image(scene).perceptualHash()
    #expect(hash.distance(to: try Image(brighter).perceptualHash()) <= 4)
    #expect(hash.distance(to: try Image(other).perceptualHash()) > 12)
  }

  @Test func pixelsWhoseBytesNoLongerMatchTheirSizeAreRefused() {
    var pixels = PixelBuffer(width: 8, height: 4, filledWith: [1, 2, 3])
    pixels.bytes.append(0)
    let error = #expect(throws: ImagingError.self) { try Image(pixels) }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message == "97 bytes for 8x4 pixels of 3 channels")
  }
}
