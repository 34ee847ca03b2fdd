#include "BridgeSupport.hpp"
#include "NamedTensors.hpp"
#include "Networks.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

using bridge::fail;
using bridge::guarded;

namespace {

struct Statistics {
  at::Tensor mean, deviation;
};

/* The generator of Chen et al. (2018) as the published weights lay it out: 7x7 conv 64;
 * two down blocks to 128 and 256; eight residual blocks at 256; two up blocks with
 * transposed convolutions; 7x7 conv to 3; tanh. Reflection padding throughout. */
struct PublishedGenerator {
  bridge::NamedTensors &parameters;
  tb_statistics statistics = TB_STATISTICS_OWN;
  std::map<std::string, Statistics> recorded;

  void add(const std::string &name, std::vector<int64_t> shape) {
    parameters.add(name, at::zeros(shape, at::kFloat));
  }
  void addConv(const std::string &name, int64_t in, int64_t out, int64_t kernel) {
    add(name + ".weight", {out, in, kernel, kernel});
    add(name + ".bias", {out});
  }
  void addTransposed(const std::string &name, int64_t in, int64_t out) {
    add(name + ".weight", {in, out, 3, 3});
    add(name + ".bias", {out});
  }
  void addNorm(const std::string &name, int64_t channels) {
    add(name + ".scale", {channels});
    add(name + ".shift", {channels});
  }

  explicit PublishedGenerator(bridge::NamedTensors &parameters) : parameters(parameters) {
    addConv("conv01_1", 3, 64, 7);
    addNorm("in01_1", 64);
    addConv("conv02_1", 64, 128, 3);
    addConv("conv02_2", 128, 128, 3);
    addNorm("in02_1", 128);
    addConv("conv03_1", 128, 256, 3);
    addConv("conv03_2", 256, 256, 3);
    addNorm("in03_1", 256);
    for (int block = 4; block <= 11; ++block) {
      std::string id = (block < 10 ? "0" : "") + std::to_string(block);
      addConv("conv" + id + "_1", 256, 256, 3);
      addNorm("in" + id + "_1", 256);
      addConv("conv" + id + "_2", 256, 256, 3);
      addNorm("in" + id + "_2", 256);
    }
    addTransposed("deconv01_1", 256, 128);
    addConv("deconv01_2", 128, 128, 3);
    addNorm("in12_1", 128);
    addTransposed("deconv02_1", 128, 64);
    addConv("deconv02_2", 64, 64, 3);
    addNorm("in13_1", 64);
    addConv("deconv03_1", 64, 3, 7);
  }

  const at::Tensor &p(const std::string &name) const { return parameters[name]; }

  at::Tensor conv(const at::Tensor &x, const std::string &name, int64_t stride = 1) const {
    const at::Tensor &weight = p(name + ".weight");
    int64_t pad = weight.size(2) / 2;
    return at::conv2d(at::reflection_pad2d(x, {pad, pad, pad, pad}), weight, p(name + ".bias"),
                      {stride, stride});
  }

  at::Tensor transposed(const at::Tensor &x, const std::string &name) const {
    return at::conv_transpose2d(x, p(name + ".weight"), p(name + ".bias"), {2, 2}, {1, 1}, {1, 1});
  }

  /* (x - mean) / (std + 1e-9) * scale + shift, folded into one multiply-add per value. */
  at::Tensor norm(at::Tensor x, const std::string &name) {
    at::Tensor mean, deviation;
    if (statistics == TB_STATISTICS_REPLAY) {
      const Statistics &kept = recorded.at(name);
      mean = kept.mean;
      deviation = kept.deviation;
    } else {
      auto varianceAndMean = at::var_mean(x, {2, 3}, /*unbiased=*/false, /*keepdim=*/true);
      deviation = at::sqrt(std::get<0>(varianceAndMean));
      mean = std::get<1>(varianceAndMean);
      if (statistics == TB_STATISTICS_RECORD) recorded[name] = {mean, deviation};
    }
    int64_t channels = x.size(1);
    at::Tensor factor = p(name + ".scale").view({1, channels, 1, 1}) / (deviation + 1e-9);
    at::Tensor offset = p(name + ".shift").view({1, channels, 1, 1}) - mean * factor;
    // In place: x is a convolution's fresh output, and a copy at full resolution costs
    // 256 bytes a pixel.
    return x.mul_(factor).add_(offset);
  }

