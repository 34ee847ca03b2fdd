// The CartoonGAN generator over a whole picture through oneDNN's primitives: activations stay
// in oneDNN's blocked layout (16 channels a block) from layer to layer instead of being
// converted at every call, the stride-1 3x3 convolutions (2.6 of the network's 3.4 TFLOP at
// 1080p are at a quarter size) run as Winograd F(4x4, 3x3) where oneDNN has it for this
// processor, and each norm and ReLU is applied as the next layer's padded input is written.
// Every convolution runs over bands of output rows, its padded input and workspace a band
// at a time, and a layer whose output has its input's shape writes it over its input: two
// activations alive at most, as in the banded pass. The exit layer (3 output channels,
// which oneDNN would pad to 16) is a matrix product per band and a sum of its taps. Float32.
#pragma once
#include "BandedGenerator.hpp"

#include <memory>

namespace blocked {

struct Plan;

class Generator {
public:
  explicit Generator(const banded::GeneratorLayers &layers);
  ~Generator();

  /* Whether oneDNN runs this network here with its own kernels (not its slow reference
   * code), so that this pass beats the banded one on this processor. */
  static bool available();

  /* The network on one picture: `input` and `output` are 3 x H x W planar float32, H and W
   * multiples of 4. */
  void forward(const float *input, float *output, int64_t height, int64_t width);

  /* About the most memory forward() holds for an H x W picture. */
  static int64_t peakBytes(int64_t height, int64_t width);

  /* What it keeps between pictures: peakBytes() of the last size, or 0 before the first. */
  int64_t heldBytes() const;

private:
  banded::GeneratorLayers layers;
  std::unique_ptr<Plan> plan; /* primitives for the last picture size */
};

} // namespace blocked
