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
/// The study that runs the simulations is studies/additivity.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/plan.hpp"

namespace gpusim {

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

/// The verdict line: "combined demand is 14.0 % above the simple sum: bandwidth +9.0 %, ..." (shares of
/// at least 0.5 %, largest first), or "equals the simple sum" within 0.5 %.
std::string additivity_verdict(const AdditivityResult& r);

}  // namespace gpusim
