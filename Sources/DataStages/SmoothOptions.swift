import ArgumentParser
import Imaging

/// The options of the smooth stage: the CartoonGAN edge-promoting recipe's parameters,
/// with the paper's defaults.
package struct SmoothOptions: ParsableArguments, Sendable {
  @Option(help: "Canny hysteresis thresholds, LOW,HIGH.")
  package var canny = "100,200"

  @Option(help: "Side of the square kernel that dilates the edge map.")
  package var dilation = 5

  @Option(help: "Side of the Gaussian kernel (odd); sigma follows from it as in OpenCV.")
  package var gaussian = 5

  package init() {}

  package var smoothing: EdgeSmoothing {
    var smoothing = EdgeSmoothing()
    let thresholds = canny.split(separator: ",").compactMap { Double($0) }
    smoothing.cannyLow = thresholds.first ?? 100
    smoothing.cannyHigh = thresholds.last ?? 200
    smoothing.dilation = dilation
    smoothing.gaussian = gaussian
    return smoothing
  }

  package mutating func validate() throws {
    let thresholds = canny.split(separator: ",").compactMap { Double($0) }
    guard thresholds.count == 2, thresholds[0] >= 0, thresholds[0] <= thresholds[1] else {
      throw ValidationError("--canny must be LOW,HIGH with 0 <= LOW <= HIGH, such as 100,200")
    }
    guard dilation >= 1 else { throw ValidationError("--dilation must be at least 1") }
    guard gaussian >= 1, gaussian % 2 == 1 else {
      throw ValidationError("--gaussian must be an odd number such as 5")
    }
  }

  package var parameters: [String: String] {
    let smoothing = self.smoothing
    return [
      "canny": "\(smoothing.cannyLow),\(smoothing.cannyHigh)", "dilation": "\(dilation)",
      "gaussian": "\(gaussian)",
    ]
  }
}
