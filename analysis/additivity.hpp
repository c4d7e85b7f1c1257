#pragma once
/// The additivity analysis: is the demand of co-located workloads above or below the sum of their
/// isolated demands, and which mechanism moved it? (docs/additivity.md)
///
/// For every device hosting two or more workloads, and for the whole platform (the sum over its devices,
/// which do not interact):
/// - utilisation view: each workload alone on the same device (same placement, same seed) vs all of them
///   together; demand = the fraction of time the device is occupied (some context holds the GPU: kernels,
///   launch gaps, context switches), ratio = combined / sum of isolated;
/// - required-compute view: the smallest speed scale s of the device (peaks and bandwidth x s) at which
///   every workload meets its SLA, alone and together, shown as s x the device's peak in TFLOP/s;
/// - attribution: the utilisation ratio again with each enabled mechanism switched off in turn; a
///   mechanism's share is ratio(all on) - ratio(it off).
/// Every extra simulation runs in its own process, in parallel up to the number of cores, for
/// `duration` of simulated time (shorter than the run by default: the analysis needs many runs).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/plan.hpp"

namespace gpusim {

struct AdditivityOptions {
  double sla_target = 0.99;      ///< a workload meets its SLA when this share of its requests does
  bool required_compute = true;  ///< run the speed-scale searches
  int search_steps = 10;         ///< bisection steps of each search (relative precision ~ 2^-steps x 12)
  unsigned parallel = 0;         ///< processes at once; 0 = number of cores
  Seconds duration{5.0};         ///< simulated time of each extra run (0 = the run's own duration)
};

struct RequiredCompute {
  std::map<std::string, std::optional<double>> isolated;  ///< TFLOP/s per workload (nothing: unreachable)
  std::optional<double> sum;
  std::optional<double> combined;
  std::string precision;  ///< whose peak the TFLOP/s scale
};

struct AdditivityResult {
  std::string scope;                      ///< a device name, or "platform"
  std::vector<std::string> workloads;
  std::map<std::string, double> isolated;  ///< occupied fraction of each workload alone
  double sum = 0;
  double combined = 0;
  double ratio = 1;
  std::optional<RequiredCompute> required;
  std::map<std::string, double> attribution;  ///< mechanism -> ratio change it causes
  double memory_isolated_bytes = 0;           ///< sum of the workloads' memory alone
  double memory_combined_bytes = 0;
  std::string verdict;
};

/// Runs the analysis for every device with two or more workloads, and for the platform when it hosts two
/// or more. `policy` is the run's scheduler (for per-request decisions); it may be null.
std::vector<AdditivityResult> analyse_additivity(const Scenario& sc, const Plan& plan, Scheduler* policy,
                                                 const AdditivityOptions& options);

}  // namespace gpusim