  at::Tensor forward(const at::Tensor &input) {
    at::Tensor x = norm(conv(input, "conv01_1"), "in01_1").relu_();
    x = norm(conv(conv(x, "conv02_1", 2), "conv02_2"), "in02_1").relu_();
    x = norm(conv(conv(x, "conv03_1", 2), "conv03_2"), "in03_1").relu_();
    for (int block = 4; block <= 11; ++block) {
      std::string id = (block < 10 ? "0" : "") + std::to_string(block);
      at::Tensor y = norm(conv(x, "conv" + id + "_1"), "in" + id + "_1").relu_();
      x = norm(conv(y, "conv" + id + "_2"), "in" + id + "_2").add_(x);
    }
    x = norm(conv(transposed(x, "deconv01_1"), "deconv01_2"), "in12_1").relu_();
    x = norm(conv(transposed(x, "deconv02_1"), "deconv02_2"), "in13_1").relu_();
    return conv(x, "deconv03_1").tanh_();
  }
};

} // namespace

/* The published network, or one cel-train trained (its GeneratorNet in evaluation mode,
 * tensors named as in checkpoints without the "g." prefix). */
struct tb_generator {
  bridge::NamedTensors tensors;
  std::unique_ptr<PublishedGenerator> published;
  networks::GeneratorNet trained{nullptr};

  explicit tb_generator(tb_norm norm) {
    if (norm == TB_NORM_PUBLISHED_INSTANCE) {
      published = std::make_unique<PublishedGenerator>(tensors);
      return;
    }
    trained = networks::GeneratorNet(norm == TB_NORM_BATCH);
    trained->eval();
    tensors.addModule("", *trained);
  }

  at::Tensor forward(const at::Tensor &x) {
    return published ? published->forward(x) : trained->forward(x);
  }
};

extern "C" void tb_set_threads(int threads) { at::set_num_threads(threads); }

extern "C" tb_status tb_generator_create(tb_norm norm, tb_generator **out) {
  return guarded([&] {
    if (norm != TB_NORM_PUBLISHED_INSTANCE && norm != TB_NORM_BATCH && norm != TB_NORM_INSTANCE)
      return fail(TB_ERR_ARGUMENT, "unknown normalisation");
    *out = new tb_generator(norm);
    return TB_OK;
  });
}

extern "C" void tb_generator_free(tb_generator *generator) { delete generator; }

extern "C" int tb_generator_parameter_count(const tb_generator *generator) {
  return generator->tensors.count();
}

extern "C" tb_status tb_generator_parameter(const tb_generator *generator, int index,
                                            const char **name, int *rank, int64_t shape[4]) {
  return guarded([&] { return generator->tensors.describe(index, name, rank, shape); });
}

extern "C" tb_status tb_generator_set_parameter(tb_generator *generator, const char *name,
                                                const float *values, int64_t count) {
  return guarded([&] { return generator->tensors.set(name, values, count); });
}

extern "C" tb_status tb_generator_get_parameter(const tb_generator *generator, const char *name,
                                                float *values, int64_t count) {
  return guarded([&] { return generator->tensors.get(name, values, count); });
}

extern "C" tb_status tb_generator_set_statistics(tb_generator *generator, tb_statistics statistics) {
  return guarded([&] {
    PublishedGenerator *published = generator->published.get();
    if (!published) {
      if (statistics == TB_STATISTICS_OWN) return TB_OK;
      return fail(TB_ERR_ARGUMENT, "only the published instance norm shares statistics");
    }
    if (statistics == TB_STATISTICS_REPLAY && published->recorded.empty())
      return fail(TB_ERR_ARGUMENT, "no statistics recorded to replay");
    if (statistics == TB_STATISTICS_RECORD) published->recorded.clear();
    published->statistics = statistics;
    return TB_OK;
  });
}

extern "C" tb_status tb_generator_forward(tb_generator *generator, const float *input, int batch,
                                          int height, int width, float *output) {
  return guarded([&] {
    if (batch < 1 || height < 4 || width < 4 || height % 4 || width % 4)
      return fail(TB_ERR_ARGUMENT, "height and width must be positive multiples of 4");
    const PublishedGenerator *published = generator->published.get();
    if (published && published->statistics == TB_STATISTICS_RECORD && batch != 1)
      return fail(TB_ERR_ARGUMENT, "statistics are recorded from one image at a time");
    c10::InferenceMode inference;
    at::Tensor x = at::from_blob(const_cast<float *>(input), {batch, 3, height, width}, at::kFloat);
    at::Tensor y = generator->forward(x).contiguous();
    std::copy_n(y.data_ptr<float>(), y.numel(), output);
    return TB_OK;
  });
}

extern "C" const char *tb_last_error(void) { return bridge::lastError().c_str(); }
