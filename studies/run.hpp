#pragma once
/// The run study behind `gpusim run`: the scenario's scheduler places the streams, one simulation in a
/// child process, the metrics, and (when asked) the additivity analysis of every shared device.

#include <vector>

#include "analysis/additivity.hpp"
#include "analysis/metrics.hpp"

namespace gpusim {

/// What one run produced.
struct RunOutcome {
  Plan plan;
  RunMetrics metrics;
  std::vector<AdditivityResult> additivity;  ///< empty unless asked and some device is shared
};

/// Plans with the scenario's scheduler, simulates, computes the metrics, and runs the additivity analysis
/// when `additivity` is true. An unknown scheduler is a ConfigError at `scheduler:` in the workloads file.
RunOutcome run_scenario(const Scenario& sc, bool additivity);

}  // namespace gpusim
