#include "BlockedGenerator.hpp"

#include <oneapi/dnnl/dnnl_version.h>

// The pass is written against oneDNN 2, Debian's libdnnl, which Debian's libtorch is built
// on. A libtorch that brings headers of another oneDNN (PyPI's: oneDNN 3, linked into
// libtorch_cpu with its symbols hidden) finds those first and has no library to link them
// to; there the pass is not built, and the banded pass is the CPU's.
#if DNNL_VERSION_MAJOR == 2

#include <ATen/Parallel.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace blocked {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr int64_t block = 16;

dnnl::engine &engine() {
  static dnnl::engine cpu(dnnl::engine::kind::cpu, 0);
  return cpu;
}

/* Activations of 16 channels or more are blocked (nChw16c); the 3-channel picture is planar. */
memory::desc describe(int64_t channels, int64_t rows, int64_t columns) {
  return memory::desc({1, channels, rows, columns}, memory::data_type::f32,
                      channels % block ? Tag::nchw : Tag::nChw16c);
}

/* One block of memory that a picture's activations and oneDNN's workspaces are carved from,
 * kept for the next picture of the same size: fresh allocations this large are mapped anew
 * each time, and faulting their pages in cost a quarter of the pass. Pieces stack up from
 * both ends, each on the end holding less, so that a layer's output lands opposite its input
 * and freeing the input leaves no hole; a piece freed out of order waits for those above it. */
class Arena {
  struct Release {
    void operator()(char *block) const { std::free(block); }
  };
  struct Piece {
    size_t offset, length;
    bool live;
  };
  std::unique_ptr<char, Release> base;
  size_t capacity;
  std::vector<Piece> low, high; /* from offset 0 up; from the end down */

  size_t lowEnd() const { return low.empty() ? 0 : low.back().offset + low.back().length; }
  size_t highStart() const { return high.empty() ? capacity : high.back().offset; }
  static size_t used(const std::vector<Piece> &pieces) {
    size_t total = 0;
    for (const Piece &piece : pieces) total += piece.length;
    return total;
  }

public:
  static constexpr size_t alignment = 4096;
  static size_t rounded(size_t bytes) { return (bytes + alignment - 1) / alignment * alignment; }

  explicit Arena(size_t bytes)
      : base(static_cast<char *>(std::aligned_alloc(alignment, rounded(bytes)))),
        capacity(rounded(bytes)) {
    if (!base) throw std::bad_alloc();
  }

  /* The bytes free between the two stacks. */
  size_t gap() const { return highStart() - lowEnd(); }

  /* `bytes` from the gap between the two stacks, or null when it is too small. */
  void *take(size_t bytes) {
    bytes = rounded(bytes);
    if (bytes > highStart() - lowEnd()) return nullptr;
    if (used(low) <= used(high)) {
      low.push_back({lowEnd(), bytes, true});
      return base.get() + low.back().offset;
    }
    high.push_back({highStart() - bytes, bytes, true});
    return base.get() + high.back().offset;
  }

  void give(void *pointer) {
    size_t offset = static_cast<char *>(pointer) - base.get();
    for (std::vector<Piece> *pieces : {&low, &high}) {
      for (Piece &piece : *pieces)
        if (piece.offset == offset && piece.live) piece.live = false;
      while (!pieces->empty() && !pieces->back().live) pieces->pop_back();
    }
  }
};

/* Memory from the arena, or from the heap when the arena has no span left that holds it. */
std::shared_ptr<void> storage(Arena &arena, size_t bytes) {
  if (void *carved = arena.take(bytes))
    return std::shared_ptr<void>(carved, [&arena](void *p) { arena.give(p); });
  void *allocated = std::aligned_alloc(Arena::alignment, Arena::rounded(bytes));
  if (!allocated) throw std::bad_alloc();
  return std::shared_ptr<void>(allocated, [](void *p) { std::free(p); });
}

/* 1 x C x H x W, blocked when C is a multiple of 16. */
struct Activation {
  std::shared_ptr<void> block;
  memory values;
  int64_t channels = 0, height = 0, width = 0;

