#pragma once
/// The additivity study: runs the simulations behind analysis/additivity.hpp (each workload alone, all
/// together, each mechanism switched off, the required-speed searches). Every extra simulation runs in
/// its own process, in parallel up to the number of cores, for `duration` of simulated time (shorter
/// than the run by default: the analysis needs many runs).

#include <vector>

#include "analysis/additivity.hpp"

namespace gpusim {

struct AdditivityOptions {
  double sla_target = 0.99;      ///< a workload meets its SLA when this share of its requests does
  bool required_compute = true;  ///< run the speed-scale searches
  int search_steps = 10;         ///< bisection steps of each search (relative precision ~ 2^-steps x 12)
  unsigned parallel = 0;         ///< processes at once; 0 = number of cores
  Seconds duration{5.0};         ///< simulated time of each extra run (0 = the run's own duration)
};

/// Runs the analysis for every device with two or more workloads, and for the platform when it hosts two
/// or more. `policy` is the run's scheduler (for per-request decisions); it may be null.
std::vector<AdditivityResult> analyse_additivity(const Scenario& sc, const Plan& plan, Scheduler* policy,
                                                 const AdditivityOptions& options);

}  // namespace gpusim
