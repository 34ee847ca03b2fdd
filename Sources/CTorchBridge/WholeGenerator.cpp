#include "WholeGenerator.hpp"

namespace {

using banded::Convolution;
using banded::Normalisation;

at::Tensor convolve(const at::Tensor &x, const Convolution &c) {
  int64_t pad = c.weight.size(2) / 2;
  return at::conv2d(at::reflection_pad2d(x, {pad, pad, pad, pad}), c.weight, c.bias, c.stride);
}

/* Stride 2, padding 1, output padding 1: the picture's size doubles. */
at::Tensor upsample(const at::Tensor &x, const Convolution &c) {
  return at::conv_transpose2d(x, c.weight, c.bias, 2, 1, 1);
}

at::Tensor normalise(const at::Tensor &x, const Normalisation &n) {
  switch (n.kind) {
  case Normalisation::published: {
    at::Tensor mean = x.mean({2, 3}, true);
    at::Tensor deviation = x.var({2, 3}, false, true).sqrt_();
    return (x - mean)
        .div_(deviation.add_(1e-9))
        .mul_(n.scale.view({1, -1, 1, 1}))
        .add_(n.shift.view({1, -1, 1, 1}));
  }
  case Normalisation::instance:
    return at::instance_norm(x, n.scale, n.shift, {}, {}, true, 0.1, 1e-5, false);
  case Normalisation::batch:
    return at::batch_norm(x, n.scale, n.shift, n.runningMean, n.runningVariance, false, 0.1, 1e-5,
                          false);
  }
  return x;
}

/* ReLU in place on a fresh activation: no second full-size copy. */
at::Tensor rectified(at::Tensor x) { return x.relu_(); }

Convolution moved(const Convolution &c, const at::Device &device) {
  return {c.weight.to(device), c.bias.to(device), c.stride};
}

Normalisation moved(const Normalisation &n, const at::Device &device) {
  Normalisation result = n;
  for (at::Tensor *tensor :
       {&result.scale, &result.shift, &result.runningMean, &result.runningVariance})
    if (tensor->defined()) *tensor = tensor->to(device);
  return result;
}

} // namespace

namespace whole {

banded::GeneratorLayers on(const banded::GeneratorLayers &layers, const at::Device &device) {
  banded::GeneratorLayers result = layers;
  for (Convolution *c :
       {&result.entry, &result.down1, &result.down1Flat, &result.down2, &result.down2Flat,
        &result.up1, &result.up1Flat, &result.up2, &result.up2Flat, &result.exit})
    *c = moved(*c, device);
  for (Normalisation *n :
       {&result.entryNorm, &result.down1Norm, &result.down2Norm, &result.up1Norm, &result.up2Norm})
    *n = moved(*n, device);
  for (auto &residual : result.blocks) {
    residual.first = moved(residual.first, device);
    residual.second = moved(residual.second, device);
    residual.firstNorm = moved(residual.firstNorm, device);
    residual.secondNorm = moved(residual.secondNorm, device);
  }
  return result;
}

at::Tensor forward(const banded::GeneratorLayers &l, const at::Tensor &input) {
  at::Tensor x = rectified(normalise(convolve(input, l.entry), l.entryNorm));
  x = rectified(normalise(convolve(convolve(x, l.down1), l.down1Flat), l.down1Norm));
  x = rectified(normalise(convolve(convolve(x, l.down2), l.down2Flat), l.down2Norm));
  for (const auto &residual : l.blocks) {
    at::Tensor y = rectified(normalise(convolve(x, residual.first), residual.firstNorm));
    x = normalise(convolve(y, residual.second), residual.secondNorm).add_(x);
  }
  x = rectified(normalise(convolve(upsample(x, l.up1), l.up1Flat), l.up1Norm));
  x = rectified(normalise(convolve(upsample(x, l.up2), l.up2Flat), l.up2Norm));
  return convolve(x, l.exit).tanh_();
}

int64_t peakBytes(int64_t height, int64_t width) {
  // At full size: the padded 64-channel input of a 3x3 or 7x7 convolution, its output and
  // the norm's, 4 bytes each (about 1 kB a pixel); weights, 45 MB; and room for the
  // convolution's workspace.
  return height * width * 1536 + (int64_t(64) << 20);
}

} // namespace whole