  Activation() = default;
  Activation(Arena &arena, int64_t c, int64_t h, int64_t w) : channels(c), height(h), width(w) {
    memory::desc layout = describe(c, h, w);
    block = storage(arena, layout.get_size());
    values = memory(layout, engine(), block.get());
  }
  /* A caller's buffer as an activation. */
  static Activation over(float *buffer, int64_t c, int64_t h, int64_t w) {
    Activation result;
    result.channels = c;
    result.height = h;
    result.width = w;
    result.values = memory(describe(c, h, w), engine(), buffer);
    return result;
  }
  float *data() const { return static_cast<float *>(values.get_data_handle()); }
};

/* Per-channel factor and offset, then ReLU if asked: a norm once its statistics are known. */
struct Affine {
  std::vector<float> factor, offset;
  bool relu = false;
};

int64_t reflect(int64_t index, int64_t size) {
  if (index < 0) return -index;
  if (index >= size) return 2 * size - 2 - index;
  return index;
}

/* Per-channel mean and population variance of a blocked activation, in
 * double. Sums run about the first pixel's values, in float over 64 columns at a time. */
void statistics(const Activation &a, std::vector<double> &mean, std::vector<double> &variance) {
  mean.assign(a.channels, 0);
  variance.assign(a.channels, 0);
  const int64_t pixels = a.height * a.width;
  at::parallel_for(0, a.channels / block, 1, [&](int64_t begin, int64_t end) {
    for (int64_t channelBlock = begin; channelBlock < end; ++channelBlock) {
      const float *values = a.data() + channelBlock * pixels * block;
      float shift[block];
      std::copy(values, values + block, shift);
      double sum[block] = {}, squares[block] = {};
      for (int64_t start = 0; start < pixels; start += 64) {
        float partSum[block] = {}, partSquares[block] = {};
        for (int64_t pixel = start; pixel < std::min(pixels, start + 64); ++pixel)
          for (int64_t lane = 0; lane < block; ++lane) {
            float centred = values[pixel * block + lane] - shift[lane];
            partSum[lane] += centred;
            partSquares[lane] += centred * centred;
          }
        for (int64_t lane = 0; lane < block; ++lane) {
          sum[lane] += partSum[lane];
          squares[lane] += partSquares[lane];
        }
      }
      for (int64_t lane = 0; lane < block; ++lane) {
        double centredMean = sum[lane] / double(pixels);
        mean[channelBlock * block + lane] = shift[lane] + centredMean;
        variance[channelBlock * block + lane] =
            std::max(0.0, squares[lane] / double(pixels) - centredMean * centredMean);
      }
    }
  });
}

/* The affine map a norm layer applies to `a`. */
Affine normalising(const banded::Normalisation &n, const Activation &a, bool relu) {
  std::vector<double> mean, variance;
  if (n.kind == banded::Normalisation::batch) {
    const float *m = n.runningMean.data_ptr<float>(), *v = n.runningVariance.data_ptr<float>();
    mean.assign(m, m + a.channels);
    variance.assign(v, v + a.channels);
  } else {
    statistics(a, mean, variance);
  }
  const float *scale = n.scale.data_ptr<float>(), *shift = n.shift.data_ptr<float>();
  Affine result;
  result.relu = relu;
  for (int64_t c = 0; c < a.channels; ++c) {
    double deviation = n.kind == banded::Normalisation::published ? std::sqrt(variance[c]) + 1e-9
                                                                  : std::sqrt(variance[c] + 1e-5);
    double factor = scale[c] / deviation;
    result.factor.push_back(float(factor));
    result.offset.push_back(float(shift[c] - mean[c] * factor));
  }
  return result;
}

Affine identity(int64_t channels) {
  return {std::vector<float>(channels, 1), std::vector<float>(channels, 0), false};
}

/* How a band's values are laid out: as the source's (blocked, or planar for 3 channels), or
 * pixel by pixel with all of a pixel's channels together (a pixels x channels matrix). */
