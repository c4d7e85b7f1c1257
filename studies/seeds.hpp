#pragma once
/// Repeated runs of one scenario with seeds s, s + 1, ..., s + N - 1 (`--seeds N`; s is run.seed), simulated
/// in parallel child processes through the batch runner; the statistics across them come from
/// analysis/seeds.hpp. `run` uses it; a study that runs many scenarios (sweep, capacity) can too.

#include <cstdint>
#include <optional>
#include <vector>

#include "analysis/seeds.hpp"
#include "sim/work_estimate.hpp"

namespace gpusim {

/// The scenario with run.seed s, s + 1, ..., s + seeds - 1, in that order.
std::vector<Scenario> seed_scenarios(const Scenario& sc, int seeds);

/// What N runs of one scenario produced.
struct SeedRuns {
  std::vector<std::uint64_t> seeds;      ///< in run order
  std::vector<RunMetrics> runs;          ///< one per seed (invariants checked)
  std::vector<WorkloadSeeds> workloads;  ///< mean and 95 % interval of each workload's figures
};

/// Plans each seed's scenario with its scheduler (run.scheduler) and simulates them, at most `parallel` at
/// a time (0 = one per core). The first error (in seed order) is raised as run_scenario raises it. With
/// `limits`, refused first (ConfigError) when the runs together exceed them.
SeedRuns run_seeds(const Scenario& sc, int seeds, unsigned parallel = 0,
                   const std::optional<WorkLimits>& limits = {});

}  // namespace gpusim
