#include "BandedGenerator.hpp"

#include <algorithm>
#include <memory>
#include <utility>

namespace banded {
namespace {

/* Rows of a convolution's output per band: about this many bytes of output, so that a
 * band's input, padding and output stay in cache-sized pieces while oneDNN still gets
 * enough work per call. */
constexpr int64_t bandBytes = int64_t(4) << 20;

int64_t rowsPerBand(int64_t channels, int64_t width, int64_t height) {
  return std::clamp<int64_t>(bandBytes / (channels * width * 4), 4, height);
}

/* Per-channel mean and population variance over every band added, combined in double
 * precision, so the statistics are the whole picture's. Sums are taken about the first
 * band's mean, which keeps the variance from cancelling when a mean is far from zero. */
class ChannelStatistics {
  at::Tensor shift, sum, squares; /* shift: C x 1, float; sums: C, double */
  double count = 0;

public:
  void add(const at::Tensor &band) {
    at::Tensor values = band.reshape({band.size(1), -1});
    if (!shift.defined()) shift = values.mean(1, /*keepdim=*/true);
    at::Tensor centred = values - shift;
    at::Tensor bandSum = centred.sum(1).to(at::kDouble);
    at::Tensor bandSquares = centred.mul_(centred).sum(1).to(at::kDouble);
    sum = sum.defined() ? sum + bandSum : bandSum;
    squares = squares.defined() ? squares + bandSquares : bandSquares;
    count += double(values.size(1));
  }
  at::Tensor channelMean() const { return shift.view(-1).to(at::kDouble) + sum / count; }
  at::Tensor variance() const {
    at::Tensor centredMean = sum / count;
    return (squares / count - centredMean * centredMean).clamp_min(0);
  }
};

/* An activation, 1 x C x H x W, read a band of rows at a time. */
class Rows {
public:
  int64_t channels = 0, height = 0, width = 0;
  virtual ~Rows() = default;
  /* Writes rows [first, last), as the next layer sees them, into `destination` (1 x C x
   * (last - first) x W, any strides). */
  virtual void readInto(int64_t first, int64_t last, const at::Tensor &destination) const = 0;

  at::Tensor read(int64_t first, int64_t last) const {
    at::Tensor band = at::empty({1, channels, last - first, width}, at::kFloat);
    readInto(first, last, band);
    return band;
  }
};

/* An activation held in memory, with its norm's per-channel affine map and ReLU applied
 * as it is read: the norm costs one multiply-add on a band in cache. */
class Stored final : public Rows {
public:
  at::Tensor values, factor, offset;
  bool relu = false;

  explicit Stored(at::Tensor tensor) : values(std::move(tensor)) {
    channels = values.size(1);
    height = values.size(2);
    width = values.size(3);
  }

  void readInto(int64_t first, int64_t last, const at::Tensor &destination) const override {
    at::Tensor band = values.narrow(2, first, last - first);
    at::Tensor target = destination;
    if (factor.defined())
      at::addcmul_out(target, offset, band, factor);
    else
      target.copy_(band);
    if (relu) target.relu_();
  }

  /* Applies the pending map, adds `shortcut`, and stores the sum: a residual block's end. */
  void addInPlace(const Stored &shortcut) {
    int64_t rows = rowsPerBand(channels, width, height);
    for (int64_t first = 0; first < height; first += rows) {
      int64_t count = std::min(rows, height - first);
      at::Tensor band = values.narrow(2, first, count);
      if (factor.defined()) band.mul_(factor).add_(offset);
      if (relu) band.relu_();
      band.add_(shortcut.factor.defined() || shortcut.relu
                    ? shortcut.read(first, first + count)
                    : shortcut.values.narrow(2, first, count));
    }
    factor = offset = at::Tensor();
    relu = false;
  }
};

int64_t floorHalf(int64_t value) { return value >= 0 ? value / 2 : -((1 - value) / 2); }

/* A transposed convolution's output (stride 2, padding 1, output padding 1), computed from
 * its input when read, so that the largest activations are never held whole. Output pixel
 * (2q + a, 2r + b) depends on input pixels q..q+a, r..r+b only, so the four phases (a, b)
 * are ordinary convolutions with kernels of 1x1, 1x2, 2x1 and 2x2 taps of the 3x3 kernel
 * over the input padded with one row and column of zeros: oneDNN runs them, where a
 * transposed convolution would fall back to im2col and BLAS. */
class Upsampled final : public Rows {
  const Rows &source;
  at::Tensor bias;
  at::Tensor phases[2][2];

public:
  Upsampled(const Rows &source, const Convolution &convolution) : source(source) {
    // PyTorch holds a transposed kernel as in x out x 3 x 3; an ordinary one as out x in.
    at::Tensor kernel = convolution.weight.transpose(0, 1);
    // Tap of the 3x3 kernel for output phase a from input offset d (0 or 1): phase 0 takes
    // the centre tap from offset 0; phase 1 takes tap 2 from offset 0 and tap 0 from 1.
    auto tap = [](int64_t a, int64_t d) -> int64_t { return a == 0 ? 1 : (d == 0 ? 2 : 0); };
    for (int64_t a = 0; a < 2; ++a)
      for (int64_t b = 0; b < 2; ++b) {
        at::Tensor phase = at::empty({kernel.size(0), kernel.size(1), a + 1, b + 1}, at::kFloat);
        for (int64_t dy = 0; dy <= a; ++dy)
          for (int64_t dx = 0; dx <= b; ++dx)
            phase.select(2, dy).select(2, dx).copy_(
                kernel.select(2, tap(a, dy)).select(2, tap(b, dx)));
        phases[a][b] = phase;
      }
    bias = convolution.bias;
    channels = kernel.size(0);
    height = source.height * 2;
    width = source.width * 2;
  }