enum class Order { source, pixels };

/* Rows [first, first + rows) of `source` with `affine` applied and a reflected margin of
 * `margin` around it (row indices counted in the margined picture), into `band`, `columns`
 * wide (the margin included). */
void fillBand(float *band, int64_t rows, int64_t columns, Order order, const Activation &source,
              const Affine &affine, int64_t margin, int64_t first) {
  const int64_t lanes = source.channels % block == 0 ? block : 1;
  const int64_t groups = source.channels / lanes;
  const int64_t pixelStride = order == Order::pixels ? source.channels : lanes;
  at::parallel_for(0, groups * rows, 1, [&](int64_t begin, int64_t end) {
    for (int64_t index = begin; index < end; ++index) {
      const int64_t group = index / rows, row = index % rows;
      const int64_t sourceRow = reflect(first + row - margin, source.height);
      const float *from =
          source.data() + (group * source.height + sourceRow) * source.width * lanes;
      float *to = order == Order::pixels ? band + row * columns * pixelStride + group * lanes
                                         : band + (group * rows + row) * columns * lanes;
      const float *factor = affine.factor.data() + group * lanes;
      const float *offset = affine.offset.data() + group * lanes;
      for (int64_t column = 0; column < columns; ++column) {
        const float *pixel = from + reflect(column - margin, source.width) * lanes;
        for (int64_t lane = 0; lane < lanes; ++lane) {
          float value = pixel[lane] * factor[lane] + offset[lane];
          to[column * pixelStride + lane] = affine.relu ? std::max(value, 0.0f) : value;
        }
      }
    }
  });
}

/* a = affine(a), or a += affine(addend) when an addend is given. */
void applyInPlace(Activation &a, const Affine &affine, const Activation *addend = nullptr) {
  const int64_t pixels = a.height * a.width;
  at::parallel_for(0, a.channels / block, 1, [&](int64_t begin, int64_t end) {
    for (int64_t group = begin; group < end; ++group) {
      float *values = a.data() + group * pixels * block;
      const float *added = addend ? addend->data() + group * pixels * block : nullptr;
      const float *factor = affine.factor.data() + group * block;
      const float *offset = affine.offset.data() + group * block;
      for (int64_t pixel = 0; pixel < pixels; ++pixel)
        for (int64_t lane = 0; lane < block; ++lane) {
          float &value = values[pixel * block + lane];
          if (added) {
            value += added[pixel * block + lane] * factor[lane] + offset[lane];
          } else {
            value = value * factor[lane] + offset[lane];
            if (affine.relu) value = std::max(value, 0.0f);
          }
        }
    }
  });
}

/* A convolution primitive for one input size, with its weights in the layout it chose. */
struct Step {
  dnnl::primitive primitive;
  memory weights, bias;
  size_t workspace = 0; /* oneDNN's scratchpad for one run */
  memory::desc target;  /* the output's layout */
};

/* The output's channels, height and width of `c` on an input of `rows` x `columns`. */
struct Shape {
  int64_t channels, height, width;
};

Shape outputOf(const banded::Convolution &c, int64_t rows, int64_t columns, bool transposed) {
  if (transposed) return {c.weight.size(1), rows * 2, columns * 2};
  const int64_t kernel = c.weight.size(2);
  return {c.weight.size(0), (rows - kernel) / c.stride + 1, (columns - kernel) / c.stride + 1};
}

bool isReference(const std::string &implementation) { return implementation.rfind("ref", 0) == 0; }

/* A reflection-padded convolution on an input of `rows` x `columns` (margin included), or a
 * transposed one on an input without margin; both with outputs in blocks of 16. */
