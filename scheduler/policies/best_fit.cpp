// Memory bin packing onto the fewest units: first-fit-decreasing order (largest memory first) with the
// best-fit rule (the open unit left with the least free memory), opening a new unit (the largest unused
// one) only when no open unit has room. Bin packing by memory is the classic consolidation heuristic
// (Johnson's FFD, 11/9 OPT + 6/9 bins); Nexus's "squishy" bin packing adds the second dimension used
// here: a unit is also full when its predicted utilisation (rate x isolated time) would pass a limit.
// Requests are served first come, first served.

#include "core/logging.hpp"
#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

const ParamDecl<double> kBestFitMaxUtilization{"max_utilization", 0.9, ParamRange::positive(),
                                        "a unit is full when its predicted utilisation (sum of rate x "
                                        "isolated time) would pass this; large values pack by memory only"};

class BestFit : public Scheduler {
 public:
  explicit BestFit(const Params& p)
      : max_utilization_(kBestFitMaxUtilization.read(p, scheduler_label("best-fit"))) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    std::vector<int> out(streams.size(), -1);
    MemoryTracker memory(units);
    std::vector<double> load(units.size(), 0.0);
    std::vector<bool> open(units.size(), false);
    const auto order = policy::order_by_descending(streams, [](const StreamView& s) { return s.memory.v; });
    for (const std::size_t i : order) {
      const StreamView& s = streams[i];
      auto room = [&](int u) { return policy::can_run(s, u) && memory.fits(s, u); };
      auto under_limit = [&](int u) {
        return load[u] + policy::utilisation(s, u) <= max_utilization_ * (1 + 1e-12);
      };
      int best = -1;
      // Best fit among the open units: the one left with the least free memory.
      for (const auto& unit : units) {
        const int u = unit.id;
        if (!open[u] || !room(u) || !under_limit(u)) continue;
        if (best < 0 || memory.free(u) - memory.cost(s, u) < memory.free(best) - memory.cost(s, best))
          best = u;
      }
      // Otherwise open the largest unused unit.
      if (best < 0) {
        for (const auto& unit : units) {
          const int u = unit.id;
          if (open[u] || !room(u) || !under_limit(u)) continue;
          if (best < 0 || unit.memory_capacity > units[best].memory_capacity) best = u;
        }
      }
      // Every unit is at its utilisation limit: overcommit the least loaded one that has memory room.
      if (best < 0) {
        for (const auto& unit : units) {
          const int u = unit.id;
          if (room(u) &&
              (best < 0 || load[u] + policy::utilisation(s, u) < load[best] + policy::utilisation(s, best))) {
            best = u;
          }
        }
      }
      if (best < 0) continue;
      out[i] = best;
      load[best] += policy::utilisation(s, best);
      memory.add(s, best);
      open[best] = true;
      logger("sched")->debug("{}#{} -> {} ({:.2f} GB free, load {:.3f})", s.workload, s.instance,
                             units[best].name, memory.free(best) / 1e9, load[best]);
    }
    return out;
  }

 private:
  double max_utilization_;
};

GPUSIM_REGISTER_SCHEDULER(
    BestFit, "best-fit",
    "memory bin packing onto the fewest units (largest first, best fit, load limit); FCFS", kBestFitMaxUtilization);

}  // namespace
}  // namespace gpusim
