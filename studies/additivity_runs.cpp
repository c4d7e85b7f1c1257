#include "studies/additivity_runs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/invariants.hpp"
#include "analysis/metrics.hpp"
#include "analysis/seeds.hpp"
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

Outcome outcome_of(const Scenario& sc, const Plan& plan, const SimResult& r, double quantile, int device) {
  const RunMetrics m = compute_metrics(sc, plan, r);
  enforce_invariants(sc, plan, r, m);
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

std::vector<Outcome> Runner::run(const std::vector<const Scenario*>& bases, const std::vector<Variant>& variants) {
  std::vector<Scenario> scenarios;
  scenarios.reserve(variants.size());
  for (const Scenario* b : bases) scenarios.push_back(*b);
  std::vector<Plan> plans;
  plans.reserve(variants.size());
  std::vector<SimJob> jobs;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Variant& v = variants[i];
    if (!v.without.empty()) scenarios[i].platform.contention.set(v.without, false);
    // Scheduling off: no switch cost, and contexts alternate kernel by kernel instead of holding the GPU
    // for a slice (a slice shorter than any kernel: a context yields after each kernel when another waits).
    if (v.without == "time_slice") scenarios[i].platform.contention.slice = Seconds{1e-9};
    plans.push_back(PlanBuilder(scenarios[i], plan_, v.streams).speed_scale(v.scale).build());
    jobs.push_back(SimJob{&scenarios[i], &plans.back(), policy_});
  }
  simulations_ += jobs.size();
  const std::vector<SimResult> results = simulate_all(jobs, parallel_, "additivity");
  for (const auto& r : results) kernels_ += r.kernels;
  std::vector<Outcome> out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    out.push_back(outcome_of(scenarios[i], plans[i], results[i], quantile_));
  }
  return out;
}

}  // namespace gpusim::additivity
