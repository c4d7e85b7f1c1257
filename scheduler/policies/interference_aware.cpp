// Interference-aware placement: predicts, for every unit, how much the streams placed there slow each
// other down, and puts each stream (largest first) where the predicted added slowdown is smallest. The
// prediction uses the two roofline terms of each stream (compute time and memory time per request):
//   concurrent units (MPS), where kernels of different streams overlap and share SMs and the memory bus:
//     slowdown_i = 1 + (tc_i x (Uc - uc_i) + tm_i x (Um - um_i)) / T_i
//     with uc = rate x tc and um = rate x tm (busy fractions of compute and bandwidth), Uc, Um their sums:
//     while stream i computes, another stream computes with probability Uc - uc_i and halves its SMs.
//   serial units (time-slice, MIG slice), where requests take turns: slowdown = 1 + rho / (2 (1 - rho))
//     (M/D/1 response time over service time), rho = sum of rate x isolated time.
// A unit whose predicted compute or bandwidth utilisation (serial: rho) passes max_utilization is
// overloaded. Candidates compare by (overload added, predicted SLA misses added, slowdown added), so a
// compute-heavy stream lands beside memory-heavy ones rather than beside another compute-heavy one.
// The idea is that of iGniter (Xu et al., TPDS 2022: interference-aware GPU provisioning from a
// performance model of co-located inference) and Prophet/Bubble-Up (predict co-location slowdown from
// each task's pressure on shared resources). Requests are served first come, first served.

#include <cmath>

#include "core/logging.hpp"
#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

/// A unit's predicted state for a set of streams; compared lexicographically.
struct Cost {
  double overload = 0;  ///< utilisation beyond the limit, summed over resources
  int sla_misses = 0;   ///< streams whose predicted latency passes their SLA
  double slowdown = 0;  ///< sum of predicted slowdowns
  Cost operator-(const Cost& o) const {
    return {overload - o.overload, sla_misses - o.sla_misses, slowdown - o.slowdown};
  }
  bool operator<(const Cost& o) const {
    constexpr double eps = 1e-12;
    if (std::abs(overload - o.overload) > eps) return overload < o.overload;
    if (sla_misses != o.sla_misses) return sla_misses < o.sla_misses;
    return slowdown < o.slowdown - eps;
  }
};

const ParamDecl<double> kAwareMaxUtilization{
    "max_utilization",
    0.95,
    {0.01, 1.0},
    "predicted compute or bandwidth utilisation of a unit above which it counts as overloaded"};

class InterferenceAware : public Scheduler {
 public:
  explicit InterferenceAware(const Params& p)
      : max_utilization_(kAwareMaxUtilization.read(p, scheduler_label("interference-aware"))) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    std::vector<int> out(streams.size(), -1);
    std::vector<std::vector<const StreamView*>> on(units.size());
    MemoryTracker memory(units);
    for (const std::size_t i : policy::order_by_descending(streams, policy::size_of)) {
      const StreamView& s = streams[i];
      int best = -1;
      Cost best_delta;
      for (const auto& unit : units) {
        const int u = unit.id;
        if (!policy::can_run(s, u) || !memory.fits(s, u)) continue;
        auto with = on[u];
        with.push_back(&s);
        const Cost delta = cost(with, unit) - cost(on[u], unit);
        if (best < 0 || delta < best_delta) {
          best = u;
          best_delta = delta;
        }
      }
      if (best < 0) continue;
      out[i] = best;
      on[best].push_back(&s);
      memory.add(s, best);
      logger("sched")->debug("{}#{} -> {} (added slowdown {:.3f}, overload {:.3f})", s.workload, s.instance,
                             units[best].name, best_delta.slowdown, best_delta.overload);
    }
    return out;
  }

 private:
  /// Predicted cost of running `set` together on `unit`.
  Cost cost(const std::vector<const StreamView*>& set, const DeviceView& unit) const {
    Cost c;
    if (set.empty()) return c;
    const int u = unit.id;
    std::vector<double> slow(set.size(), 1.0);
    if (unit.sharing == "mps") {
      double uc = 0;
      double um = 0;
      for (const auto* s : set) {
        uc += s->rate.v * s->compute_time[u].v;
        um += s->rate.v * s->memory_time[u].v;
      }
      c.overload = std::max(0.0, uc - max_utilization_) + std::max(0.0, um - max_utilization_);
      for (std::size_t k = 0; k < set.size(); ++k) {
        const StreamView& s = *set[k];
        const double tc = s.compute_time[u].v;
        const double tm = s.memory_time[u].v;
        const double t = policy::service_time(s, u);
        if (t > 0) slow[k] += (tc * (uc - s.rate.v * tc) + tm * (um - s.rate.v * tm)) / t;
      }
    } else {
      double rho = 0;
      for (const auto* s : set) rho += policy::utilisation(*s, u);
      c.overload = std::max(0.0, rho - max_utilization_);
      const double r = std::min(rho, max_utilization_);
      for (auto& x : slow) x += r / (2 * (1 - r));
    }
    for (std::size_t k = 0; k < set.size(); ++k) {
      c.slowdown += slow[k];
      const StreamView& s = *set[k];
      if (s.sla && slow[k] * policy::service_time(s, u) > s.sla->v) ++c.sla_misses;
    }
    return c;
  }

  double max_utilization_;
};

GPUSIM_REGISTER_SCHEDULER(
    InterferenceAware, "interference-aware",
    "places where co-runners' predicted compute and bandwidth slowdown grows least; FCFS", kAwareMaxUtilization);

}  // namespace
}  // namespace gpusim
