#include "BridgeSupport.hpp"

#include <torch/torch.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

using bridge::fail;
using bridge::guarded;
namespace nn = torch::nn;

namespace {

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, bool reflect = true) {
  auto options = nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2);
  if (reflect) options.padding_mode(torch::kReflect);
  return nn::Conv2d(options);
}

nn::AnyModule norm(int64_t channels, bool batch) {
  if (batch) return nn::AnyModule(nn::BatchNorm2d(channels));
  return nn::AnyModule(nn::InstanceNorm2d(nn::InstanceNorm2dOptions(channels).affine(true)));
}

struct ResidualBlockImpl : nn::Module {
  nn::Conv2d first{nullptr}, second{nullptr};
  nn::AnyModule firstNorm, secondNorm;
  ResidualBlockImpl(int64_t channels, bool batch) {
    first = register_module("conv1", conv(channels, channels, 3));
    firstNorm = norm(channels, batch);
    register_module("norm1", firstNorm.ptr());
    second = register_module("conv2", conv(channels, channels, 3));
    secondNorm = norm(channels, batch);
    register_module("norm2", secondNorm.ptr());
  }
  torch::Tensor forward(const torch::Tensor &x) {
    auto y = torch::relu(firstNorm.forward(first->forward(x)));
    return secondNorm.forward(second->forward(y)) + x;
  }
};
TORCH_MODULE(ResidualBlock);

/* The CartoonGAN generator with PyTorch's norm layers. */
struct GeneratorNetImpl : nn::Module {
  nn::Sequential body;
  explicit GeneratorNetImpl(bool batch) {
    auto up = [&](int64_t in, int64_t out) {
      return nn::ConvTranspose2d(
          nn::ConvTranspose2dOptions(in, out, 3).stride(2).padding(1).output_padding(1));
    };
    nn::Sequential s;
    s->push_back(conv(3, 64, 7));
    s->push_back(norm(64, batch));
    s->push_back(nn::ReLU());
    s->push_back(conv(64, 128, 3, 2));
    s->push_back(conv(128, 128, 3));
    s->push_back(norm(128, batch));
    s->push_back(nn::ReLU());
    s->push_back(conv(128, 256, 3, 2));
    s->push_back(conv(256, 256, 3));
    s->push_back(norm(256, batch));
    s->push_back(nn::ReLU());
    for (int i = 0; i < 8; ++i) s->push_back(ResidualBlock(256, batch));
    s->push_back(up(256, 128));
    s->push_back(conv(128, 128, 3));
    s->push_back(norm(128, batch));
    s->push_back(nn::ReLU());
    s->push_back(up(128, 64));
    s->push_back(conv(64, 64, 3));
    s->push_back(norm(64, batch));
    s->push_back(nn::ReLU());
    s->push_back(conv(64, 3, 7));
    s->push_back(nn::Tanh());
    body = register_module("body", s);
  }
  torch::Tensor forward(const torch::Tensor &x) { return body->forward(x); }
};
TORCH_MODULE(GeneratorNet);

/* The paper's patch discriminator: flat conv 32; two strided blocks to 64/128 and 128/256
 * with LeakyReLU 0.2; a 256-channel block; a 3x3 conv to one channel (logits). */
struct DiscriminatorNetImpl : nn::Module {
  nn::Sequential body;
  explicit DiscriminatorNetImpl(bool batch) {
    auto leaky = [] { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); };
    nn::Sequential s;
    s->push_back(conv(3, 32, 3, 1, false));
    s->push_back(leaky());
    s->push_back(conv(32, 64, 3, 2, false));
    s->push_back(leaky());
    s->push_back(conv(64, 128, 3, 1, false));
    s->push_back(norm(128, batch));
    s->push_back(leaky());
    s->push_back(conv(128, 128, 3, 2, false));
    s->push_back(leaky());
    s->push_back(conv(128, 256, 3, 1, false));
    s->push_back(norm(256, batch));
    s->push_back(leaky());
    s->push_back(conv(256, 256, 3, 1, false));
    s->push_back(norm(256, batch));
    s->push_back(leaky());
    s->push_back(conv(256, 1, 3, 1, false));
    body = register_module("body", s);
  }
  torch::Tensor forward(const torch::Tensor &x) { return body->forward(x); }
};
TORCH_MODULE(DiscriminatorNet);

