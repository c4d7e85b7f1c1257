// MPS share provisioning: chooses each stream's active-thread share (CUDA_MPS_ACTIVE_THREAD_PERCENTAGE)
// so that its predicted latency meets its SLA, and places streams so that the shares they need fit.
//
// The rule. With a share f of the SMs a request's compute term stretches to tc / f while its memory term
// tm is unchanged, so with T its isolated time (every kernel of a request has the same compute:memory
// ratio, as the explicit model descriptor gives) its service time is
//     L(f) = T - max(tc, tm) + max(tc / f, tm),
// and with its own arrivals queueing in front of it (M/D/1, rho = rate x L(f)) its predicted latency is
//     R(f) = L(f) + rho L(f) / (2 (1 - rho)).
// A stream's need is the smallest f in [min_share, 1] with R(f) <= sla_fraction x SLA and rho <=
// max_utilization (without an SLA, only the second), found by bisection; 1 when even f = 1 misses.
// On each MPS unit the shares are the needs scaled to sum to 1: every stream gets at least its need when
// they fit, and every stream falls short by the same factor when they do not. Streams on other units
// get 1 (no cap).
//
// Placement balances units, largest first: each stream goes to the unit where the larger of (sum of needed
// shares) and (predicted bandwidth utilisation sum rate x tm / max_utilization) is smallest after adding
// it, so the SMs each stream needs are there and memory-bound streams, which a share does not protect,
// are spread. On a serial unit the share a stream consumes is its utilisation, rate x T.
// The idea follows iGniter (Xu et al., TPDS 2022), which provisions GPU resources per inference workload
// with MPS from a performance model to meet its SLO, and gpu-lets (Choi et al., ATC 2022), which sizes
// spatial GPU partitions per model from its latency curve. Requests are served first come, first served.

#include <algorithm>

#include "core/logging.hpp"
#include "scheduler/policies/load.hpp"

namespace gpusim {
namespace {

const ParamDecl<double> kMpsSlaFraction{
    "sla_fraction", 0.8, {0.01, 1.0}, "share of the SLA the predicted latency may take"};
const ParamDecl<double> kMpsMaxUtilization{
    "max_utilization",
    0.9,
    {0.01, 1.0},
    "a stream's busy fraction, rate x service time, must stay below this"};
const ParamDecl<double> kMpsMinShare{"min_share", 0.05, {0.001, 1.0}, "smallest share a stream is given"};

class MpsShare : public Scheduler {
 public:
  explicit MpsShare(const Params& p)
      : sla_fraction_(kMpsSlaFraction.read(p, scheduler_label("mps-share"))),
        max_utilization_(kMpsMaxUtilization.read(p, scheduler_label("mps-share"))),
        min_share_(kMpsMinShare.read(p, scheduler_label("mps-share"))) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    std::vector<int> out(streams.size(), -1);
    std::vector<double> shares(units.size(), 0.0);
    std::vector<double> bandwidth(units.size(), 0.0);
    MemoryTracker memory(units);
    auto pressure = [&](const StreamView& s, const DeviceView& u) {
      return std::max(shares[u.id] + demand(s, u),
                      (bandwidth[u.id] + s.rate.v * s.memory_time[u.id].v) / max_utilization_);
    };
    const auto order = policy::order_by_descending(streams, [&](const StreamView& s) {
      for (const auto& u : units) {
        if (policy::can_run(s, u.id))
          return std::max(demand(s, u), s.rate.v * s.memory_time[u.id].v / max_utilization_);
      }
      return 0.0;
    });
    for (const std::size_t i : order) {
      const StreamView& s = streams[i];
      int best = -1;
      for (const auto& u : units) {
        if (!policy::can_run(s, u.id) || !memory.fits(s, u.id)) continue;
        if (best < 0 || pressure(s, u) < pressure(s, units[best])) best = u.id;
      }
      if (best < 0) continue;
      out[i] = best;
      shares[best] += demand(s, units[best]);
      bandwidth[best] += s.rate.v * s.memory_time[best].v;
      memory.add(s, best);
      logger("sched")->debug("{}#{} -> {} (needs {:.3f}; unit: shares {:.3f}, bandwidth {:.3f})", s.workload,
                             s.instance, units[best].name, demand(s, units[best]), shares[best],
                             bandwidth[best]);
    }
    return out;
  }

  std::vector<double> mps_shares(const std::vector<StreamView>& streams, const std::vector<DeviceView>& units,
                                 const std::vector<int>& placement) override {
    std::vector<double> total(units.size(), 0.0);
    for (std::size_t i = 0; i < streams.size(); ++i) total[placement[i]] += need(streams[i], placement[i]);
    std::vector<double> out(streams.size(), 1.0);
    for (std::size_t i = 0; i < streams.size(); ++i) {
      const int u = placement[i];
      if (units[u].sharing != "mps") continue;
      out[i] = std::clamp(need(streams[i], u) / total[u], 1e-3, 1.0);
      logger("sched")->debug("{}#{} on {}: MPS share {:.3f} (needs {:.3f})", streams[i].workload,
                             streams[i].instance, units[u].name, out[i], need(streams[i], u));
    }
    return out;
  }

 private:
  /// True when stream `s` on unit `u` with SM share `f` keeps up (rho <= max_utilization) and, if it has an
  /// SLA, its predicted latency R(f) is within sla_fraction of it.
  bool meets(const StreamView& s, int u, double f) const {
    const double tc = s.compute_time[u].v;
    const double tm = s.memory_time[u].v;
    const double service = policy::service_time(s, u) - std::max(tc, tm) + std::max(tc / f, tm);
    const double rho = s.rate.v * service;
    if (rho > max_utilization_) return false;
    if (!s.sla) return true;
    return service + rho * service / (2 * (1 - rho)) <= sla_fraction_ * s.sla->v;
  }

  /// Smallest SM share with which stream `s` meets its target on unit `u` (see the rule above).
  double need(const StreamView& s, int u) const {
    if (s.compute_time[u].v <= 0 || meets(s, u, min_share_)) return min_share_;
    if (!meets(s, u, 1.0)) return 1.0;
    double lo = min_share_, hi = 1.0;  // meets(lo) is false, meets(hi) is true
    for (int k = 0; k < 60; ++k) {
      const double mid = 0.5 * (lo + hi);
      (meets(s, u, mid) ? hi : lo) = mid;
    }
    return hi;
  }

  /// Share of unit `u` stream `s` consumes: its need on an MPS unit, its utilisation elsewhere.
  double demand(const StreamView& s, const DeviceView& u) const {
    return u.sharing == "mps" ? need(s, u.id) : policy::utilisation(s, u.id);
  }

  double sla_fraction_;
  double max_utilization_;
  double min_share_;
};

GPUSIM_REGISTER_SCHEDULER(
    MpsShare, "mps-share",
    "MPS shares sized so each stream's predicted latency meets its SLA; balanced placement", kMpsSlaFraction,
    kMpsMaxUtilization, kMpsMinShare);

}  // namespace
}  // namespace gpusim
