// Round-robin placement: stream instances, in file order, go to units in turn. A stream that does not
// fit the next unit's free memory, or cannot run there (precision, placement), goes to the following one
// that can take it (never an overcommit).
// Requests are served first come, first served. The default policy and the baseline of every comparison.

#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

class RoundRobin : public Scheduler {
 public:
  explicit RoundRobin(const Params&) {}

  std::vector<int> place(const std::vector<StreamView>& streams, const std::vector<DeviceView>& units) override {
    std::vector<int> out(streams.size(), -1);
    MemoryTracker memory(units);
    std::size_t next = 0;
    for (std::size_t s = 0; s < streams.size(); ++s) {
      for (std::size_t tries = 0; tries < units.size(); ++tries) {
        const int u = static_cast<int>((next + tries) % units.size());
        if (policy::can_run(streams[s], u) && memory.fits(streams[s], u)) {
          out[s] = u;
          memory.add(streams[s], u);
          next = static_cast<std::size_t>(u) + 1;
          break;
        }
      }
    }
    return out;
  }
};

GPUSIM_REGISTER_SCHEDULER(
    RoundRobin, "round-robin",
    "streams go to units in turn (skipping one without room); first come, first served");

}  // namespace
}  // namespace gpusim