/* VGG19's features up to conv4_4, indexed as torchvision's `features` (0 ... 25). */
struct VGGFeaturesImpl : nn::Module {
  std::vector<std::pair<int, nn::Conv2d>> convolutions;
  VGGFeaturesImpl() {
    const int layers[][3] = {{0, 3, 64},    {2, 64, 64},   {5, 64, 128},  {7, 128, 128},
                             {10, 128, 256}, {12, 256, 256}, {14, 256, 256}, {16, 256, 256},
                             {19, 256, 512}, {21, 512, 512}, {23, 512, 512}, {25, 512, 512}};
    for (const auto &layer : layers) {
      auto c = nn::Conv2d(nn::Conv2dOptions(layer[1], layer[2], 3).padding(1));
      convolutions.emplace_back(layer[0], register_module("features_" + std::to_string(layer[0]), c));
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    for (size_t i = 0; i < convolutions.size(); ++i) {
      int index = convolutions[i].first;
      if (index == 5 || index == 10 || index == 19) x = torch::max_pool2d(x, 2, 2);
      x = convolutions[i].second->forward(x);
      if (index != 25) x = torch::relu(x);
    }
    return x;
  }
};
TORCH_MODULE(VGGFeatures);

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
  std::map<std::string, torch::Tensor> tensors; /* every named tensor, by checkpoint name */
  std::vector<std::string> names;
  std::map<std::string, AdamState> adam;
  int64_t generatorSteps = 0, discriminatorSteps = 0;
  torch::Tensor mean, deviation; /* ImageNet normalisation, RGB */

  explicit tb_trainer(const tb_trainer_options &o)
      : options(o), generator(nullptr), discriminator(nullptr), vgg(nullptr) {
    torch::manual_seed(o.seed);
    generator = GeneratorNet(o.batch_norm != 0);
    discriminator = DiscriminatorNet(o.batch_norm != 0);
    vgg = VGGFeatures();
    for (auto &p : vgg->parameters()) p.set_requires_grad(false);
    collect("g.", *generator, true);
    collect("d.", *discriminator, true);
    for (auto &item : vgg->named_parameters()) {
      // "features_0.weight" is torchvision's "features.0.weight".
      std::string key = item.key();
      key.replace(0, 9, "features.");
      add("vgg." + key, item.value());
    }
    mean = torch::tensor({0.485f, 0.456f, 0.406f}).view({1, 3, 1, 1});
    deviation = torch::tensor({0.229f, 0.224f, 0.225f}).view({1, 3, 1, 1});
  }

  void add(const std::string &name, torch::Tensor tensor) {
    names.push_back(name);
    tensors[name] = tensor;
  }

  void collect(const std::string &prefix, nn::Module &module, bool withAdam) {
    for (auto &item : module.named_parameters()) {
      add(prefix + item.key(), item.value());
      if (withAdam) {
        AdamState state{torch::zeros_like(item.value()), torch::zeros_like(item.value())};
        adam[prefix + item.key()] = state;
        add("adam." + prefix + item.key() + ".exp_avg", state.average);
        add("adam." + prefix + item.key() + ".exp_avg_sq", state.squares);
      }
    }
    for (auto &item : module.named_buffers()) add(prefix + item.key(), item.value());
  }

  torch::Tensor features(const torch::Tensor &images) {
    return vgg->forward(((images + 1) / 2 - mean) / deviation);
  }