Step makeStep(const banded::Convolution &c, int64_t rows, int64_t columns, bool transposed,
              size_t workspaceLimit) {
  const int64_t kernel = c.weight.size(2);
  const int64_t inputs = transposed ? c.weight.size(0) : c.weight.size(1);
  const Shape output = outputOf(c, rows, columns, transposed);
  const int64_t outputs = output.channels;
  Step step;
  memory::desc source = describe(inputs, rows, columns);
  memory::desc target = describe(outputs, output.height, output.width);
  memory::desc anyWeights({outputs, inputs, kernel, kernel}, memory::data_type::f32, Tag::any);
  memory::desc bias({outputs}, memory::data_type::f32, Tag::x);
  dnnl::primitive_attr attributes;
  attributes.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  memory::desc chosenWeights;
  auto keep = [&](const auto &chosen, auto primitive) {
    step.primitive = primitive;
    chosenWeights = chosen.weights_desc();
    step.target = chosen.dst_desc();
    step.workspace = chosen.scratchpad_desc().get_size();
  };
  if (transposed) {
    // Stride 2, padding 1 before and, with the output padding of 1, none after. Without a
    // bias, which the padded copy after adds: with one, oneDNN writes the whole output to a
    // workspace first.
    dnnl::deconvolution_forward::desc description(dnnl::prop_kind::forward_inference,
                                                  dnnl::algorithm::deconvolution_direct, source,
                                                  anyWeights, target, {2, 2}, {1, 1}, {0, 0});
    dnnl::deconvolution_forward::primitive_desc chosen(description, attributes, engine());
    keep(chosen, dnnl::deconvolution_forward(chosen));
  } else {
    auto choose = [&](dnnl::algorithm algorithm) {
      dnnl::convolution_forward::desc description(dnnl::prop_kind::forward_inference, algorithm,
                                                  source, anyWeights, bias, target,
                                                  {c.stride, c.stride}, {0, 0}, {0, 0});
      return dnnl::convolution_forward::primitive_desc(description, attributes, engine());
    };
    dnnl::convolution_forward::primitive_desc chosen;
    bool winograd = kernel == 3 && c.stride == 1 && inputs % block == 0 && outputs % block == 0;
    if (winograd) {
      try {
        chosen = choose(dnnl::algorithm::convolution_winograd);
        // Some of oneDNN's Winograd schedules transform the whole picture at once.
        winograd = chosen.scratchpad_desc().get_size() <= workspaceLimit;
      } catch (const dnnl::error &) {
        winograd = false; // not for this processor
      }
    }
    if (!winograd) chosen = choose(dnnl::algorithm::convolution_direct);
    keep(chosen, dnnl::convolution_forward(chosen));
  }
  // PyTorch holds a convolution's weights out x in x k x k, a transposed one's in x out x k x k.
  at::Tensor weight = c.weight.contiguous();
  memory given({{outputs, inputs, kernel, kernel},
                memory::data_type::f32,
                transposed ? Tag::iohw : Tag::oihw},
               engine(), weight.data_ptr<float>());
  step.weights = memory(chosenWeights, engine());
  dnnl::stream stream(engine());
  dnnl::reorder(given, step.weights).execute(stream, given, step.weights);
  stream.wait();
  if (!transposed) step.bias = memory(bias, engine(), c.bias.data_ptr<float>());
  return step;
}

/* The first rows of bands `rows` high over `height` rows: every band whole, the last one
 * ending with the picture (overlapping the one before), so one primitive serves them all. */
std::vector<int64_t> bandStarts(int64_t height, int64_t rows) {
  std::vector<int64_t> starts;
  for (int64_t start = 0; start < height; start += rows)
    starts.push_back(std::min(start, height - rows));
  return starts;
}

/* Rows [start, start + rows) of each block of `target`, from `band`, all of its rows. */
void deliver(const memory &band, const Activation &target, int64_t start, int64_t rows) {
  const int64_t plane = rows * target.width * block;
  const float *from = static_cast<const float *>(band.get_data_handle());
  at::parallel_for(0, target.channels / block, 1, [&](int64_t begin, int64_t end) {
    for (int64_t group = begin; group < end; ++group)
      std::copy(from + group * plane, from + (group + 1) * plane,
                target.data() + (group * target.height + start) * target.width * block);
  });
}

