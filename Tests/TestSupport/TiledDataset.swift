import DataStages
import Foundation
import Imaging

/// A dataset with tiles cut from synthetic photos, as `cel-tile` leaves it: `groups` photos,
/// each its own group, named by `prefix`, two random 128-pixel tiles from each.
package func makeTiledDataset(groups: Int, prefix: String = "p", into dataset: URL? = nil)
  async throws -> URL
{
  let folder = try makeTemporaryDirectory()
  for index in 0..<groups {
    let pixels = SyntheticFilm.draw(.scene(index + 1), width: 300, height: 300)
    try Image(pixels).write(to: folder.appendingPathComponent("\(prefix)\(index).png"))
  }
  let target = try dataset ?? makeTemporaryDirectory()
  var options = try TileOptions.parse([
    "--strategy", "random", "--count", "2", "--size", "128", "--min-edges", "0",
  ])
  options.minDeviation = 0
  var stage = TileStage(dataset: target, input: folder, options: options)
  stage.isQuiet = true
  _ = try await stage.run()
  return target
}
