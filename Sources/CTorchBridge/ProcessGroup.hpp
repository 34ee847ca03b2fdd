// A group of training processes, shared by the process-group and trainer translation units.
#pragma once
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>

struct tb_process_group {
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  int rank = 0, size = 1;
};
