#pragma once
/// The additivity study: runs the simulations behind analysis/additivity.hpp. The run itself is the
/// "together" figure; each workload alone, each mechanism switched off and the required-speed searches
/// are extra simulations, only for devices with two or more workloads, each in its own process, in
/// parallel up to the number of cores. Their length comes from the run's own statistics
/// (docs/additivity.md, "Cost").

#include <optional>
#include <vector>

#include "analysis/additivity.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

struct AdditivityOptions {
  double sla_target = 0.99;      ///< a workload meets its SLA when this share of its requests does
  bool required_compute = true;  ///< run the speed-scale searches
  /// Attribute the required-compute gap too: every search of a shared device again with each mechanism off
  /// (about twice the analysis's cost; `gpusim additivity` and `run --additivity full` ask for it).
  bool required_attribution = false;
  unsigned parallel = 0;         ///< processes at once; 0 = number of cores
  /// Simulated time of each extra run: nothing = chosen from the statistics of the run (the shortest
  /// measured window whose projected relative standard error is at most `target_se`, at least 1 s);
  /// 0 = the run's own duration.
  std::optional<Seconds> duration;
  double target_se = 0.03;         ///< relative standard error the length rule aims at
  double search_precision = 0.05;  ///< a search stops when hi / lo - 1 is at most this
  int search_rounds = 5;           ///< at most this many simulated rounds per search
  /// The run itself (same scenario and plan): its figures are the "together" ones. Null: the together
  /// runs are simulated too, with the length of the others.
  const SimResult* main_run = nullptr;
};

/// Runs the analysis for every device with two or more workloads, and for the platform when it hosts two
/// or more. `policy` is the run's scheduler (for per-request decisions); it may be null.
std::vector<AdditivityResult> analyse_additivity(const Scenario& sc, const Plan& plan, Scheduler* policy,
                                                 const AdditivityOptions& options);

}  // namespace gpusim
