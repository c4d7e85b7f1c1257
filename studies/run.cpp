#include "studies/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <new>
#include <thread>

#include "core/errors.hpp"
#include "analysis/invariants.hpp"
#include "analysis/saturation.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "studies/additivity.hpp"

namespace gpusim {
namespace {

RunOutcome run_checked(const Scenario& sc, bool additivity, const TraceOptions* trace, bool attribute_required);

}  // namespace

WorkEstimate check_run_limits(const Scenario& sc, bool additivity, const WorkLimits& limits) {
  const WorkEstimate e = estimate_work(sc);
  double memory = e.memory_bytes();
  double host = e.host_seconds;
  if (additivity && sc.workloads.streams.size() >= 2) {
    // The analysis's extra runs (analyse_additivity): on subsets of the streams, `parallel` at a time,
    // usually a few seconds long (their length comes from the run's statistics; 5 s here). Per contention
    // setting each workload alone and all together (twice the streams' work), and for each search round
    // two scales of the same again.
    const AdditivityOptions opt;
    Scenario shorter = sc;
    shorter.workloads.run.duration = std::min(sc.workloads.run.duration, Seconds{5.0});
    const WorkEstimate extra = estimate_work(shorter);
    const double settings = 1.0 + static_cast<double>(mechanism_names().size());
    const double runs = 2 * settings + (opt.required_compute ? 2.0 * 2 * (1 + opt.search_rounds) : 0.0);
    const double parallel = std::max(1U, opt.parallel ? opt.parallel : std::thread::hardware_concurrency());
    memory = std::max(memory, parallel * extra.memory_bytes());
    host += runs * extra.host_seconds / parallel;
  }
  check_work(e, memory, host, limits, "this run");
  return e;
}

bool is_out_of_memory(const std::string& what) {
  return what.find("bad_alloc") != std::string::npos || what.find("signal 9 ") != std::string::npos;
}

ConfigError out_of_memory_error(const WorkEstimate& e, const std::string& what) {
  return ConfigError(fmt::format(
      "error: the simulation ran out of memory ({}); it was estimated to need about {} ({} stream(s) on {} "
      "unit(s), about {} requests): lower --max-memory below what this machine can give, or shorten the run",
      what, format_bytes(e.memory_bytes()), format_count(e.streams), format_count(e.units),
      format_count(e.requests)));
}

std::unique_ptr<Scheduler> make_run_scheduler(const RunSpec& run) {
  try {
    return make_scheduler(run.scheduler, run.scheduler_params);
  } catch (const ConfigError& e) {
    // An unknown name gets the location of `scheduler:`; a parameter error already names its own origin.
    const std::string msg = e.what();
    if (run.scheduler_loc.line > 0 && msg.find(": error: ") == std::string::npos) {
      throw run.scheduler_loc.error(msg);
    }
    throw;
  }
}

RunOutcome run_scenario(const Scenario& sc, bool additivity, const std::optional<WorkLimits>& limits,
                        const TraceOptions* trace, bool attribute_required) {
  const WorkEstimate estimate = limits ? check_run_limits(sc, additivity, *limits) : estimate_work(sc);
  return memory_errors_named(estimate, [&] { return run_checked(sc, additivity, trace, attribute_required); });
}

namespace {

RunOutcome run_checked(const Scenario& sc, bool additivity, const TraceOptions* trace, bool attribute_required) {
  const RunSpec& run = sc.workloads.run;
  std::unique_ptr<Scheduler> policy = make_run_scheduler(run);
  RunOutcome out;
  out.plan = make_plan(sc, *policy, run.scheduler);
  const Plan& plan = out.plan;
  for (const auto& x : impossible_slas(sc, plan)) {
    logger("analysis")->warn("{}", x.message);
    out.warnings.push_back(x.message);
  }
  logger("sim")->info("simulating {} stream(s) placed by {} on {} unit(s) for {} s (+{} s drain)",
                      plan.placements().size(), run.scheduler, plan.units().size(), run.duration.v, run.drain.v);
  out.result = run_simulation(sc, plan, policy.get(), "run", trace);
  const SimResult& result = out.result;
  {
    const ScopedSimTime at_end(result.end_time);  // the summary line carries the run's simulated end
    logger("sim")->info("{} kernels in {:.2f} s of host time ({:.0f} kernels/s), peak memory {:.1f} MiB",
                        result.kernels, result.wall_seconds,
                        result.wall_seconds > 0 ? static_cast<double>(result.kernels) / result.wall_seconds : 0.0,
                        static_cast<double>(result.peak_rss_kib) / 1024.0);
  }
  out.metrics = compute_metrics(sc, plan, result);
  enforce_invariants(sc, plan, result, out.metrics);
  if (additivity) {
    AdditivityOptions options;
    options.main_run = &result;  // the run is the analysis's "together" figure
    options.required_attribution = attribute_required;
    out.additivity = analyse_additivity(sc, out.plan, policy.get(), options);
  }
  return out;
}

}  // namespace

}  // namespace gpusim
