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

struct ValidationReport {
  std::string data_dir;
  std::string calibration;  ///< "none": every prediction uses the catalog as shipped
  bool sample = false;      ///< some data are the hand-written sample (NOT measured)
  std::vector<ValidationCase> cases;
  std::vector<CategorySummary> summary;
  std::vector<std::string> notes;  ///< data found, measured directories, skipped cases
};

/// Per-category statistics (all, calibration, held-out) of the cases that have a prediction, categories in
/// report order; a subset with no case is left out.
std::vector<CategorySummary> summarise(const std::vector<ValidationCase>& cases);

}  // namespace gpusim
