// Earliest deadline first with admission control. A waiting request's deadline is its arrival + SLA; the
// free unit serves the earliest deadline (requests without an SLA come after, oldest first). On arrival a
// request is dropped when it cannot finish in time even if served after everything already admitted to
// its unit: predicted finish = max(now, predicted end of the admitted work) + predicted service.
// EDF is optimal for meeting deadlines on one processor (Liu and Layland 1973; Dertouzos 1974); dropping
// what cannot make it keeps a doomed request from making others late (admission control as in Clockwork,
// Gujarati et al. OSDI 2020, and the "SLA-aware ordering" of Blox's admission/scheduling split).
// With exact predictions on a unit serving one request at a time, no admitted request misses its
// deadline: every request that can go ahead of it in EDF order was admitted with a predicted finish before
// its own, earlier, deadline. The check is conservative: it may drop a request that EDF reordering could
// still have served.
// Placement is least-loaded (see least_loaded.cpp).

#include <algorithm>
#include <map>

#include "core/logging.hpp"
#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

const ParamDecl<int> kDropLate{
    "drop_late", 1, {0, 1}, "1: admission control drops requests predicted to be late; 0: order only"};
const ParamDecl<double> kServiceMargin{"service_margin", 1.0, ParamRange::positive(),
                                       "factor on the predicted service time in the admission check"};

class Edf : public Scheduler {
 public:
  explicit Edf(const Params& p)
      : drop_late_(kDropLate.read(p, scheduler_label("edf")) != 0),
        service_margin_(kServiceMargin.read(p, scheduler_label("edf"))) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    return policy::least_loaded_placement(streams, units);
  }

  bool per_request() const override { return true; }

  bool admit(const RequestView& r, const UnitState& unit) override {
    // The engine gives a per-request policy one dispatcher per unit: the unit's admitted requests run one
    // at a time. Its busy_until covers the queued work; the policy's own record also covers the running one.
    double& end = admitted_end_[unit.unit];
    const double start = std::max({unit.now.v, unit.busy_until.v, end});
    const double finish = start + r.predicted_service.v * service_margin_;
    if (drop_late_ && r.deadline && finish > r.deadline->v * (1 + 1e-12)) {
      logger("sched")->debug(
          "drop request {} of stream {}: predicted finish {:.6f} s after deadline {:.6f} s", r.id, r.stream,
          finish, r.deadline->v);
      return false;
    }
    end = finish;
    return true;
  }

  std::size_t pick(const UnitState&, const std::vector<RequestView>& waiting) override {
    std::size_t best = 0;
    for (std::size_t i = 1; i < waiting.size(); ++i) {
      if (earlier(waiting[i], waiting[best])) best = i;
    }
    return best;
  }

 private:
  // Strictly earlier deadline; no deadline counts as infinitely late; ties keep arrival order.
  static bool earlier(const RequestView& a, const RequestView& b) {
    if (!a.deadline) return false;
    if (!b.deadline) return true;
    return a.deadline->v < b.deadline->v;
  }

  bool drop_late_;
  double service_margin_;
  std::map<int, double> admitted_end_;  // unit -> predicted end of the admitted work
};

GPUSIM_REGISTER_SCHEDULER(
    Edf, "edf", "earliest deadline first; drops arrivals predicted to miss it; least-loaded placement",
    kDropLate, kServiceMargin);

}  // namespace
}  // namespace gpusim
