import CelCore
import Testing

@Suite struct PixelBufferTests {
  let picture = PixelBuffer(width: 3, height: 2, channels: 1, bytes: [1, 2, 3, 4, 5, 6])

  @Test func mirroringReversesEachRow() {
    #expect(picture.mirrored().bytes == [3, 2, 1, 6, 5, 4])
    #expect(picture.mirrored().mirrored() == picture)
  }

  @Test func pastingCopiesRowsToTheirPlace() {
    var canvas = PixelBuffer(width: 5, height: 4, filledWith: [0])
    canvas.paste(picture, x: 2, y: 1)
    #expect(canvas.bytes == [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0])
  }

  @Test func croppingAndRotatingKeepThePixels() {
    #expect(picture.cropped(to: PixelRect(x: 1, y: 0, width: 2, height: 2)).bytes == [2, 3, 5, 6])
    #expect(picture.rotated(quarterTurns: 1).bytes == [4, 1, 5, 2, 6, 3])
  }
}
