// The CartoonGAN generator over the whole picture at once, layer by layer with libtorch's
// own operators, on whatever device its tensors are on: the fast path on a GPU, where
// memory is plentiful and a band's bookkeeping would only cost time.
#pragma once
#include "BandedGenerator.hpp"

namespace whole {

/* `layers` with every tensor copied to `device`. */
banded::GeneratorLayers on(const banded::GeneratorLayers &layers, const at::Device &device);

/* The generator on a 1 x 3 x H x W float32 picture (H and W multiples of 4) on the
 * layers' device; returns the same shape there. */
at::Tensor forward(const banded::GeneratorLayers &layers, const at::Tensor &input);

/* About the most device memory forward() holds for an H x W picture, weights included. */
int64_t peakBytes(int64_t height, int64_t width);

} // namespace whole
