#include "ProcessGroup.hpp"
#include "BridgeSupport.hpp"

// Debian's libtorch is built with Gloo; its header declares the group only when told so.
#define USE_C10D_GLOO 1
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>
// Defined by the build when the libtorch in use has CUDA and NCCL's headers beside it.
#ifdef USE_C10D_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>

using bridge::fail;
using bridge::guarded;

extern "C" tb_status tb_process_group_create(const char *store_host, int store_port, int rank,
                                             int size, const char *interface, const char *hostname,
                                             int timeout_ms, int cuda_device,
                                             tb_process_group **out) {
  *out = nullptr;
  return guarded([&] {
    if (size < 1 || rank < 0 || rank >= size)
      return fail(TB_ERR_ARGUMENT, "rank must lie in 0..<world size");
    if (store_port < 1 || store_port > 65535)
      return fail(TB_ERR_ARGUMENT, "port must lie in 1...65535");
#ifndef USE_C10D_NCCL
    if (cuda_device >= 0)
      return fail(TB_ERR_ARGUMENT, "no NCCL: this libtorch was built without CUDA and NCCL");
#endif
    if (cuda_device >= tb_cuda_device_count())
      return fail(TB_ERR_ARGUMENT, "no CUDA device " + std::to_string(cuda_device) + " for NCCL");
    auto timeout = std::chrono::milliseconds(timeout_ms);
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = uint16_t(store_port);
    storeOptions.isServer = rank == 0;
    storeOptions.numWorkers = size;
    storeOptions.waitWorkers = true;
    storeOptions.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(std::string(store_host), storeOptions);
    auto group = std::make_unique<tb_process_group>();
#ifdef USE_C10D_NCCL
    if (cuda_device >= 0) {
      c10::cuda::set_device(c10::DeviceIndex(cuda_device));
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      group->group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, options);
      group->cudaDevice = cuda_device;
    }
#endif
    if (!group->group) {
      auto options = c10d::ProcessGroupGloo::Options::create();
      options->timeout = timeout;
      options->devices.push_back(
          interface  ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
          : hostname ? c10d::ProcessGroupGloo::createDeviceForHostname(hostname)
                     : c10d::ProcessGroupGloo::createDefaultDevice());
      group->group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
    }
    group->rank = rank;
    group->size = size;
    *out = group.release();
    return TB_OK;
  });
}

extern "C" void tb_process_group_free(tb_process_group *group) { delete group; }

extern "C" tb_status tb_process_group_average(tb_process_group *group, float *values,
                                              int64_t count) {
  return guarded([&] {
    at::Tensor host = torch::from_blob(values, {count}, torch::kFloat);
    std::vector<at::Tensor> tensors{
        group->cudaDevice < 0 ? host : host.to(at::Device(at::kCUDA, int8_t(group->cudaDevice)))};
    group->group->allreduce(tensors)->wait();
    tensors[0].div_(group->size);
    if (group->cudaDevice >= 0) host.copy_(tensors[0]);
    return TB_OK;
  });
}
