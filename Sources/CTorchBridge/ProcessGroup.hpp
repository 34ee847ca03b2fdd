// A group of training processes, shared by the process-group and trainer translation units.
#pragma once
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/version.h>

struct tb_process_group {
#if TORCH_VERSION_MAJOR >= 2
  // From libtorch 2.0 ProcessGroupGloo is a c10d::Backend, no longer a c10d::ProcessGroup;
  // the bridge calls its collectives directly, as it called the group's before.
  c10::intrusive_ptr<c10d::Backend> group;
#else
  c10::intrusive_ptr<c10d::ProcessGroup> group;
#endif
  int rank = 0, size = 1;
  int cudaDevice = -1; // NCCL's device; -1 for Gloo on the CPU
};
