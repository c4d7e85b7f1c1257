#include "studies/estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "analysis/invariants.hpp"
#include "analysis/metrics.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "workloads/model_source.hpp"

namespace gpusim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

CapacityEstimate make_setup(const EstimateRequest& o) {
  CapacityEstimate s;
  s.label = o.label;
  s.precision = o.precision;
  s.device = o.device;
  const double rate = o.rate.v;
  const double sla = o.sla.v;
  s.headroom = o.headroom;
  s.seed = o.seed;
  const ModelCost& m = o.model;
  s.macs = m.total_macs() * static_cast<double>(o.batch);

  StageSpec stage = stage_from_cost(m, s.label);
  stage.name = s.label;
  StreamSpec& st = s.stream;
  st.name = s.label;
  st.batch = o.batch;
  st.precision = s.precision;
  st.stages.push_back(std::move(stage));
  st.arrival.kind = ArrivalKind::PERIODIC;
  st.arrival.rate = PerSecond{rate};
  st.sla = Seconds{sla};

  s.instance.name = "gpu0";
  s.instance.node = "node0";
  s.instance.spec = *s.device;
  s.instance.sharing = SharingMode::TIME_SLICE;
  s.instance.pcie_bandwidth = s.device->pcie_bandwidth;
  s.unit = units_of(s.instance, 0, {}).front();

  s.alone = isolated_request_time(st, s.instance, s.unit).value();
  std::tie(s.compute_term, s.memory_term) = request_roofline_terms(st, s.instance, s.unit);
  // Time-slice sharing: consecutive requests come from different streams (contexts), so each request
  // pays one context switch, and one more per time slice it outlasts while others wait.
  s.switches = std::max(1, static_cast<int>(std::ceil(s.alone.v / time_slice_of(*s.device, s.contention).v)));

  const StageSpec& only = st.stages.front();
  CapacityInputs& c = s.capacity;
  c.service = s.alone + context_switch_of(*s.device, s.contention) * static_cast<double>(s.switches);
  c.copies = Seconds{(only.input_bytes.v + only.output_bytes.v) * st.batch / s.device->pcie_bandwidth.v};
  c.rate = PerSecond{rate};
  c.sla = Seconds{sla};
  c.weights = only.weight_bytes;
  c.activations = st.memory_bytes() - only.weight_bytes;
  c.usable_memory = s.device->memory * o.headroom;
  return s;
}

Scenario make_scenario(const CapacityEstimate& s, long n, std::uint64_t seed) {
  Scenario sc;
  sc.platform.file = "(gpusim estimate)";
  sc.platform.nodes = {"node0"};
  sc.platform.devices = {s.instance};
  sc.platform.memory_headroom = s.headroom;
  sc.platform.contention = s.contention;
  sc.workloads.file = "(gpusim estimate)";
  RunSpec& run = sc.workloads.run;
  run.warmup = s.warmup;
  run.duration = s.warmup + s.measured;
  run.drain = s.capacity.sla;  // a request still running one SLA after the last arrival has missed it
  run.seed = seed;
  run.scheduler = "round-robin";
  StreamSpec st = s.stream;
  st.count = static_cast<int>(n);
  sc.workloads.streams.push_back(std::move(st));
  return sc;
}

