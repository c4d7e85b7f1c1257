// Least-loaded placement: every stream goes to the unit whose predicted utilisation (the sum over its
// streams of arrival rate x isolated service time) is lowest after adding it, largest streams first (the
// LPT rule of Graham's list scheduling). Balancing predicted load rather than stream counts is what
// load-balancing serving systems do (Clipper, INFaaS's least-loaded worker, Blox's placement stage);
// using the roofline-predicted service time makes it aware of heterogeneous units. Requests are served
// first come, first served.

#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

class LeastLoaded : public Scheduler {
 public:
  explicit LeastLoaded(const Params&) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    return policy::least_loaded_placement(streams, units);
  }
};

GPUSIM_REGISTER_SCHEDULER(
    LeastLoaded, "least-loaded",
    "largest first, each to the unit with the lowest predicted utilisation after it; FCFS");

}  // namespace
}  // namespace gpusim
