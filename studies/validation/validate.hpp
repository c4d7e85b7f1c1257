#pragma once
/// `gpusim validate`: gpusim's predictions held against published figures (validation/published/*.csv)
/// and measurements taken with the harness (validation/measured/<gpu>/), one simulation per run, all through
/// the batch runner. Method, data and current errors: docs/validation.md.
///
/// Reading the data (published.hpp, measured.hpp) is separate from simulating it (one file per category:
/// kernels, pairs, models), so the harness's output format is tested on its own. The report and its
/// statistics are analysis/validation_report.hpp; its writers analysis/writers/validation.hpp.

#include <string>
#include <vector>

#include "analysis/validation_report.hpp"
#include "platforms/catalog.hpp"
#include "studies/validation/measured.hpp"
#include "studies/validation/published.hpp"

namespace gpusim {

/// Where the data are and how to run; every path is the caller's (cli/ knows the source tree).
struct ValidateOptions {
  std::string data_dir;     ///< holds published/ and measured/<gpu>/, or is one of those, or a harness output
  std::string catalog_dir;  ///< the device catalog
  std::string models_dir;   ///< the ONNX face models that measured model rows name
  unsigned parallel = 0;    ///< simulations at once; 0 = number of cores
  bool quiet = false;       ///< no info line or progress per call (calibration calls it many times)
  /// A what-if on the power model: every run's contention.power.clock_exponent (1 to 3); 0 = the default.
  double clock_exponent = 0;
};

/// The validation data found under a directory (published/, measured/<gpu>/, or either itself).
struct ValidationData {
  PublishedData published;
  std::vector<MeasuredData> measured;
};

/// Reads what is under `dir`; ConfigError when it is not a directory.
ValidationData read_validation_data(const std::string& dir);

/// Finds every case under options.data_dir, simulates it and summarises the errors per category.
/// ConfigError when data_dir is not a directory or holds no validation data.
ValidationReport run_validation(const ValidateOptions& options);

/// Cases from already-read data (the test entry point); `catalog` resolves device names, and
/// options.catalog_dir and options.data_dir are not used.
ValidationReport validate_data(const PublishedData& published, const std::vector<MeasuredData>& measured,
                               const Catalog& catalog, const ValidateOptions& options);

}  // namespace gpusim
