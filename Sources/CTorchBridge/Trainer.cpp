#include "BridgeSupport.hpp"
#include "NamedTensors.hpp"
#include "Networks.hpp"
#include "ProcessGroup.hpp"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

using bridge::fail;
using bridge::guarded;
using namespace networks;

namespace {

torch::Tensor logistic(const torch::Tensor &logits, float target) {
  return torch::binary_cross_entropy_with_logits(logits, torch::full_like(logits, target));
}

torch::Tensor gram(const torch::Tensor &features) {
  auto flat = features.flatten(2);
  return torch::bmm(flat, flat.transpose(1, 2)) / double(flat.size(1) * flat.size(2));
}

torch::Tensor styleLoss(const torch::Tensor &a, const torch::Tensor &b) {
  return torch::l1_loss(gram(a), gram(b));
}

/* Stops gradients for a module's parameters while it lives. */
class FrozenParameters {
  std::vector<torch::Tensor> parameters;

public:
  explicit FrozenParameters(nn::Module &module) : parameters(module.parameters()) {
    for (auto &p : parameters) p.set_requires_grad(false);
  }
  ~FrozenParameters() {
    for (auto &p : parameters) p.set_requires_grad(true);
  }
  FrozenParameters(const FrozenParameters &) = delete;
  FrozenParameters &operator=(const FrozenParameters &) = delete;
};

struct AdamState {
  torch::Tensor average, squares;
};

} // namespace

struct tb_trainer {
  tb_trainer_options options;
  GeneratorNet generator;
  DiscriminatorNet discriminator;
  VGGFeatures vgg;
  bridge::NamedTensors tensors; /* every tensor a checkpoint holds */
  std::map<std::string, AdamState> adam;
  int64_t generatorSteps = 0, discriminatorSteps = 0;
  torch::Tensor mean, deviation; /* ImageNet normalisation, RGB */
  torch::Device device;
  tb_process_group *group = nullptr; /* not owned; null when training alone */

  explicit tb_trainer(const tb_trainer_options &o)
      : options(o), generator(nullptr), discriminator(nullptr), vgg(nullptr),
        device(o.device == TB_DEVICE_CUDA ||
                       (o.device == TB_DEVICE_AUTO && torch::cuda::is_available())
                   ? torch::Device(torch::kCUDA, int8_t(o.device_index))
                   : torch::Device(torch::kCPU)) {
    torch::manual_seed(o.seed);
    generator = GeneratorNet(o.batch_norm != 0);
    discriminator = DiscriminatorNet(o.batch_norm != 0);
    vgg = VGGFeatures();
    // Drawn on the CPU, then moved: the same seed gives the same weights on any device.
    generator->to(device);
    discriminator->to(device);
    vgg->to(device);
    for (auto &p : vgg->parameters()) p.set_requires_grad(false);
    collect("g.", *generator);
    collect("d.", *discriminator);
    for (auto &item : vgg->named_parameters()) {
      // "features_0.weight" is torchvision's "features.0.weight".
      std::string key = item.key();
      key.replace(0, 9, "features.");
      tensors.add("vgg." + key, item.value());
    }
    mean = torch::tensor({0.485f, 0.456f, 0.406f}).view({1, 3, 1, 1}).to(device);
    deviation = torch::tensor({0.229f, 0.224f, 0.225f}).view({1, 3, 1, 1}).to(device);
  }

  /* A trained network's tensors, and Adam's moments for each of its parameters. */
  void collect(const std::string &prefix, nn::Module &module) {
    tensors.addModule(prefix, module);
    for (auto &item : module.named_parameters()) {
      AdamState state{torch::zeros_like(item.value()), torch::zeros_like(item.value())};
      adam[prefix + item.key()] = state;
      tensors.add("adam." + prefix + item.key() + ".exp_avg", state.average);
      tensors.add("adam." + prefix + item.key() + ".exp_avg_sq", state.squares);
    }
  }