/* The exit layer's weights as a matrix of taps x input channels: row (o * k + i) * k + j
 * holds output channel o's weights at kernel position (i, j). */
std::vector<float> tapMatrix(const banded::Convolution &c) {
  const int64_t outputs = c.weight.size(0), inputs = c.weight.size(1), kernel = c.weight.size(2);
  at::Tensor weight = c.weight.contiguous();
  const float *w = weight.data_ptr<float>();
  std::vector<float> taps(outputs * kernel * kernel * inputs);
  for (int64_t o = 0; o < outputs; ++o)
    for (int64_t i = 0; i < inputs; ++i)
      for (int64_t k = 0; k < kernel * kernel; ++k)
        taps[(o * kernel * kernel + k) * inputs + i] = w[(o * inputs + i) * kernel * kernel + k];
  return taps;
}

} // namespace

/* The primitives for one picture size, made on first use, each keyed by its layer (a
 * convolution's for one band of its rows), and the arena their activations live in. */
struct Plan {
  int64_t height, width;
  std::map<const banded::Convolution *, Step> steps;
  std::vector<float> exitTaps; /* tapMatrix of the exit layer */
  dnnl::stream stream{engine()};
  Arena arena;

  /* Convolutions run over bands of output rows whose input and output take about this much. */
  static constexpr size_t bandBytes = size_t(32) << 20;

  /* The arena holds the most alive at once: a 64-channel activation at full size beside a
   * 128-channel one at half size (the first layers', and the last's), one band's input and
   * output, and oneDNN's workspace for it (Winograd's is about twice the band). */
  static size_t arenaBytes(int64_t height, int64_t width) {
    return size_t(height * width) * (64 + 128 / 4) * 4 + 4 * bandBytes + (size_t(16) << 20);
  }

  Plan(int64_t h, int64_t w) : height(h), width(w), arena(arenaBytes(h, w)) {}

  Activation make(int64_t channels, int64_t h, int64_t w) {
    return Activation(arena, channels, h, w);
  }

  /* Runs `step` from `source` to `target`. */
  void execute(const Step &step, const memory &source, const memory &target, bool transposed) {
    std::shared_ptr<void> workspace = storage(arena, std::max<size_t>(step.workspace, 1));
    memory scratchpad({{int64_t(step.workspace)}, memory::data_type::u8, Tag::x}, engine(),
                      workspace.get());
    std::unordered_map<int, memory> arguments = {{DNNL_ARG_SRC, source},
                                                 {DNNL_ARG_WEIGHTS, step.weights},
                                                 {DNNL_ARG_DST, target},
                                                 {DNNL_ARG_SCRATCHPAD, scratchpad}};
    if (!transposed) arguments[DNNL_ARG_BIAS] = step.bias;
    step.primitive.execute(stream, arguments);
    stream.wait();
  }

  /* The reflection-padded convolution `c` of `affine(source)` into `target`, a band of output
   * rows at a time, so that neither the padded input nor oneDNN's workspace is ever whole.
   * `target` may be `source`: a band's input is read before the band above it is written
   * back, and no later band reads rows above its own. */
  void convolve(const banded::Convolution &c, const Activation &source, const Affine &affine,
                const Activation &target) {
    const int64_t kernel = c.weight.size(2), margin = kernel / 2;
    const int64_t columns = source.width + 2 * margin;
    const auto blocks = [](int64_t channels) { return (channels + block - 1) / block * block; };
    const size_t rowBytes = size_t(c.stride * blocks(source.channels) * columns +
                                   blocks(target.channels) * target.width) *
                            4;
    const int64_t rows =
        std::min(target.height, std::max<int64_t>(4, bandBytes / rowBytes / 4 * 4));
    Activation input(arena, source.channels, (rows - 1) * c.stride + kernel, columns);
    const size_t outputBytes = size_t(rows * blocks(target.channels) * target.width) * 4;
    auto found = steps.find(&c);
    if (found == steps.end()) {
      // Winograd's workspace must fit in what the arena has free beside this band's input
      // and output and whatever else is alive at this point of the network.
      const size_t free = arena.gap() > outputBytes ? arena.gap() - outputBytes : 0;
      found = steps.emplace(&c, makeStep(c, input.height, input.width, false, free)).first;
    }
    const Step &step = found->second;
    std::shared_ptr<void> outputBlock = storage(arena, step.target.get_size());
    memory output(step.target, engine(), outputBlock.get());
    const std::vector<int64_t> starts = bandStarts(target.height, rows);
    for (size_t band = 0; band < starts.size(); ++band) {
      fillBand(input.data(), input.height, input.width, Order::source, source, affine, margin,
               starts[band] * c.stride);
      if (band > 0) deliver(output, target, starts[band - 1], rows);
      execute(step, input.values, output, false);
    }
    deliver(output, target, starts.back(), rows);
  }