  void readInto(int64_t first, int64_t last, const at::Tensor &destination) const override {
    int64_t from = floorHalf(first), to = floorHalf(last - 1) + 1; /* input rows needed */
    int64_t rows = to - from, inputWidth = source.width;
    // The input band with a row (when past the picture) and a column of zeros after it.
    at::Tensor input = at::empty({1, source.channels, rows + 1, inputWidth + 1}, at::kFloat);
    int64_t available = std::min(to + 1, source.height) - from;
    source.readInto(from, from + available, input.narrow(2, 0, available).narrow(3, 0, inputWidth));
    if (available == rows) input.narrow(2, rows, 1).zero_();
    input.narrow(3, inputWidth, 1).zero_();
    for (int64_t a = 0; a < 2; ++a) {
      // Rows 2q + a inside [first, last).
      int64_t q0 = floorHalf(first - a + 1), q1 = floorHalf(last - 1 - a) + 1;
      if (q1 <= q0) continue;
      at::Tensor rowsIn = input.narrow(2, q0 - from, q1 - q0 + a);
      int64_t start = 2 * q0 + a - first;
      at::Tensor target = destination.slice(2, start, start + 2 * (q1 - q0) - 1, 2);
      for (int64_t b = 0; b < 2; ++b) {
        at::Tensor phase = at::conv2d(rowsIn.narrow(3, 0, inputWidth + b), phases[a][b], bias);
        target.slice(3, b, width, 2).copy_(phase);
      }
    }
  }
};

/* `input`'s rows [first, last) as a new tensor padded by reflection: `pad` columns on
 * each side, `top` rows above and `bottom` below (rows reflected within the band, which
 * starts or ends at the picture's edge wherever they are asked for). */
at::Tensor reflectionPadded(const Rows &input, int64_t first, int64_t last, int64_t pad,
                            int64_t top, int64_t bottom) {
  int64_t rows = last - first, width = input.width;
  at::Tensor padded =
      at::empty({1, input.channels, top + rows + bottom, width + 2 * pad}, at::kFloat);
  input.readInto(first, last, padded.narrow(2, top, rows).narrow(3, pad, width));
  for (int64_t j = 1; j <= pad; ++j) {
    padded.select(3, pad - j)
        .narrow(2, top, rows)
        .copy_(padded.select(3, pad + j).narrow(2, top, rows));
    padded.select(3, pad + width - 1 + j)
        .narrow(2, top, rows)
        .copy_(padded.select(3, pad + width - 1 - j).narrow(2, top, rows));
  }
  for (int64_t j = 1; j <= top; ++j) padded.select(2, top - j).copy_(padded.select(2, top + j));
  for (int64_t j = 1; j <= bottom; ++j)
    padded.select(2, top + rows - 1 + j).copy_(padded.select(2, top + rows - 1 - j));
  return padded;
}

/* The convolution of `input` with reflection padding, band by band into `output` (1 x Cout x
 * H/stride x W/stride), adding each band to `statistics` when given, tanh when asked. */
void convolve(const Rows &input, const Convolution &convolution, at::Tensor &output,
              ChannelStatistics *statistics, bool tanh = false) {
  int64_t kernel = convolution.weight.size(2), pad = kernel / 2, stride = convolution.stride;
  int64_t height = output.size(2);
  int64_t rows = rowsPerBand(output.size(1), output.size(3), height);
  for (int64_t first = 0; first < height; first += rows) {
    int64_t last = std::min(first + rows, height);
    int64_t top = first * stride - pad, bottom = (last - 1) * stride - pad + kernel;
    at::Tensor padded =
        reflectionPadded(input, std::max<int64_t>(top, 0), std::min(bottom, input.height), pad,
                         std::max<int64_t>(-top, 0), std::max<int64_t>(bottom - input.height, 0));
    at::Tensor result = at::conv2d(padded, convolution.weight, convolution.bias, {stride, stride});
    if (statistics) statistics->add(result);
    if (tanh) result.tanh_();
    output.narrow(2, first, last - first).copy_(result);
  }
}

/* Room for a convolution's output over `input`, uninitialised. */
at::Tensor outputOf(const Rows &input, const Convolution &convolution) {
  int64_t stride = convolution.stride;
  return at::empty({1, convolution.weight.size(0), input.height / stride, input.width / stride},
                   at::kFloat);
}

Stored convolved(const Rows &input, const Convolution &convolution) {
  Stored result(outputOf(input, convolution));
  convolve(input, convolution, result.values, nullptr);
  return result;
}

/* A convolution followed by its norm (and a ReLU when asked), the norm left to the reader. */
Stored normalised(const Rows &input, const Convolution &convolution, const Normalisation &norm,
                  bool relu) {
  Stored result(outputOf(input, convolution));
  ChannelStatistics statistics;
  bool ownStatistics = norm.kind != Normalisation::batch;
  convolve(input, convolution, result.values, ownStatistics ? &statistics : nullptr);

  at::Tensor mean, divisor;
  if (norm.kind == Normalisation::batch) {
    mean = norm.runningMean.to(at::kDouble);
    divisor = (norm.runningVariance.to(at::kDouble) + 1e-5).sqrt();
  } else {
    mean = statistics.channelMean();
    divisor = norm.kind == Normalisation::published ? statistics.variance().sqrt() + 1e-9
                                                    : (statistics.variance() + 1e-5).sqrt();
  }
  at::Tensor factor = norm.scale.to(at::kDouble) / divisor;
  at::Tensor offset = norm.shift.to(at::kDouble) - mean * factor;
  result.factor = factor.to(at::kFloat).view({1, -1, 1, 1});
  result.offset = offset.to(at::kFloat).view({1, -1, 1, 1});
  result.relu = relu;
  return result;
}

} // namespace

void forward(const GeneratorLayers &layers, const at::Tensor &input, at::Tensor &output) {
  Stored picture(input);
  // Each activation is released as soon as the one after it is complete, so that at most
  // two are held at once.
  std::unique_ptr<Stored> x, y;
  x = std::make_unique<Stored>(normalised(picture, layers.entry, layers.entryNorm, true));
  y = std::make_unique<Stored>(convolved(*x, layers.down1));
  x.reset();
  x = std::make_unique<Stored>(normalised(*y, layers.down1Flat, layers.down1Norm, true));
  y.reset();
  y = std::make_unique<Stored>(convolved(*x, layers.down2));
  x.reset();
  x = std::make_unique<Stored>(normalised(*y, layers.down2Flat, layers.down2Norm, true));
  y.reset();
  for (const ResidualBlock &block : layers.blocks) {
    y = std::make_unique<Stored>(normalised(*x, block.first, block.firstNorm, true));
    auto sum = std::make_unique<Stored>(normalised(*y, block.second, block.secondNorm, false));
    y.reset();
    sum->addInPlace(*x);
    x = std::move(sum);
  }
  y = std::make_unique<Stored>(
      normalised(Upsampled(*x, layers.up1), layers.up1Flat, layers.up1Norm, true));
  x.reset();
  x = std::make_unique<Stored>(
      normalised(Upsampled(*y, layers.up2), layers.up2Flat, layers.up2Norm, true));
  y.reset();
  convolve(*x, layers.exit, output, nullptr, /*tanh=*/true);
}

int64_t peakBytes(int64_t height, int64_t width) {
  // Two activations at once at most: 64 channels at full size with 128 at half size, after
  // the first layer and in the last up block; and a few bands besides.
  return height * width * 4 * (64 + 128 / 4) + 16 * bandBytes;
}

} // namespace banded