  torch::Tensor features(const torch::Tensor &images) {
    return vgg->forward(((images + 1) / 2 - mean) / deviation);
  }

  /* Adam as PyTorch's torch.optim.Adam computes it, on the state kept here by name, after
   * the gradients are averaged over the group when there is one. */
  void adamStep(const std::string &prefix, nn::Module &module, float rate, int64_t step) {
    torch::NoGradGuard noGrad;
    if (group) averageGradients(module);
    double b1 = options.beta1, b2 = options.beta2;
    double correction1 = 1 - std::pow(b1, double(step)),
           correction2 = 1 - std::pow(b2, double(step));
    for (auto &item : module.named_parameters()) {
      auto &param = item.value();
      if (!param.grad().defined()) continue;
      auto &state = adam.at(prefix + item.key());
      state.average.mul_(b1).add_(param.grad(), 1 - b1);
      state.squares.mul_(b2).addcmul_(param.grad(), param.grad(), 1 - b2);
      auto denominator = (state.squares.sqrt() / std::sqrt(correction2)).add_(1e-8);
      param.addcdiv_(state.average, denominator, -rate / correction1);
    }
  }

  /* One all-reduce of every gradient, flattened into one buffer. */
  void averageGradients(nn::Module &module) {
    std::vector<torch::Tensor> gradients;
    for (auto &param : module.parameters())
      if (param.grad().defined()) gradients.push_back(param.grad());
    if (gradients.empty()) return;
    std::vector<torch::Tensor> views;
    for (auto &g : gradients) views.push_back(g.reshape({-1}));
    std::vector<torch::Tensor> flat{torch::cat(views)};
    group->group->allreduce(flat)->wait();
    flat[0].div_(group->size);
    int64_t offset = 0;
    for (auto &g : gradients) {
      g.copy_(flat[0].narrow(0, offset, g.numel()).view_as(g));
      offset += g.numel();
    }
  }

  /* Planar images from the caller's memory, on the training device (no copy on the CPU). */
  torch::Tensor images(const float *values, int batch, int height, int width) const {
    return torch::from_blob(const_cast<float *>(values), {batch, 3, height, width}, torch::kFloat)
        .to(device);
  }

  torch::Tensor contentLoss(const torch::Tensor &photos, const torch::Tensor &generated) {
    return torch::l1_loss(features(generated), features(photos).detach());
  }
};

extern "C" tb_status tb_trainer_create(const tb_trainer_options *options, tb_trainer **out) {
  return guarded([&] {
    if (options->device == TB_DEVICE_CUDA && !torch::cuda::is_available())
      return fail(TB_ERR_ARGUMENT,
                  "no CUDA device: this libtorch was built without CUDA or sees no GPU");
    bool onGPU = options->device == TB_DEVICE_CUDA ||
                 (options->device == TB_DEVICE_AUTO && torch::cuda::is_available());
    if (onGPU &&
        (options->device_index < 0 || size_t(options->device_index) >= torch::cuda::device_count()))
      return fail(TB_ERR_ARGUMENT, "no GPU number " + std::to_string(options->device_index) + " (" +
                                       std::to_string(torch::cuda::device_count()) + " seen)");
    *out = new tb_trainer(*options);
    return TB_OK;
  });
}

extern "C" void tb_trainer_free(tb_trainer *trainer) { delete trainer; }

extern "C" void tb_trainer_join(tb_trainer *trainer, tb_process_group *group) {
  trainer->group = group;
}

extern "C" int tb_trainer_tensor_count(const tb_trainer *trainer) {
  return trainer->tensors.count();
}

extern "C" tb_status tb_trainer_tensor(const tb_trainer *trainer, int index, const char **name,
                                       int *rank, int64_t shape[4]) {
  return guarded([&] { return trainer->tensors.describe(index, name, rank, shape); });
}