  /* Adam as PyTorch's torch.optim.Adam computes it, on the state kept here by name. */
  void adamStep(const std::string &prefix, nn::Module &module, float rate, int64_t step) {
    torch::NoGradGuard noGrad;
    double b1 = options.beta1, b2 = options.beta2;
    double correction1 = 1 - std::pow(b1, double(step)), correction2 = 1 - std::pow(b2, double(step));
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

  torch::Tensor contentLoss(const torch::Tensor &photos, const torch::Tensor &generated) {
    return torch::l1_loss(features(generated), features(photos).detach());
  }
};

extern "C" tb_status tb_trainer_create(const tb_trainer_options *options, tb_trainer **out) {
  return guarded([&] {
    *out = new tb_trainer(*options);
    return TB_OK;
  });
}

extern "C" void tb_trainer_free(tb_trainer *trainer) { delete trainer; }

extern "C" int tb_trainer_tensor_count(const tb_trainer *trainer) { return int(trainer->names.size()); }

extern "C" tb_status tb_trainer_tensor(const tb_trainer *trainer, int index, const char **name,
                                       int *rank, int64_t shape[4]) {
  return guarded([&] {
    if (index < 0 || size_t(index) >= trainer->names.size())
      return fail(TB_ERR_ARGUMENT, "no tensor at this index");
    const std::string &key = trainer->names[size_t(index)];
    const auto &tensor = trainer->tensors.at(key);
    *name = key.c_str();
    *rank = int(tensor.dim());
    for (int64_t i = 0; i < 4; ++i) shape[i] = i < tensor.dim() ? tensor.size(i) : 0;
    return TB_OK;
  });
}

extern "C" tb_status tb_trainer_set_tensor(tb_trainer *trainer, const char *name, const float *values,
                                           int64_t count) {
  return guarded([&] {
    auto found = trainer->tensors.find(name);
    if (found == trainer->tensors.end()) return fail(TB_ERR_ARGUMENT, std::string("no tensor named ") + name);
    auto &tensor = found->second;
    if (count != tensor.numel()) return fail(TB_ERR_ARGUMENT, std::string("wrong size for ") + name);
    torch::NoGradGuard noGrad;
    if (tensor.scalar_type() == torch::kFloat) {
      std::copy_n(values, count, tensor.data_ptr<float>());
    } else {  // integer buffers (batch norm's batch count)
      tensor.copy_(torch::from_blob(const_cast<float *>(values), tensor.sizes(), torch::kFloat));
    }
    return TB_OK;
  });
}

extern "C" tb_status tb_trainer_get_tensor(const tb_trainer *trainer, const char *name, float *values,
                                           int64_t count) {
  return guarded([&] {
    auto found = trainer->tensors.find(name);
    if (found == trainer->tensors.end()) return fail(TB_ERR_ARGUMENT, std::string("no tensor named ") + name);
    if (count != found->second.numel()) return fail(TB_ERR_ARGUMENT, std::string("wrong size for ") + name);
    auto floats = found->second.to(torch::kFloat).contiguous();
    std::copy_n(floats.data_ptr<float>(), count, values);
    return TB_OK;
  });
}

extern "C" void tb_trainer_get_steps(const tb_trainer *trainer, int64_t *generator, int64_t *discriminator) {
  *generator = trainer->generatorSteps;
  *discriminator = trainer->discriminatorSteps;
}

extern "C" void tb_trainer_set_steps(tb_trainer *trainer, int64_t generator, int64_t discriminator) {
  trainer->generatorSteps = generator;
  trainer->discriminatorSteps = discriminator;
}

extern "C" void tb_trainer_set_rates(tb_trainer *trainer, float generator, float discriminator) {
  trainer->options.generator_rate = generator;
  trainer->options.discriminator_rate = discriminator;
}

static torch::Tensor images(const float *values, int batch, int height, int width) {
  return torch::from_blob(const_cast<float *>(values), {batch, 3, height, width}, torch::kFloat);
}

static float accuracy(const torch::Tensor &logits, bool real) {
  auto hits = real ? (logits > 0) : (logits <= 0);
  return hits.to(torch::kFloat).mean().item<float>();
}

extern "C" tb_status tb_trainer_step(tb_trainer *t, int initialisation, const float *photoValues,
                                     const float *styleValues, const float *smoothValues, int batch,
                                     int size, tb_step_losses *losses) {
  return guarded([&] {
    if (batch < 1 || size < 16 || size % 8) return fail(TB_ERR_ARGUMENT, "size must be a multiple of 8, at least 16");
    auto photos = images(photoValues, batch, size, size);
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
    auto styles = images(styleValues, batch, size, size);
    auto smoothed = images(smoothValues, batch, size, size);

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

extern "C" tb_status tb_trainer_generate(tb_trainer *t, const float *photoValues, int batch, int height,
                                         int width, float *output) {
  return guarded([&] {
    if (height % 4 || width % 4) return fail(TB_ERR_ARGUMENT, "height and width must be multiples of 4");
    torch::NoGradGuard noGrad;
    t->generator->eval();
    auto result = t->generator->forward(images(photoValues, batch, height, width)).contiguous();
    std::copy_n(result.data_ptr<float>(), result.numel(), output);
    return TB_OK;
  });
}

extern "C" tb_status tb_trainer_features(tb_trainer *t, const float *values, int batch, int height,
                                         int width, float *output, int64_t count) {
  return guarded([&] {
    torch::NoGradGuard noGrad;
    auto result = t->features(images(values, batch, height, width)).contiguous();
    if (result.numel() != count) return fail(TB_ERR_ARGUMENT, "output size does not match");
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
      *value = torch::l1_loss(x, torch::from_blob(const_cast<float *>(b), {count}, torch::kFloat)).item<float>();
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
