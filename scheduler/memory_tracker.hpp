#pragma once
/// Memory bookkeeping for placement policies: a workload's weights are stored once per unit (shared by
/// its instances there), activations once per instance.

#include <set>
#include <utility>
#include <vector>

#include "scheduler/scheduler.hpp"

namespace gpusim {

class MemoryTracker {
 public:
  explicit MemoryTracker(const std::vector<DeviceView>& units) : free_(units.size()) {
    for (std::size_t u = 0; u < units.size(); ++u) free_[u] = units[u].memory_capacity.v;
  }
  /// Bytes `s` would add to unit `u`.
  double cost(const StreamView& s, int u) const {
    const bool weights_there = resident_.count({u, s.workload_index}) > 0;
    return s.memory.v - (weights_there ? s.weights.v : 0.0);
  }
  bool fits(const StreamView& s, int u) const { return cost(s, u) <= free_[u] * (1 + 1e-12); }
  void add(const StreamView& s, int u) {
    free_[u] -= cost(s, u);
    resident_.insert({u, s.workload_index});
  }
  double free(int u) const { return free_[u]; }

 private:
  std::vector<double> free_;
  std::set<std::pair<int, int>> resident_;  // (unit, workload) pairs whose weights are loaded
};

}  // namespace gpusim
