// The CartoonGAN generator run over a whole picture one layer at a time, each layer in bands
// of rows, so that memory holds a few activations at a quarter and half resolution and no
// full-resolution copy is made for padding or normalising. Instance norms use the whole
// picture's statistics, so the output is the network's own, at any size.
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace banded {

/* An ordinary convolution (reflection padding, stride 1 or 2), or a transposed one (stride
 * 2, padding 1, output padding 1: zeros beyond the picture). Weights as PyTorch holds them. */
struct Convolution {
  at::Tensor weight, bias;
  int64_t stride = 1;
};

/* A norm layer, which turns per-channel statistics into the affine map it applies. */
struct Normalisation {
  enum Kind {
    published, /* (x - mean) / (std + 1e-9) * scale + shift, the whole picture's statistics */
    instance,  /* PyTorch's affine instance norm: (x - mean) / sqrt(var + 1e-5), same statistics */
    batch      /* PyTorch's batch norm in evaluation mode: its running statistics */
  } kind = published;
  at::Tensor scale, shift;
  at::Tensor runningMean, runningVariance; /* batch norm only */
};

struct ResidualBlock {
  Convolution first, second;
  Normalisation firstNorm, secondNorm;
};

/* 7x7 conv 64; down blocks to 128 and 256 (stride-2 conv, conv, norm, ReLU); residual
 * blocks; up blocks to 128 and 64 (transposed conv, conv, norm, ReLU); 7x7 conv 3; tanh. */
struct GeneratorLayers {
  Convolution entry;
  Normalisation entryNorm;
  Convolution down1, down1Flat;
  Normalisation down1Norm;
  Convolution down2, down2Flat;
  Normalisation down2Norm;
  std::vector<ResidualBlock> blocks;
  Convolution up1, up1Flat;
  Normalisation up1Norm;
  Convolution up2, up2Flat;
  Normalisation up2Norm;
  Convolution exit;
};

/* The generator on one picture: `input` and `output` are 1 x 3 x H x W float32, H and W
 * multiples of 4; `output` is written in place. */
void forward(const GeneratorLayers &layers, const at::Tensor &input, at::Tensor &output);

/* The bytes forward() holds at most for an H x W picture, besides its input and output. */
int64_t peakBytes(int64_t height, int64_t width);

} // namespace banded
