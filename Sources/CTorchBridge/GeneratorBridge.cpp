#include "BandedGenerator.hpp"
#include "BlockedGenerator.hpp"
#include "BridgeSupport.hpp"
#include "NamedTensors.hpp"
#include "Networks.hpp"
#include "WholeGenerator.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <map>
#include <string>
#include <vector>

using bridge::fail;
using bridge::guarded;

namespace {

/* The published network's tensors as CartoonGan-tensorflow lays them out: 7x7 conv 64; two
 * down blocks to 128 and 256; eight residual blocks at 256; two up blocks with transposed
 * convolutions; 7x7 conv to 3. Its instance norm is (x - mean) / (std + 1e-9) * scale +
 * shift. Zeros until set. */
banded::GeneratorLayers publishedLayers(bridge::NamedTensors &tensors) {
  auto add = [&](const std::string &name, std::vector<int64_t> shape) {
    tensors.add(name, at::zeros(shape, at::kFloat));
    return tensors[name];
  };
  auto conv = [&](const std::string &name, int64_t in, int64_t out, int64_t kernel,
                  int64_t stride = 1) {
    at::Tensor weight = add(name + ".weight", {out, in, kernel, kernel});
    return banded::Convolution{weight, add(name + ".bias", {out}), stride};
  };
  auto transposed = [&](const std::string &name, int64_t in, int64_t out) {
    at::Tensor weight = add(name + ".weight", {in, out, 3, 3});
    return banded::Convolution{weight, add(name + ".bias", {out}), 2};
  };
  auto norm = [&](const std::string &name, int64_t channels) {
    banded::Normalisation result;
    result.kind = banded::Normalisation::published;
    result.scale = add(name + ".scale", {channels});
    result.shift = add(name + ".shift", {channels});
    return result;
  };
  banded::GeneratorLayers layers;
  layers.entry = conv("conv01_1", 3, 64, 7);
  layers.entryNorm = norm("in01_1", 64);
  layers.down1 = conv("conv02_1", 64, 128, 3, 2);
  layers.down1Flat = conv("conv02_2", 128, 128, 3);
  layers.down1Norm = norm("in02_1", 128);
  layers.down2 = conv("conv03_1", 128, 256, 3, 2);
  layers.down2Flat = conv("conv03_2", 256, 256, 3);
  layers.down2Norm = norm("in03_1", 256);
  for (int block = 4; block <= 11; ++block) {
    std::string id = (block < 10 ? "0" : "") + std::to_string(block);
    banded::ResidualBlock residual;
    residual.first = conv("conv" + id + "_1", 256, 256, 3);
    residual.firstNorm = norm("in" + id + "_1", 256);
    residual.second = conv("conv" + id + "_2", 256, 256, 3);
    residual.secondNorm = norm("in" + id + "_2", 256);
    layers.blocks.push_back(residual);
  }
  layers.up1 = transposed("deconv01_1", 256, 128);
  layers.up1Flat = conv("deconv01_2", 128, 128, 3);
  layers.up1Norm = norm("in12_1", 128);
  layers.up2 = transposed("deconv02_1", 128, 64);
  layers.up2Flat = conv("deconv02_2", 64, 64, 3);
  layers.up2Norm = norm("in13_1", 64);
  layers.exit = conv("deconv03_1", 64, 3, 7);
  return layers;
}

/* The layers of the network cel-train trains (networks::GeneratorNet), over its own
 * tensors: `body.N` is the N-th module of its sequence. */
banded::GeneratorLayers trainedLayers(const bridge::NamedTensors &tensors, bool batch) {
  auto conv = [&](const std::string &name, int64_t stride = 1) {
    return banded::Convolution{tensors[name + ".weight"], tensors[name + ".bias"], stride};
  };
  auto norm = [&](const std::string &name) {
    banded::Normalisation result;
    result.kind = batch ? banded::Normalisation::batch : banded::Normalisation::instance;
    result.scale = tensors[name + ".weight"];
    result.shift = tensors[name + ".bias"];
    if (batch) {
      result.runningMean = tensors[name + ".running_mean"];
      result.runningVariance = tensors[name + ".running_var"];
    }
    return result;
  };
  auto body = [](int index) { return "body." + std::to_string(index); };
  banded::GeneratorLayers layers;
  layers.entry = conv(body(0));
  layers.entryNorm = norm(body(1));
  layers.down1 = conv(body(3), 2);
  layers.down1Flat = conv(body(4));
  layers.down1Norm = norm(body(5));
  layers.down2 = conv(body(7), 2);
  layers.down2Flat = conv(body(8));
  layers.down2Norm = norm(body(9));
  for (int index = 11; index <= 18; ++index) {
    banded::ResidualBlock residual;
    residual.first = conv(body(index) + ".conv1");
    residual.firstNorm = norm(body(index) + ".norm1");
    residual.second = conv(body(index) + ".conv2");
    residual.secondNorm = norm(body(index) + ".norm2");
    layers.blocks.push_back(residual);
  }
  layers.up1 = conv(body(19), 2);
  layers.up1Flat = conv(body(20));
  layers.up1Norm = norm(body(21));
  layers.up2 = conv(body(23), 2);
  layers.up2Flat = conv(body(24));
  layers.up2Norm = norm(body(25));
  layers.exit = conv(body(27));
  return layers;
}

/* Whether the caller's buffers hold `batch` pictures of a size the network takes (sides
 * multiples of 4, as it halves them twice); leaves a message when not. */
bool picturesFit(int64_t input_count, int64_t output_count, int batch, int height, int width) {
  if (batch < 1 || height < 4 || width < 4 || height % 4 || width % 4) {
    fail(TB_ERR_ARGUMENT, "height and width must be positive multiples of 4");
    return false;
  }
  return bridge::holdsPictures(input_count, batch, height, width, "input") &&
         bridge::holdsPictures(output_count, batch, height, width, "output");
}

/* Calls `draw` with each of `batch` pictures (1 x 3 x height x width) of the caller's
 * buffers, as tensors over them. */
template <typename Draw>
void eachPicture(const float *input, float *output, int batch, int height, int width, Draw draw) {
  int64_t picture = int64_t(3) * height * width;
  for (int index = 0; index < batch; ++index)
    draw(at::from_blob(const_cast<float *>(input) + index * picture, {1, 3, height, width},
                       at::kFloat),
         at::from_blob(output + index * picture, {1, 3, height, width}, at::kFloat));
}

} // namespace