  /* The exit layer `c` (many channels to 3, then tanh) of `affine(source)` into the planar
   * `output`. oneDNN's kernels would pad its 3 output channels to a block of 16, five times
   * the work; here a band is one matrix product instead, every output channel's every
   * kernel tap against every pixel's channels (exactly the layer's multiplies, and its
   * halo rows'), and each output pixel then sums its taps. */
  void exit(const banded::Convolution &c, const Activation &source, const Affine &affine,
            float *output) {
    const int64_t outputs = c.weight.size(0), inputs = c.weight.size(1);
    const int64_t kernel = c.weight.size(2), margin = kernel / 2;
    const int64_t taps = outputs * kernel * kernel, columns = source.width + 2 * margin;
    if (exitTaps.empty()) exitTaps = tapMatrix(c);
    // Bands thrice the others' size: at this point only the source is alive, and the
    // product repeats the halo rows' work.
    const size_t rowBytes = size_t((taps + inputs) * columns) * 4;
    const int64_t rows = std::min(source.height, std::max<int64_t>(4, 3 * bandBytes / rowBytes));
    const int64_t pixels = (rows + 2 * margin) * columns;
    std::shared_ptr<void> inputBlock = storage(arena, size_t(pixels * inputs) * 4);
    std::shared_ptr<void> productBlock = storage(arena, size_t(pixels * taps) * 4);
    float *input = static_cast<float *>(inputBlock.get());
    float *product = static_cast<float *>(productBlock.get());
    const float *bias = c.bias.data_ptr<float>();
    for (int64_t start : bandStarts(source.height, rows)) {
      fillBand(input, rows + 2 * margin, columns, Order::pixels, source, affine, margin, start);
      if (dnnl::sgemm('N', 'T', taps, pixels, inputs, 1.0f, exitTaps.data(), inputs, input, inputs,
                      0.0f, product, pixels) != dnnl::status::success)
        throw std::runtime_error("oneDNN's sgemm refused the exit layer's product");
      at::parallel_for(0, outputs * rows, 1, [&](int64_t begin, int64_t end) {
        for (int64_t index = begin; index < end; ++index) {
          const int64_t channel = index / rows, row = index % rows;
          float *line = output + (channel * source.height + start + row) * source.width;
          std::fill(line, line + source.width, bias[channel]);
          for (int64_t i = 0; i < kernel; ++i)
            for (int64_t j = 0; j < kernel; ++j) {
              const float *tap = product + ((channel * kernel + i) * kernel + j) * pixels +
                                 (row + i) * columns + j;
              for (int64_t column = 0; column < source.width; ++column) line[column] += tap[column];
            }
          for (int64_t column = 0; column < source.width; ++column)
            line[column] = std::tanh(line[column]);
        }
      });
    }
  }

  /* The transposed convolution `c` of `source`, consumed, without its bias. */
  Activation transpose(const banded::Convolution &c, Activation &&source) {
    const Shape shape = outputOf(c, source.height, source.width, true);
    Activation target = make(shape.channels, shape.height, shape.width);
    auto found = steps.find(&c);
    if (found == steps.end())
      found = steps.emplace(&c, makeStep(c, source.height, source.width, true, 0)).first;
    execute(found->second, source.values, target.values, true);
    source = Activation();
    return target;
  }
};

