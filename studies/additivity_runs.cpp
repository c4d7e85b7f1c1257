#include "studies/additivity_runs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "analysis/invariants.hpp"
#include "analysis/metrics.hpp"
#include "analysis/seeds.hpp"
#include "scheduler/scheduler.hpp"
#include "sim/runner.hpp"

namespace gpusim::additivity {
namespace {

constexpr double kUnfinished = std::numeric_limits<double>::infinity();

// The mean of `field` of `device`'s samples over 10 consecutive stretches of the measured window (batch
// means); empty with too few samples.
std::vector<double> batch_means(const RunMetrics& m, const RunSpec& run, std::size_t device, double Sample::*field) {
  std::vector<double> x;
  for (const auto& s : m.samples) {
    if (s.device == device && s.time > run.warmup.v + 1e-12 && s.time <= run.duration.v + 1e-9) {
      x.push_back(s.*field);
    }
  }
  constexpr std::size_t BATCHES = 10;
  if (x.size() < 2 * BATCHES) return {};
  const std::size_t per = x.size() / BATCHES;
  std::vector<double> means;
  for (std::size_t b = 0; b < BATCHES; ++b) {
    double sum = 0;
    for (std::size_t i = b * per; i < (b + 1) * per; ++i) sum += x[i];
    means.push_back(sum / static_cast<double>(per));
  }
  return means;
}

}  // namespace

Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m, double quantile,
                   int device) {
  Outcome o;
  o.occupied.assign(sc.platform.devices.size(), 0.0);
  const auto& units = plan.units();
  for (std::size_t u = 0; u < units.size(); ++u) {
    o.occupied[units[u].device] += m.devices[u].occupied * units[u].sm_fraction;
  }
  for (std::size_t d = 0; d < sc.platform.devices.size(); ++d) {
    // The headline's spread between stretches is that of the compute utilisation (docs/additivity.md,
    // "Tolerance"); the shares' paired spread that of the occupied fraction, the figure they move.
    const SeedStat util = seed_stat(batch_means(m, sc.workloads.run, d, &Sample::utilization));
    o.rel_se.push_back(util.n >= 2 && util.mean > 0
                           ? std::optional<double>(util.sd / std::sqrt(static_cast<double>(util.n)) / util.mean)
                           : std::nullopt);
    o.batches.push_back(batch_means(m, sc.workloads.run, d, &Sample::occupied));
    if (device >= 0 && d != static_cast<std::size_t>(device)) {
      // Another variant's device in a shared simulation: as idle as it is in this variant's own.
      o.occupied[d] = 0;
      o.rel_se.back() = std::nullopt;
      std::fill(o.batches.back().begin(), o.batches.back().end(), 0.0);
    }
  }
  const auto& ws = sc.workloads.streams;
  // Latency of each request in the window: kUnfinished when it never finished; `bound` has instead the time it
  // waited until the simulation ended (a lower bound), so that an overloaded run still says by how much.
  const double end = (sc.workloads.run.duration + sc.workloads.run.drain).v;
  std::vector<std::vector<double>> latency(ws.size()), bound(ws.size());
  for (const auto& rec : r.requests) {
    if (!in_window(sc.workloads.run, rec)) continue;
    const Placement& p = plan.placements()[rec.stream];
    if (device >= 0 && units[p.unit].device != device) continue;
    const bool done = rec.status == RequestStatus::COMPLETED;
    latency[p.stream.workload].push_back(done ? rec.finish - rec.arrival : kUnfinished);
    bound[p.stream.workload].push_back(done ? rec.finish - rec.arrival : std::max(end - rec.arrival, 1e-9));
  }
  for (std::size_t w = 0; w < ws.size(); ++w) {
    std::vector<double>& v = latency[w];
    std::sort(v.begin(), v.end());
    std::sort(bound[w].begin(), bound[w].end());
    o.generated.push_back(v.size());
    if (v.empty()) {
      o.attainment.push_back(1.0);
      o.lateness.push_back(0.0);
      continue;
    }
    const double n = static_cast<double>(v.size());
    if (ws[w].sla) {
      const double sla = ws[w].sla->v;
      const auto met = std::upper_bound(v.begin(), v.end(), sla * (1 + 1e-12)) - v.begin();
      o.attainment.push_back(static_cast<double>(met) / n);
      const double late = percentile_sorted(bound[w], quantile) / sla;
      o.lateness.push_back(o.attainment.back() < quantile ? std::max(late, 1 + 1e-9) : late);
    } else {
      const auto done = std::lower_bound(v.begin(), v.end(), kUnfinished) - v.begin();
      o.attainment.push_back(static_cast<double>(done) / n);
      o.lateness.push_back(0.0);
    }
  }
  return o;
}

