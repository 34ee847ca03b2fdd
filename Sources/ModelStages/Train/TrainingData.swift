import CelCore
import Foundation
import Imaging

/// The pictures a training run reads: style tiles and their smoothed twins from a style
/// set, photo tiles from a photo set, both laid out by `cel-split` (`train/tiles`,
/// `train/smooth`, `val/tiles`), checked before the first step.
struct TrainingData: Sendable {
  var photos: [URL]
  var styles: [URL]
  var smoothed: [URL]
  /// Fixed photos for the sample grids: the photo set's val side (its train side if empty).
  var samples: [URL]

  struct Item: Sendable {
    var photo: URL
    var style: URL
    var smooth: URL
    var flipsPhoto: Bool
    var flipsStyle: Bool
  }

  init(style: URL, photos photoSet: URL, sampleCount: Int) throws {
    let styleTiles = style.appendingPathComponent("train/tiles")
    let styleSmooth = style.appendingPathComponent("train/smooth")
    guard FileManager.default.fileExists(atPath: styleTiles.path) else {
      throw CelError.invalidInput(
        style.path, reason: "has no train/tiles: run the film pipeline (cel-split) first")
    }
    guard FileManager.default.fileExists(atPath: styleSmooth.path) else {
      throw CelError.invalidInput(
        style.path, reason: "has no smoothed twins (train/smooth): run cel-smooth, then cel-split")
    }
    styles = try FileIO.files(in: styleTiles, extensions: ["png"])
    guard !styles.isEmpty else {
      throw CelError.invalidInput(styleTiles.path, reason: "holds no tiles")
    }
    smoothed = try styles.map { tile in
      let twin = styleSmooth.appendingPathComponent(tile.lastPathComponent)
      guard FileIO.fileSize(twin) != nil else {
        throw CelError.invalidInput(twin.path, reason: "missing: the smoothed twin of \(tile.path)")
      }
      return twin
    }
    let photoTiles = photoSet.appendingPathComponent("train/tiles")
    guard FileManager.default.fileExists(atPath: photoTiles.path) else {
      throw CelError.invalidInput(
        photoSet.path, reason: "has no train/tiles: run the photos pipeline first")
    }
    photos = try FileIO.files(in: photoTiles, extensions: DatasetLayout.imageExtensions)
    guard !photos.isEmpty else {
      throw CelError.invalidInput(photoTiles.path, reason: "holds no photos")
    }
    let val = photoSet.appendingPathComponent("val/tiles")
    let valPhotos = (try? FileIO.files(in: val, extensions: DatasetLayout.imageExtensions)) ?? []
    samples = Array((valPhotos.isEmpty ? photos : valPhotos).prefix(sampleCount))
  }

  /// The batches of one epoch: photos in an order drawn from (seed, epoch), each with a
  /// style tile and its twin from their own shuffled cycle, and random horizontal flips.
  /// Depends on nothing but its arguments, so a resumed run sees the same batches.
  func batches(epoch: Int, size batchSize: Int, seed: UInt64) -> [[Item]] {
    var generator = SeededGenerator(seed: seed, item: "epoch \(epoch)")
    let photoOrder = photos.indices.shuffled(using: &generator)
    let styleOrder = styles.indices.shuffled(using: &generator)
    let count = photos.count / batchSize
    var styleIndex = epoch * count * batchSize
    return (0..<count).map { batch in
      (0..<batchSize).map { slot in
        let photo = photos[photoOrder[batch * batchSize + slot]]
        let style = styleOrder[styleIndex % styles.count]
        styleIndex += 1
        return Item(
          photo: photo, style: styles[style], smooth: smoothed[style],
          flipsPhoto: Bool.random(using: &generator), flipsStyle: Bool.random(using: &generator))
      }
    }
  }

  /// A batch's pictures as planar RGB floats in [-1, 1].
  struct Batch: Sendable {
    var photos: [Float]
    var styles: [Float]
    var smoothed: [Float]
  }

  /// Reads a batch, each picture resized to `size`².
  static func load(_ items: [Item], size: Int) throws -> Batch {
    var photos: [Float] = []
    var styles: [Float] = []
    var smoothed: [Float] = []
    for item in items {
      photos += try planes(item.photo, size: size, flipped: item.flipsPhoto)
      styles += try planes(item.style, size: size, flipped: item.flipsStyle)
      smoothed += try planes(item.smooth, size: size, flipped: item.flipsStyle)
    }
    return Batch(photos: photos, styles: styles, smoothed: smoothed)
  }

  static func planes(_ url: URL, size: Int, flipped: Bool = false) throws -> [Float] {
    var image = try Image.readColour(url)
    if image.width != size || image.height != size {
      image = try image.resized(width: size, height: size)
    }
    let pixels = try image.pixels()
    // BGR pixels in, RGB planes out: the order trained generators use.
    return PlanarImage(flipped ? pixels.mirrored() : pixels, swappingChannels: true).values
  }
}
