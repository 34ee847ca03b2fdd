#include "BridgeSupport.hpp"

#include <torch/cuda.h>
#ifdef CEL_WITH_CUDA
#include <cuda_runtime_api.h>
#endif

#include <string>

using bridge::fail;
using bridge::guarded;

extern "C" int tb_cuda_device_count(void) {
  int count = 0;
  guarded([&] {
    count = int(torch::cuda::device_count());
    return TB_OK;
  });
  return count;
}

extern "C" tb_status tb_cuda_memory(int device, int64_t *free_bytes, int64_t *total_bytes) {
  return guarded([&] {
    if (device < 0 || device >= tb_cuda_device_count())
      return fail(TB_ERR_ARGUMENT, "no CUDA device " + std::to_string(device));
#ifdef CEL_WITH_CUDA
    size_t available = 0, total = 0;
    cudaError_t status = cudaSetDevice(device);
    if (status == cudaSuccess) status = cudaMemGetInfo(&available, &total);
    if (status != cudaSuccess) return fail(TB_ERR_TORCH, cudaGetErrorString(status));
    *free_bytes = int64_t(available);
    *total_bytes = int64_t(total);
    return TB_OK;
#else
    return fail(TB_ERR_ARGUMENT, "this build has no CUDA runtime");
#endif
  });
}
