#pragma once
/// The run study behind `gpusim run`: the scenario's scheduler places the streams, one simulation in a
/// child process, the metrics, and (when asked) the additivity analysis of every shared device.

#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <vector>

#include "analysis/additivity.hpp"
#include "analysis/metrics.hpp"
#include "core/errors.hpp"
#include "scheduler/scheduler.hpp"
#include "sim/trace_options.hpp"
#include "sim/work_estimate.hpp"

namespace gpusim {

/// What one run produced.
struct RunOutcome {
  Plan plan;
  RunMetrics metrics;
  SimResult result;  ///< the simulation's raw records (per-request tables, report)
  std::vector<AdditivityResult> additivity;  ///< empty unless asked and some device is shared
  std::vector<std::string> warnings;  ///< SLAs below the fastest possible latency (logged before simulating)
};

/// Plans with the scenario's scheduler, warns of each SLA below its workload's fastest possible latency on
/// the units it was placed on (impossible_slas), simulates, computes the metrics, and runs the additivity analysis
/// when `additivity` is true. An unknown scheduler is a ConfigError at `scheduler:` in the workloads file.
/// With `limits`, the work is estimated first (check_run_limits); running out of memory anyway is a
/// ConfigError that names the estimate.
/// With `trace`, the run's simulation writes its timeline there (the additivity runs write none).
/// `attribute_required`: the additivity analysis attributes the required-compute gap as well
/// (AdditivityOptions::required_attribution).
RunOutcome run_scenario(const Scenario& sc, bool additivity, const std::optional<WorkLimits>& limits = {},
                        const TraceOptions* trace = nullptr, bool attribute_required = false);

/// Refuses (ConfigError, one line with the estimate and the limit) a run, with its additivity analysis
/// when `additivity` is true, whose estimated memory or host time exceeds `limits`. Returns the estimate.
WorkEstimate check_run_limits(const Scenario& sc, bool additivity, const WorkLimits& limits);

/// The ConfigError for a simulation that ran out of memory (`what`: the error it raised), naming `e`.
ConfigError out_of_memory_error(const WorkEstimate& e, const std::string& what);

/// The scenario's scheduler (run.scheduler with run.scheduler_params); an unknown name is a ConfigError at
/// `scheduler:` in the workloads file.
std::unique_ptr<Scheduler> make_run_scheduler(const RunSpec& run);

/// True when an error raised by a simulation (in its child or here) means that memory ran out.
bool is_out_of_memory(const std::string& what);

/// f(), with running out of memory (std::bad_alloc, or a simulation's error that says so) raised as
/// out_of_memory_error(e, ...); other errors pass unchanged.
template <class F>
auto memory_errors_named(const WorkEstimate& e, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc& b) {
    throw out_of_memory_error(e, b.what());
  } catch (const ConfigError&) {
    throw;
  } catch (const PolicyError&) {
    throw;
  } catch (const std::runtime_error& r) {
    if (is_out_of_memory(r.what())) throw out_of_memory_error(e, r.what());
    throw;
  }
}

}  // namespace gpusim
