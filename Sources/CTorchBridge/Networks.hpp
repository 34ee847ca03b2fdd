// The networks training builds, as torch::nn modules named as checkpoints store them.
#pragma once
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace networks {

namespace nn = torch::nn;

inline nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1,
                       bool reflect = true) {
  auto options = nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2);
  if (reflect) options.padding_mode(torch::kReflect);
  return nn::Conv2d(options);
}

inline nn::AnyModule norm(int64_t channels, bool batch) {
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
    const int layers[][3] = {{0, 3, 64},     {2, 64, 64},    {5, 64, 128},   {7, 128, 128},
                             {10, 128, 256}, {12, 256, 256}, {14, 256, 256}, {16, 256, 256},
                             {19, 256, 512}, {21, 512, 512}, {23, 512, 512}, {25, 512, 512}};
    for (const auto &layer : layers) {
      auto c = nn::Conv2d(nn::Conv2dOptions(layer[1], layer[2], 3).padding(1));
      convolutions.emplace_back(layer[0],
                                register_module("features_" + std::to_string(layer[0]), c));
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

} // namespace networks