Generator::Generator(const banded::GeneratorLayers &layers) : layers(layers) {}
Generator::~Generator() = default;

bool Generator::available() {
  static const bool hasOwnKernels = [] {
    try {
      memory::desc source = describe(256, 66, 66), target = describe(256, 64, 64);
      memory::desc weights({256, 256, 3, 3}, memory::data_type::f32, Tag::any);
      dnnl::convolution_forward::desc description(dnnl::prop_kind::forward_inference,
                                                  dnnl::algorithm::convolution_direct, source,
                                                  weights, target, {1, 1}, {0, 0}, {0, 0});
      dnnl::convolution_forward::primitive_desc chosen(description, engine());
      return !isReference(chosen.impl_info_str());
    } catch (const dnnl::error &) {
      return false;
    }
  }();
  return hasOwnKernels;
}

void Generator::forward(const float *input, float *output, int64_t height, int64_t width) {
  if (!plan || plan->height != height || plan->width != width)
    plan = std::make_unique<Plan>(height, width);
  const banded::GeneratorLayers &l = layers;
  Plan &p = *plan;
  // The output of `c` on `source`, in a new activation.
  auto convolved = [&](const banded::Convolution &c, const Activation &source,
                       const Affine &affine) {
    const int64_t margin = c.weight.size(2) / 2;
    const Shape shape = outputOf(c, source.height + 2 * margin, source.width + 2 * margin, false);
    Activation target = p.make(shape.channels, shape.height, shape.width);
    p.convolve(c, source, affine, target);
    return target;
  };
  auto biased = [](const at::Tensor &bias) {
    Affine affine = identity(bias.size(0));
    std::copy(bias.data_ptr<float>(), bias.data_ptr<float>() + bias.size(0), affine.offset.begin());
    return affine;
  };

  // Read, never written.
  Activation picture = Activation::over(const_cast<float *>(input), 3, height, width);
  Activation x = convolved(l.entry, picture, identity(3));
  Activation half = convolved(l.down1, x, normalising(l.entryNorm, x, true));
  x = Activation();
  p.convolve(l.down1Flat, half, identity(half.channels), half);
  Activation skip = convolved(l.down2, half, normalising(l.down1Norm, half, true));
  half = Activation();
  p.convolve(l.down2Flat, skip, identity(skip.channels), skip);
  applyInPlace(skip, normalising(l.down2Norm, skip, true));
  for (const auto &block : l.blocks) {
    Activation y = convolved(block.first, skip, identity(skip.channels));
    p.convolve(block.second, y, normalising(block.firstNorm, y, true), y);
    applyInPlace(skip, normalising(block.secondNorm, y, false), &y);
  }
  x = p.transpose(l.up1, std::move(skip));
  p.convolve(l.up1Flat, x, biased(l.up1.bias), x);
  applyInPlace(x, normalising(l.up1Norm, x, true));
  x = p.transpose(l.up2, std::move(x));
  p.convolve(l.up2Flat, x, biased(l.up2.bias), x);
  p.exit(l.exit, x, normalising(l.up2Norm, x, true), output);
}

int64_t Generator::peakBytes(int64_t height, int64_t width) {
  // The arena, and the weights in oneDNN's layouts (Winograd's transformed ones the largest).
  return int64_t(Plan::arenaBytes(height, width)) + (int64_t(128) << 20);
}

int64_t Generator::heldBytes() const { return plan ? peakBytes(plan->height, plan->width) : 0; }

} // namespace blocked

#else

namespace blocked {

struct Plan {};

Generator::Generator(const banded::GeneratorLayers &layers) : layers(layers) {}
Generator::~Generator() = default;
bool Generator::available() { return false; }
void Generator::forward(const float *, float *, int64_t, int64_t) {}
int64_t Generator::peakBytes(int64_t, int64_t) { return 0; }
int64_t Generator::heldBytes() const { return 0; }

} // namespace blocked

#endif