extern "C" tb_status tb_trainer_set_tensor(tb_trainer *trainer, const char *name,
                                           const float *values, int64_t count) {
  return guarded([&] { return trainer->tensors.set(name, values, count); });
}

extern "C" tb_status tb_trainer_get_tensor(const tb_trainer *trainer, const char *name,
                                           float *values, int64_t count) {
  return guarded([&] { return trainer->tensors.get(name, values, count); });
}

extern "C" const char *tb_trainer_device(const tb_trainer *trainer) {
  return trainer->device.is_cuda() ? "cuda" : "cpu";
}

extern "C" void tb_trainer_get_steps(const tb_trainer *trainer, int64_t *generator,
                                     int64_t *discriminator) {
  *generator = trainer->generatorSteps;
  *discriminator = trainer->discriminatorSteps;
}

extern "C" void tb_trainer_set_steps(tb_trainer *trainer, int64_t generator,
                                     int64_t discriminator) {
  trainer->generatorSteps = generator;
  trainer->discriminatorSteps = discriminator;
}

extern "C" void tb_trainer_set_rates(tb_trainer *trainer, float generator, float discriminator) {
  trainer->options.generator_rate = generator;
  trainer->options.discriminator_rate = discriminator;
}

static float accuracy(const torch::Tensor &logits, bool real) {
  auto hits = real ? (logits > 0) : (logits <= 0);
  return hits.to(torch::kFloat).mean().item<float>();
}

extern "C" tb_status tb_trainer_step(tb_trainer *t, int initialisation, const float *photoValues,
                                     int64_t photoCount, const float *styleValues,
                                     int64_t styleCount, const float *smoothValues,
                                     int64_t smoothCount, int batch, int size,
                                     tb_step_losses *losses) {
  return guarded([&] {
    if (batch < 1 || size < 16 || size % 8)
      return fail(TB_ERR_ARGUMENT, "size must be a multiple of 8, at least 16");
    if (!bridge::holdsPictures(photoCount, batch, size, size, "photos")) return TB_ERR_ARGUMENT;
    if (!initialisation &&
        (!bridge::holdsPictures(styleCount, batch, size, size, "style images") ||
         !bridge::holdsPictures(smoothCount, batch, size, size, "smoothed images")))
      return TB_ERR_ARGUMENT;
    auto photos = t->images(photoValues, batch, size, size);
    *losses = tb_step_losses{};
    t->generator->train();
    t->discriminator->train();
    if (initialisation) {
      t->generator->zero_grad();
      auto generated = t->generator->forward(photos);
      auto content = t->contentLoss(photos, generated);
      content.backward();
      t->adamStep("g.", *t->generator, t->options.generator_rate, ++t->generatorSteps);
      losses->content = content.item<float>();
      return TB_OK;
    }
    auto styles = t->images(styleValues, batch, size, size);
    auto smoothed = t->images(smoothValues, batch, size, size);

    // Discriminator: real style images are 1; their smoothed twins and generated images 0.
    t->discriminator->zero_grad();
    auto generated = t->generator->forward(photos);
    auto real = t->discriminator->forward(styles);
    auto smooth = t->discriminator->forward(smoothed);
    auto fake = t->discriminator->forward(generated.detach());
    auto discriminatorLoss = logistic(real, 1) + logistic(smooth, 0) + logistic(fake, 0);
    discriminatorLoss.backward();
    t->adamStep("d.", *t->discriminator, t->options.discriminator_rate, ++t->discriminatorSteps);

    // Generator: fool the discriminator, keep the photo's content (and optionally the style).
    // The discriminator only passes gradients through here; its own would go unused.
    t->generator->zero_grad();
    FrozenParameters frozen(*t->discriminator);
    auto adversarial = logistic(t->discriminator->forward(generated), 1);
    auto content = t->contentLoss(photos, generated);
    auto total = adversarial + t->options.content_weight * content;
    torch::Tensor style = torch::zeros({});
    if (t->options.style_weight > 0) {
      style = styleLoss(t->features(generated), t->features(styles).detach());
      total = total + t->options.style_weight * style;
    }
    total.backward();
    t->adamStep("g.", *t->generator, t->options.generator_rate, ++t->generatorSteps);

    losses->content = content.item<float>();
    losses->style = style.item<float>();
    losses->generator_adversarial = adversarial.item<float>();
    losses->discriminator = discriminatorLoss.item<float>();
    losses->real_accuracy = accuracy(real, true);
    losses->smooth_accuracy = accuracy(smooth, false);
    losses->fake_accuracy = accuracy(fake, false);
    return TB_OK;
  });
}

