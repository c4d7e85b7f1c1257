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
/// Every figure carries its confidence: a standard error (utilisation, from batch means) or the interval
/// the search bracketed (required compute). The study that runs the simulations is studies/additivity.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/plan.hpp"

namespace gpusim {

/// A figure the search bracketed: the requirement lies in (lo, hi]; hi is the figure shown.
struct Bracket {
  double lo = 0;  ///< fastest speed measured to fail (0: none failed)
  double hi = 0;  ///< slowest speed measured to meet every SLA
};

/// A mechanism's share of the required-compute gap (together - sum alone), in TFLOP/s: the gap with every
/// mechanism on minus the gap with it off. The true share lies in [lo, hi] (the searches' brackets).
struct Share {
  double value = 0;  ///< from the figures shown (the brackets' upper ends)
  double lo = 0;
  double hi = 0;
  /// Whether the interval excludes 0 (else the share is within the searches' noise).
  bool resolved() const { return lo > 0 || hi < 0; }
};

struct RequiredCompute {
  std::map<std::string, std::optional<double>> isolated;  ///< TFLOP/s per workload (nothing: unreachable)
  std::optional<double> sum;
  std::optional<double> combined;
  std::string precision;  ///< whose peak the TFLOP/s scale
  double tolerance = 0.02;  ///< |combined / sum - 1| within this is "equal" (the searches' precision)
  std::map<std::string, Bracket> isolated_bracket;  ///< TFLOP/s interval of each reachable workload
  std::optional<Bracket> combined_bracket;
  int rounds = 0;  ///< simulated search rounds (the most any search of the scope needed)
  /// Mechanism -> its share of the gap (nothing: a search with it off found no speed that meets the SLAs).
  std::map<std::string, std::optional<Share>> attribution;
};

struct AdditivityResult {
  std::string scope;                      ///< a device name, or "platform"
  std::vector<std::string> workloads;
  std::map<std::string, double> isolated;  ///< occupied fraction of each workload alone
  double sum = 0;
  double combined = 0;
  double ratio = 1;
  std::map<std::string, double> isolated_se;  ///< standard error of each isolated figure
  double sum_se = 0;
  double combined_se = 0;
  double ratio_se = 0;
  double tolerance = 0.005;  ///< |ratio - 1| within this is "equals" (max(0.5 %, 2 x ratio_se))
  double run_length_s = 0;   ///< simulated time of each extra run (0: none was needed)
  std::optional<RequiredCompute> required;
  std::map<std::string, double> attribution;  ///< mechanism -> ratio change it causes
  /// Mechanism -> the standard error of its share (the spread another seed would show: batch means of the
  /// paired runs, stretch by stretch); absent when the runs were too short to say.
  std::map<std::string, double> attribution_se;
  double memory_isolated_bytes = 0;           ///< sum of the workloads' memory alone
  double memory_combined_bytes = 0;
  std::string sharing;  ///< the device's sharing mode ("time-slice", "mps", "mig"; "mixed" for a platform)
  /// MIG: two of the workloads run in one MIG instance, time-sliced inside it (not on slices apart).
  bool shared_instance = false;
  /// MPS: two or more periodic streams share the device at phases drawn from the seed (no `phase`): how much
  /// their requests overlap, and so the utilisation view, depends on the seed (docs/additivity.md).
  bool phases_drawn = false;
  std::string verdict;              ///< the headline: the required-compute view when it was computed
  std::string utilisation_verdict;  ///< the utilisation view's verdict with its attribution
  std::string why;                  ///< when the two views disagree, one sentence saying why (else empty)
};

/// The additivity answer of one scenario under one sharing mode (`gpusim additivity --sharing`).
struct ModeAnswer {
  std::string mode;                       ///< "time-slice", "mps", "mig"
  std::vector<AdditivityResult> results;  ///< per shared device, and the platform
  std::optional<double> required;         ///< TFLOP/s every workload needs together (platform, or the device)
  std::optional<double> required_alone;   ///< the sum of the workloads' alone figures
  double sla_attainment = 0;              ///< of the run at the platform's own speed (requests with an SLA)
};

/// The index of the mode that needs the least required compute together (nothing when none is known).
std::optional<std::size_t> least_demanding(const std::vector<ModeAnswer>& answers);

/// Where a ratio lies against 1 within a tolerance: "above", "equal" or "below".
std::string_view compared_to_sum(double ratio, double tolerance);

/// A required-compute tolerance above this says the searches did not narrow the figures within their
/// rounds (a bracket without a failing speed, or still wide): no verdict is drawn from them.
constexpr double UNDECIDED_TOLERANCE = 0.25;
/// compared_to_sum for the required-compute ratio: "undecided" when `tolerance` exceeds
/// UNDECIDED_TOLERANCE.
std::string_view required_compared_to_sum(double ratio, double tolerance);

/// The headline: in required TFLOP/s when the result has them ("together they need 4.12 fp16 TFLOP/s,
/// 37.3 % above the sum of 3.00 alone (tolerance 2.0 %)"), else the utilisation verdict.
std::string additivity_verdict(const AdditivityResult& r);

/// The utilisation verdict: "combined demand is 14.0 % above the simple sum: bandwidth +9.0 %, ..."
/// (shares of at least 0.5 %, largest first), or "equals the simple sum" within the result's tolerance.
std::string utilisation_verdict(const AdditivityResult& r);

/// The required-compute attribution: "the gap of +28.0 fp16 TFLOP/s (+358.3 % of the sum): time_slice
/// +27.9 TFLOP/s (+357.1 %), launch_overhead +0.01 in [-0.35, +0.36] (within the searches' noise)"; empty
/// when the result has no required-compute figures or no mechanism was switched off.
std::string required_attribution(const AdditivityResult& r);

/// When the two views fall on different sides of the sum, one sentence saying why; else empty.
std::string disagreement(const AdditivityResult& r);

}  // namespace gpusim
