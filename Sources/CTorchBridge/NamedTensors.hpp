// Tensors reachable by name, in a fixed order: what the bridge's objects list, and what
// Swift reads and writes for weight files and checkpoints.
#pragma once
#include "BridgeSupport.hpp"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace bridge {

class NamedTensors {
  std::vector<std::string> names;
  std::map<std::string, at::Tensor> tensors;

public:
  void add(const std::string &name, at::Tensor tensor) {
    names.push_back(name);
    tensors[name] = std::move(tensor);
  }

  /* A module's parameters, then its buffers (batch norm's running statistics), under
   * `prefix`: the one order the trainer and a generator standing alone both list. */
  void addModule(const std::string &prefix, const torch::nn::Module &module) {
    for (const auto &item : module.named_parameters()) add(prefix + item.key(), item.value());
    for (const auto &item : module.named_buffers()) add(prefix + item.key(), item.value());
  }

  int count() const { return int(names.size()); }

  const at::Tensor &operator[](const std::string &name) const { return tensors.at(name); }

  /* The name (valid while this lives), rank and up to four sizes of the tensor at `index`. */
  tb_status describe(int index, const char **name, int *rank, int64_t shape[4]) const {
    if (index < 0 || size_t(index) >= names.size())
      return fail(TB_ERR_ARGUMENT, "no tensor at this index");
    const std::string &key = names[size_t(index)];
    const at::Tensor &tensor = tensors.at(key);
    *name = key.c_str();
    *rank = int(tensor.dim());
    for (int64_t i = 0; i < 4; ++i) shape[i] = i < tensor.dim() ? tensor.size(i) : 0;
    return TB_OK;
  }

  /* Copies float32 values in; integer tensors (batch norm's batch count) are converted. */
  tb_status set(const char *name, const float *values, int64_t count) {
    auto found = tensors.find(name);
    if (found == tensors.end())
      return fail(TB_ERR_ARGUMENT, std::string("no tensor named ") + name);
    at::Tensor &tensor = found->second;
    if (count != tensor.numel())
      return fail(TB_ERR_ARGUMENT, std::string("wrong size for ") + name);
    at::NoGradGuard noGrad;
    tensor.copy_(at::from_blob(const_cast<float *>(values), tensor.sizes(), at::kFloat));
    return TB_OK;
  }

  tb_status get(const char *name, float *values, int64_t count) const {
    auto found = tensors.find(name);
    if (found == tensors.end())
      return fail(TB_ERR_ARGUMENT, std::string("no tensor named ") + name);
    if (count != found->second.numel())
      return fail(TB_ERR_ARGUMENT, std::string("wrong size for ") + name);
    at::Tensor floats = found->second.to(at::kCPU, at::kFloat).contiguous();
    std::copy_n(floats.data_ptr<float>(), count, values);
    return TB_OK;
  }
};

} // namespace bridge