extern "C" tb_status tb_trainer_generate(tb_trainer *t, const float *photoValues,
                                         int64_t photoCount, int batch, int height, int width,
                                         float *output, int64_t outputCount) {
  return guarded([&] {
    if (batch < 1 || height < 4 || width < 4 || height % 4 || width % 4)
      return fail(TB_ERR_ARGUMENT, "height and width must be positive multiples of 4");
    if (!bridge::holdsPictures(photoCount, batch, height, width, "photos") ||
        !bridge::holdsPictures(outputCount, batch, height, width, "output"))
      return TB_ERR_ARGUMENT;
    torch::NoGradGuard noGrad;
    t->generator->eval();
    auto photos = t->images(photoValues, batch, height, width);
    auto result = t->generator->forward(photos).to(torch::kCPU).contiguous();
    std::copy_n(result.data_ptr<float>(), result.numel(), output);
    return TB_OK;
  });
}

extern "C" tb_status tb_trainer_features(tb_trainer *t, const float *values, int64_t valueCount,
                                         int batch, int height, int width, float *output,
                                         int64_t count) {
  return guarded([&] {
    if (batch < 1 || height < 8 || width < 8 || height % 8 || width % 8)
      return fail(TB_ERR_ARGUMENT, "height and width must be positive multiples of 8");
    if (!bridge::holdsPictures(valueCount, batch, height, width, "images")) return TB_ERR_ARGUMENT;
    int64_t needed = int64_t(batch) * 512 * (height / 8) * (width / 8); // conv4_4: three poolings
    if (count != needed)
      return fail(TB_ERR_ARGUMENT, std::to_string(count) +
                                       " values of output where the features need " +
                                       std::to_string(needed));
    torch::NoGradGuard noGrad;
    auto pictures = t->images(values, batch, height, width);
    auto result = t->features(pictures).to(torch::kCPU).contiguous();
    std::copy_n(result.data_ptr<float>(), count, output);
    return TB_OK;
  });
}

extern "C" tb_status tb_loss_evaluate(tb_loss loss, const float *a, const float *b, int64_t count,
                                      int batch, int channels, float *value) {
  return guarded([&] {
    torch::NoGradGuard noGrad;
    auto x = torch::from_blob(const_cast<float *>(a), {count}, torch::kFloat);
    switch (loss) {
    case TB_LOSS_L1:
      *value = torch::l1_loss(x, torch::from_blob(const_cast<float *>(b), {count}, torch::kFloat))
                   .item<float>();
      return TB_OK;
    case TB_LOSS_LOGISTIC:
      *value = logistic(x, b[0]).item<float>();
      return TB_OK;
    case TB_LOSS_GRAM: {
      if (batch < 1 || channels < 1 || count % (int64_t(batch) * channels))
        return fail(TB_ERR_ARGUMENT, "count is not batch x channels x positions");
      auto y = torch::from_blob(const_cast<float *>(b), {count}, torch::kFloat);
      auto shape = std::vector<int64_t>{batch, channels, count / (int64_t(batch) * channels)};
      *value = styleLoss(x.view(shape), y.view(shape)).item<float>();
      return TB_OK;
    }
    }
    return fail(TB_ERR_ARGUMENT, "unknown loss");
  });
}
