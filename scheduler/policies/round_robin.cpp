// Round-robin placement: stream instances, in file order, go to devices in turn. A stream that does not
// fit the next device's free memory goes to the following one that has room (never an overcommit).
// The default policy, and the baseline every other policy is compared against.

#include "scheduler/scheduler.hpp"

namespace gpusim {
namespace {

class RoundRobin : public Scheduler {
 public:
  explicit RoundRobin(const Params&) {}

  std::vector<int> place(const std::vector<StreamView>& streams, const std::vector<DeviceView>& devices) override {
    std::vector<int> out(streams.size(), -1);
    std::vector<double> free(devices.size());
    for (size_t d = 0; d < devices.size(); ++d) free[d] = devices[d].memory_capacity.v;
    size_t next = 0;
    for (size_t s = 0; s < streams.size(); ++s) {
      for (size_t tries = 0; tries < devices.size(); ++tries) {
        const size_t d = (next + tries) % devices.size();
        if (streams[s].memory.v <= free[d]) {
          out[s] = static_cast<int>(d);
          free[d] -= streams[s].memory.v;
          next = d + 1;
          break;
        }
      }
    }
    return out;
  }
};

GPUSIM_REGISTER_SCHEDULER(RoundRobin, "round-robin",
                          "streams go to devices in turn (skipping a device without room); FIFO on each device",
                          std::vector<ParamDoc>{});

}  // namespace
}  // namespace gpusim
