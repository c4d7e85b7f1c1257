// slo-pack: an example external scheduling policy, loaded with `--scheduler-plugin`.
//
// SLO-aware consolidation: put each stream (busiest first) on the busiest unit already in use on which
// every stream still meets its SLA by the predicted latency, and open a new unit only when none does.
// The predicted latency of a request on a unit is its isolated service time plus the mean queueing delay
// of an M/G/1 queue (Pollaczek-Khinchine): W = sum_i(rate_i x T_i^2) / (2 (1 - rho)), rho = sum_i rate_i x
// T_i, over the streams of the unit, as if they took turns (conservative on MPS units, where they overlap).
// The idea is Nexus's (Shen et al., SOSP 2019) and Clipper's: pack models onto as few GPUs as their
// latency objectives allow. Requests are served first come, first served.
//
// It uses only the public interface (scheduler/scheduler.hpp, scheduler/plugin.hpp): see README.md.

#include <algorithm>
#include <limits>
#include <set>

#include "scheduler/plugin.hpp"

namespace {

using gpusim::DeviceView;
using gpusim::StreamView;

// Each parameter is declared once: name, default, range and doc (the constructor reads it, the registrar
// documents it).
const gpusim::ParamDecl<double> kSlaFraction{"sla_fraction", 0.8, gpusim::ParamRange::open_below(0.0, 1.0),
                                             "share of the SLA the predicted latency may take"};

class SloPack : public gpusim::Scheduler {
 public:
  explicit SloPack(const gpusim::Params& p)
      : sla_fraction_(kSlaFraction.read(p, gpusim::scheduler_label("slo-pack"))) {}

  std::vector<int> place(const std::vector<StreamView>& streams,
                         const std::vector<DeviceView>& units) override {
    std::vector<int> out(streams.size(), -1);
    std::vector<std::vector<const StreamView*>> on(units.size());
    std::vector<double> free(units.size());
    std::vector<std::set<int>> weights(units.size());  // workloads whose weights a unit holds
    for (const auto& u : units) free[u.id] = u.memory_capacity.v;
    auto cost = [&](const StreamView& s, int u) {
      return s.memory.v - (weights[u].count(s.workload_index) ? s.weights.v : 0.0);
    };
    auto load = [&](int u) {
      double rho = 0;
      for (const auto* s : on[u]) rho += s->rate.v * time(*s, u);
      return rho;
    };
    // Busiest stream first (by its load on unit 0).
    std::vector<std::size_t> order(streams.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return streams[a].rate.v * time(streams[a], 0) > streams[b].rate.v * time(streams[b], 0);
    });
    for (const std::size_t i : order) {
      const StreamView& s = streams[i];
      int best = -1;
      // A unit that cannot run the stream (its precision, or its workload's `placement`) has no time.
      auto can_run = [&](int u) { return s.isolated_time[static_cast<std::size_t>(u)].has_value(); };
      for (const auto& u : units) {  // the busiest unit in use where everyone still meets the SLA
        if (!can_run(u.id) || on[u.id].empty() || cost(s, u.id) > free[u.id] || !all_meet(on[u.id], s, u.id))
          continue;
        if (best < 0 || load(u.id) > load(best)) best = u.id;
      }
      if (best < 0) {  // else a fresh unit, the fastest for this stream
        for (const auto& u : units) {
          if (!can_run(u.id) || !on[u.id].empty() || cost(s, u.id) > free[u.id]) continue;
          if (best < 0 || time(s, u.id) < time(s, best)) best = u.id;
        }
      }
      if (best < 0) {  // else the least loaded unit with room
        for (const auto& u : units) {
          if (can_run(u.id) && cost(s, u.id) <= free[u.id] && (best < 0 || load(u.id) < load(best)))
            best = u.id;
        }
      }
      if (best < 0) continue;
      out[i] = best;
      free[best] -= cost(s, best);
      weights[best].insert(s.workload_index);
      on[best].push_back(&s);
    }
    return out;
  }

 private:
  // Predicted service time of `s` alone on unit `u`; infinite where the unit cannot run its precision.
  static double time(const StreamView& s, int u) {
    const auto& t = s.isolated_time[static_cast<std::size_t>(u)];
    return t ? t->v : std::numeric_limits<double>::infinity();
  }

  // True when every stream of `set` + `extra` meets its SLA on unit `u` by the M/G/1 prediction.
  bool all_meet(std::vector<const StreamView*> set, const StreamView& extra, int u) const {
    set.push_back(&extra);
    double rho = 0;
    double second_moment = 0;
    for (const auto* s : set) {
      const double t = time(*s, u);
      rho += s->rate.v * t;
      second_moment += s->rate.v * t * t;
    }
    if (rho >= 1) return false;
    const double wait = second_moment / (2 * (1 - rho));
    for (const auto* s : set) {
      if (s->sla && time(*s, u) + wait > sla_fraction_ * s->sla->v) return false;
    }
    return true;
  }

  double sla_fraction_;
};

}  // namespace

GPUSIM_PLUGIN(registrar) {
  registrar->add<SloPack>("slo-pack",
                          "example plugin: the fewest units on which every SLA holds by an M/G/1 prediction",
                          gpusim::param_docs(kSlaFraction));
}
