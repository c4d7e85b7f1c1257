#include "scheduler/policies/load.hpp"

#include "core/logging.hpp"

namespace gpusim::policy {

std::vector<int> least_loaded_placement(const std::vector<StreamView>& streams,
                                        const std::vector<DeviceView>& units) {
  std::vector<int> out(streams.size(), -1);
  std::vector<double> load(units.size(), 0.0);
  MemoryTracker memory(units);
  // Largest first (LPT): big streams are placed while every unit still has room to balance them.
  const auto order = order_by_descending(streams, size_of);
  for (const std::size_t i : order) {
    const StreamView& s = streams[i];
    int best = -1;
    double best_load = 0;
    for (const auto& unit : units) {
      const int u = unit.id;
      if (!can_run(s, u) || !memory.fits(s, u)) continue;
      const double after = load[u] + utilisation(s, u);
      if (best < 0 || after < best_load) {
        best = u;
        best_load = after;
      }
    }
    if (best < 0) continue;
    out[i] = best;
    load[best] = best_load;
    memory.add(s, best);
    logger("sched")->debug("{}#{} -> {} (predicted load {:.3f})", s.workload, s.instance, units[best].name,
                           best_load);
  }
  return out;
}

}  // namespace gpusim::policy
