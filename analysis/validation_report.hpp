#pragma once
/// The result of `gpusim validate` (studies/validation/): each validated number with gpusim's prediction,
/// and the pure per-category error statistics. Method, data and current errors: docs/validation.md.

#include <optional>
#include <string>
#include <vector>

namespace gpusim {

/// The validation categories, in report order.
inline constexpr char kIsolatedKernels[] = "isolated kernels";
inline constexpr char kL2ResidentKernels[] = "L2-resident kernels";
inline constexpr char kColocatedPairs[] = "co-located pairs";
inline constexpr char kModels[] = "models";
/// Eager PyTorch (measured models and model pairs): the host's per-operator dispatch bounds them below batch
/// ~32 and gpusim does not simulate the host, so they are shown apart from the device-bound "models".
inline constexpr char kEagerHostBound[] = "eager PyTorch (host-bound)";
/// Board power of a steady measured phase (the harness's nvidia-smi samples) against the simulated power of
/// the same work; `gpusim calibrate` fits the power shares, and only them, to these cases.
inline constexpr char kPowerDraw[] = "power draw";

/// The GPU's busy time in one batch of a measured model (the sum of its kernels' durations, from the
/// harness's profiler trace: model_kernels.csv) against the simulated kernels back to back, no launch gaps.
inline constexpr char kModelGpuTime[] = "model GPU time";
/// The mean gap between consecutive kernels of a batch replayed from a CUDA graph ((span - busy time) /
/// (kernels - 1), model_kernels.csv) against the simulated launch gap per kernel.
inline constexpr char kLaunchGap[] = "launch gap";

/// Views across the categories (ValidationCase::groups), the ones issue 9's targets name: a device-bound
/// model's latency at batch 1 (MLPerf SingleStream, measured graph-replayed models at batch 1), at batch 8
/// or more (MultiStream, measured models at batch >= 8), and MLPerf Offline throughput without and with a
/// power limit (MaxQ).
inline constexpr char kBatch1Latency[] = "batch-1 latency";
inline constexpr char kBatch8Latency[] = "batch >= 8 latency";
inline constexpr char kMlperfOffline[] = "MLPerf Offline";
inline constexpr char kMlperfOfflineCapped[] = "MLPerf Offline, power-capped";

/// A category's place in the report: the eight above in order, any other after them.
int validation_category_rank(const std::string& category);

/// One validated number.
struct ValidationCase {
  std::string name;
  std::string category;  ///< isolated kernels | L2-resident kernels | co-located pairs | models
  std::string origin;    ///< published | measured | SAMPLE (hand-written harness output, NOT measured)
  std::string device;    ///< catalog entry simulated
  std::string unit;      ///< GB/s, TFLOP/s, samples/s, ms, ratio
  double measured = 0;
  std::optional<double> predicted;
  bool held_out = false;  ///< never used by calibration (docs/validation.md)
  std::string source;
  std::string note;  ///< why a case has no prediction, or a modelling remark
  std::vector<std::string> groups;  ///< the views above it belongs to (kBatch1Latency, ...)
  /// (predicted - measured) / measured x 100.
  std::optional<double> error_pct() const;
};

/// Error statistics of one category and subset.
struct CategorySummary {
  std::string category;
  std::string subset;  ///< all | calibration | held-out
  int cases = 0;
  double mean_abs_error_pct = 0;
  double mean_error_pct = 0;  ///< signed: > 0 means gpusim predicts too high
  double worst_abs_error_pct = 0;
  std::string worst_case;
};

/// One of issue 9's fidelity targets ("Must show"), checked on the cases of one report: a mean |error| (%)
/// over a category or a group, or the held-out subset's mean |error| over the calibration subset's (x) in
/// one category. docs/validation.md, "Targets".
struct FidelityTarget {
  std::string name;  ///< "batch-1 latency", "held-out / calibration: models", ...
  std::string unit;  ///< "%" (mean |error|) or "x" (ratio)
  int cases = 0;     ///< cases it is computed on (both subsets for a ratio)
  double value = 0;  ///< mean |error| in %, or the ratio
  double limit = 0;  ///< the target: value <= limit; 0 = shown for information, no target
  std::string worst_case;      ///< the case furthest off (of the held-out subset, for a ratio)
  double worst_error_pct = 0;  ///< its signed error
  bool met() const { return limit <= 0 || value <= limit; }
};

struct ValidationReport {
  std::string data_dir;
  std::string calibration;  ///< "none": every prediction uses the catalog as shipped
  bool sample = false;      ///< some data are the hand-written sample (NOT measured)
  std::vector<ValidationCase> cases;
  std::vector<CategorySummary> summary;
  std::vector<FidelityTarget> targets;
  std::vector<std::string> notes;  ///< data found, measured directories, skipped cases
};

/// Per-category statistics (all, calibration, held-out) of the cases that have a prediction, categories in
/// report order; a subset with no case is left out.
std::vector<CategorySummary> summarise(const std::vector<ValidationCase>& cases);

/// Issue 9's targets on these cases (those with a prediction), in this order: batch-1 latency <= 15 %,
/// L2-resident kernels <= 15 %, models <= 8 %, MLPerf Offline <= 5 % (mean |error| over every case, both
/// subsets); then, shown without a target, batch >= 8 latency and power-capped Offline; then, per category
/// with cases in both subsets, held-out mean |error| <= 1.5 x the calibration subset's. A target with no
/// case is left out.
std::vector<FidelityTarget> fidelity_targets(const std::vector<ValidationCase>& cases);

}  // namespace gpusim