/* The published network, or one cel-train trained (tensors named as in checkpoints without
 * the "g." prefix). Either runs through the blocked, banded or whole-picture pass; the
 * trained network's module only gives its tensors their names and shapes. */
struct tb_generator {
  bridge::NamedTensors tensors;
  banded::GeneratorLayers layers;
  /* The blocked pass, its weights in oneDNN's layouts: made on first use after a change. */
  std::unique_ptr<blocked::Generator> blocked;
  /* The layers copied to a device for the whole-picture pass, by device (-1: the CPU). */
  std::map<int, banded::GeneratorLayers> onDevice;

  explicit tb_generator(tb_norm norm) {
    if (norm == TB_NORM_PUBLISHED_INSTANCE) {
      layers = publishedLayers(tensors);
      return;
    }
    networks::GeneratorNet trained(norm == TB_NORM_BATCH);
    tensors.addModule("", *trained);
    layers = trainedLayers(tensors, norm == TB_NORM_BATCH);
  }
};

extern "C" tb_status tb_set_threads(int threads) {
  return guarded([&] {
    at::set_num_threads(threads);
    return TB_OK;
  });
}

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
  return guarded([&] {
    generator->onDevice.clear(); // stale copies
    generator->blocked.reset();
    return generator->tensors.set(name, values, count);
  });
}

extern "C" tb_status tb_generator_get_parameter(const tb_generator *generator, const char *name,
                                                float *values, int64_t count) {
  return guarded([&] { return generator->tensors.get(name, values, count); });
}

extern "C" tb_status tb_generator_forward(tb_generator *generator, tb_pass pass, const float *input,
                                          int64_t input_count, int batch, int height, int width,
                                          float *output, int64_t output_count) {
  return guarded([&] {
    if (!picturesFit(input_count, output_count, batch, height, width)) return TB_ERR_ARGUMENT;
    c10::InferenceMode inference;
    bool blockedPass = pass == TB_PASS_BLOCKED && blocked::Generator::available();
    if (blockedPass && !generator->blocked)
      generator->blocked = std::make_unique<blocked::Generator>(generator->layers);
    eachPicture(input, output, batch, height, width, [&](at::Tensor x, at::Tensor y) {
      if (blockedPass)
        generator->blocked->forward(x.data_ptr<float>(), y.data_ptr<float>(), height, width);
      else
        banded::forward(generator->layers, x, y);
    });
    return TB_OK;
  });
}

extern "C" int64_t tb_generator_peak_bytes(tb_pass pass, int height, int width) {
  return pass == TB_PASS_BLOCKED && blocked::Generator::available()
             ? blocked::Generator::peakBytes(height, width)
             : banded::peakBytes(height, width);
}

extern "C" int64_t tb_generator_held_bytes(const tb_generator *generator) {
  return generator->blocked ? generator->blocked->heldBytes() : 0;
}

extern "C" tb_status tb_generator_forward_whole(tb_generator *generator, int device,
                                                const float *input, int64_t input_count, int batch,
                                                int height, int width, float *output,
                                                int64_t output_count) {
  return guarded([&] {
    if (!picturesFit(input_count, output_count, batch, height, width)) return TB_ERR_ARGUMENT;
    if (device >= tb_cuda_device_count())
      return fail(TB_ERR_ARGUMENT, "no CUDA device " + std::to_string(device) + " (" +
                                       std::to_string(tb_cuda_device_count()) + " seen)");
    c10::InferenceMode inference;
    at::Device where = device < 0 ? at::Device(at::kCPU) : at::Device(at::kCUDA, int8_t(device));
    auto found = generator->onDevice.find(device);
    if (found == generator->onDevice.end())
      found = generator->onDevice.emplace(device, whole::on(generator->layers, where)).first;
    eachPicture(input, output, batch, height, width, [&](at::Tensor x, at::Tensor y) {
      y.copy_(whole::forward(found->second, x.to(where)));
    });
    return TB_OK;
  });
}

extern "C" int64_t tb_generator_whole_bytes(int height, int width) {
  return whole::peakBytes(height, width);
}

extern "C" const char *tb_last_error(void) { return bridge::lastError().c_str(); }
