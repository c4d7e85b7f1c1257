#pragma once
/// The run study behind `gpusim run`: the scenario's scheduler places the streams, one simulation in a
/// child process, the metrics, and (when asked) the additivity analysis of every shared device.

#include <optional>
#include <vector>

#include "analysis/additivity.hpp"
#include "analysis/metrics.hpp"
#include "core/errors.hpp"
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
RunOutcome run_scenario(const Scenario& sc, bool additivity, const std::optional<WorkLimits>& limits = {},
                        const TraceOptions* trace = nullptr);

/// Refuses (ConfigError, one line with the estimate and the limit) a run, with its additivity analysis
/// when `additivity` is true, whose estimated memory or host time exceeds `limits`. Returns the estimate.
WorkEstimate check_run_limits(const Scenario& sc, bool additivity, const WorkLimits& limits);

/// The ConfigError for a simulation that ran out of memory (`what`: the error it raised), naming `e`.
ConfigError out_of_memory_error(const WorkEstimate& e, const std::string& what);

/// True when an error raised by a simulation (in its child or here) means that memory ran out.
bool is_out_of_memory(const std::string& what);

}  // namespace gpusim