namespace {

// The device all of a variant's streams are on; -1 when they span devices (or there are none).
int device_of(const Plan& plan, const Variant& v) {
  int d = -1;
  for (int s : v.streams) {
    const int dev = plan.units()[plan.placements()[static_cast<std::size_t>(s)].unit].device;
    if (d >= 0 && dev != d) return -1;
    d = dev;
  }
  return d;
}

}  // namespace

Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, double quantile, int device) {
  const RunMetrics m = compute_metrics(sc, plan, r);
  enforce_invariants(sc, plan, r, m);
  return outcome_of(sc, plan, r, m, quantile, device);
}

std::vector<Outcome> Runner::run(const std::vector<const Scenario*>& bases, const std::vector<Variant>& variants) {
  // Variants of one device each, on the same base and setting, share a simulation when their devices
  // differ: devices interact only through a policy that decides per request (sim/partition.hpp), so a
  // device's figures in the shared simulation are those of its own (to SimGrid's rounding), and the fork
  // and engine set-up that cost about as much as a short variant's kernels are paid once.
  struct Group {
    const Scenario* base;
    std::string without;
    std::vector<std::size_t> members;
    std::set<int> devices;  // empty: a variant that spans devices, simulated alone
  };
  const bool may_merge = !(policy_ && policy_->per_request());
  std::vector<Group> groups;
  std::vector<int> device(variants.size(), -1);
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Variant& v = variants[i];
    device[i] = may_merge ? device_of(plan_, v) : -1;
    auto g = groups.end();
    if (device[i] >= 0) {
      g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) {
        return x.base == bases[i] && x.without == v.without && !x.devices.empty() && !x.devices.count(device[i]);
      });
    }
    if (g == groups.end()) g = groups.insert(groups.end(), Group{bases[i], v.without, {}, {}});
    g->members.push_back(i);
    if (device[i] >= 0) g->devices.insert(device[i]);
  }
  std::vector<Scenario> scenarios;
  scenarios.reserve(groups.size());
  std::vector<Plan> plans;
  plans.reserve(groups.size());
  std::vector<SimJob> jobs;
  for (const Group& g : groups) {
    Scenario& sc = scenarios.emplace_back(*g.base);
    if (!g.without.empty()) sc.platform.contention.set(g.without, false);
    // Scheduling off: no switch cost, and contexts alternate kernel by kernel instead of holding the GPU
    // for a slice (a slice shorter than any kernel: a context yields after each kernel when another waits).
    if (g.without == "time_slice") sc.platform.contention.slice = Seconds{1e-9};
    std::vector<int> streams;
    for (std::size_t i : g.members) streams.insert(streams.end(), variants[i].streams.begin(), variants[i].streams.end());
    PlanBuilder b(sc, plan_, streams);
    if (g.members.size() == 1) {
      b.speed_scale(variants[g.members[0]].scale);
    } else {
      for (std::size_t i : g.members) b.speed_scale(device[i], variants[i].scale);
    }
    plans.push_back(b.build());
    jobs.push_back(SimJob{&sc, &plans.back(), policy_});
  }
  simulations_ += jobs.size();
  const std::vector<SimResult> results = simulate_all(jobs, parallel_, "additivity");
  for (const auto& r : results) kernels_ += r.kernels;
  std::vector<Outcome> out(variants.size());
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const RunMetrics m = compute_metrics(scenarios[k], plans[k], results[k]);
    enforce_invariants(scenarios[k], plans[k], results[k], m);
    const bool merged = groups[k].members.size() > 1;
    for (std::size_t i : groups[k].members) {
      out[i] = outcome_of(scenarios[k], plans[k], results[k], m, quantile_, merged ? device[i] : -1);
    }
  }
  return out;
}

}  // namespace gpusim::additivity