/// Simulates each stream count in its own child process, in parallel.
std::vector<CountOutcome> simulate_counts(const CapacityEstimate& s, const std::vector<long>& counts, std::uint64_t seed,
                                        double miss) {
  std::vector<Scenario> scenarios;
  std::vector<Plan> plans;
  for (long n : counts) {
    scenarios.push_back(make_scenario(s, n, seed));
    const auto policy = make_scheduler("round-robin", Params{});
    plans.push_back(make_plan(scenarios.back(), *policy, "round-robin"));
  }
  std::vector<SimJob> jobs;
  for (std::size_t i = 0; i < counts.size(); ++i) jobs.push_back(SimJob{&scenarios[i], &plans[i], nullptr});
  const std::vector<SimResult> results = simulate_all(jobs, 0, "estimate");
  std::vector<CountOutcome> out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const RunMetrics m = compute_metrics(scenarios[i], plans[i], results[i]);
    enforce_invariants(scenarios[i], plans[i], results[i], m);
    CountOutcome o;
    o.streams = counts[i];
    const WorkloadMetrics& w = m.workloads.front();
    o.generated = w.generated;
    o.attainment = w.sla_attainment.value_or(0.0);
    o.p99_s = w.completed ? w.latency.p99 : kInfinity;
    o.occupied = m.devices.front().occupied;
    o.min_clock_hz = m.power.empty() ? 0.0 : m.power.front().min_clock_hz;
    o.saturated = o.occupied >= s.saturated_share;
    o.meets = o.generated > 0 && o.attainment >= 1.0 - miss - 1e-12 && !o.saturated;
    out.push_back(o);
  }
  return out;
}

/// The simulated search, two stream counts at a time (one child process each): the analytic count N and
/// N + 1; then, in steps that double, up while every count meets the SLA (never past what fits in memory)
/// or down while every count misses it; then the gap is narrowed by thirds. Returns every outcome by
/// stream count; `answer` receives the largest count that meets the SLA below the smallest that misses it.
std::map<long, CountOutcome> search(const CapacityEstimate& s, const CapacityBound& b, std::uint64_t seed, long& answer) {
  std::map<long, CountOutcome> tried;
  const double miss = s.capacity.miss;
  const long fits = std::min(b.memory, std::numeric_limits<int>::max() - 1L);  // StreamSpec::count is an int
  auto run = [&](const std::vector<long>& counts) {
    std::vector<long> todo;
    for (long n : counts) {
      if (n >= 1 && n <= fits && !tried.count(n) && std::find(todo.begin(), todo.end(), n) == todo.end()) {
        todo.push_back(n);
      }
    }
    if (todo.empty()) return false;
    std::string list;
    for (long n : todo) list += fmt::format("{}{}", list.empty() ? "" : ", ", n);
    logger("sim")->info("estimate: simulating {} stream(s)", list);
    for (const CountOutcome& o : simulate_counts(s, todo, seed, miss)) tried[o.streams] = o;
    return true;
  };
  // `lo` meets the SLA (0 trivially); `hi` misses it, or is fits + 1 (does not fit in memory).
  long lo = 0;
  long hi = 0;
  auto bounds = [&] {
    hi = fits + 1;
    for (const auto& [n, o] : tried) {
      if (!o.meets) hi = std::min(hi, n);
    }
    lo = 0;
    for (const auto& [n, o] : tried) {
      if (o.meets && n < hi) lo = std::max(lo, n);
    }
  };
  run({std::max(1L, b.streams), b.streams + 1});
  bounds();
  // while, not for: bounds() moves lo and hi (clang's -Wfor-loop-analysis cannot see through the lambda).
  long step = 1;
  while (hi == fits + 1 && lo < fits) {
    run({std::min(fits, lo + step), std::min(fits, lo + 2 * step)});
    bounds();
    step *= 4;
  }
  step = 1;
  while (lo == 0 && hi > 1) {
    run({std::max(1L, hi - step), std::max(1L, hi - 2 * step)});
    bounds();
    step *= 4;
  }
  while (hi - lo > 1) {
    const long gap = hi - lo;
    if (!run({lo + std::max(1L, gap / 3), lo + std::min(gap - 1, std::max(2L, 2 * gap / 3))})) break;
    bounds();
  }
  answer = lo;
  return tried;
}

}  // namespace

CapacityEstimate estimate_capacity(const EstimateRequest& request) {
  CapacityEstimate s = make_setup(request);
  s.bound = analytic_streams(s.capacity);
  s.answer = s.bound.streams;
  s.simulated = request.simulate;
  if (s.simulated) s.counts = search(s, s.bound, s.seed, s.answer);
  return s;
}

}  // namespace gpusim
