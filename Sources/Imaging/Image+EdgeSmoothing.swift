internal import CImageBridge

/// The CartoonGAN edge-promoting parameters (Chen et al. 2018), with the paper's defaults.
package struct EdgeSmoothing: Sendable, Equatable {
  package var cannyLow = 100.0
  package var cannyHigh = 200.0
  package var dilation = 5
  package var gaussian = 5

  package init() {}
}

extension Image {
  /// The edge-smoothed copy: Canny on the grey image, the edge map dilated, and each pixel
  /// under it replaced by the Gaussian-weighted average of its neighbourhood.
  package func edgeSmoothed(_ parameters: EdgeSmoothing) throws -> Image {
    try withUnsafeHandle { handle in
      try derived("edge smoothing") {
        cvb_image_edge_smooth(
          handle, parameters.cannyLow, parameters.cannyHigh, Int32(parameters.dilation),
          Int32(parameters.gaussian), $0)
      }
    }
  }
}

extension Image {
  /// The pixels `edgeSmoothed` replaces: the dilated Canny edges, white on black.
  package func edgeMask(_ parameters: EdgeSmoothing) throws -> Image {
    try withUnsafeHandle { handle in
      try derived("edge mask") {
        cvb_image_edge_mask(
          handle, parameters.cannyLow, parameters.cannyHigh, Int32(parameters.dilation), $0)
      }
    }
  }
}
