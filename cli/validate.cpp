#include "cli/validate.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/output_files.hpp"
#include "analysis/writers/validation.hpp"
#include "core/errors.hpp"
#include "platforms/calibration.hpp"
#include "platforms/catalog.hpp"
#include "studies/validation/calibrate.hpp"
#include "studies/validation/validate.hpp"

namespace gpusim {
namespace {

// The source tree's validation/ data, or $GPUSIM_VALIDATION when set.
std::string default_validation_dir() {
  const char* env = std::getenv("GPUSIM_VALIDATION");
  return env && *env ? std::string(env) : std::string(GPUSIM_VALIDATION_DIR);
}

ValidateOptions validate_options(const std::string& data_dir, const std::string& catalog, unsigned jobs) {
  ValidateOptions options;
  options.data_dir = data_dir.empty() ? default_validation_dir() : data_dir;
  options.catalog_dir = catalog.empty() ? Catalog::default_dir() : catalog;
  options.models_dir = GPUSIM_FACE_MODELS_DIR;
  options.parallel = jobs;
  return options;
}

}  // namespace

int command_validate(const ValidateCommandOptions& o) {
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  ValidateOptions options = validate_options(o.data_dir, o.catalog, o.jobs);
  options.clock_exponent = o.clock_exponent;
  std::optional<Calibration> overlay;
  if (!o.calibration.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(o.calibration, ec))
      throw ConfigError(fmt::format("{}: error: --calibration: no such file", o.calibration));
    overlay = read_calibration(o.calibration, Catalog::load(options.catalog_dir));
  }
  const ValidationReport report = run_validation(options);
  std::optional<ValidationReport> calibrated;
  if (overlay) {
    const ValidationData data = read_validation_data(options.data_dir);
    calibrated = validate_data(data.published, data.measured,
                               apply_calibration(Catalog::load(options.catalog_dir), *overlay), options);
    calibrated->data_dir = options.data_dir;
    calibrated->calibration = o.calibration;
  }
  // Everything is computed, then written.
  if (!o.json.empty()) {
    nlohmann::json j = validation_json(report);
    if (calibrated) j["calibrated"] = validation_json(*calibrated);
    files.set(o.json, json_text(j));
  }
  files.commit();
  if (o.json != "-") {
    print_validation(std::cout, report);
    if (calibrated) print_calibration_comparison(std::cout, report, *calibrated);
  }
  return 0;
}

int command_calibrate(const CalibrateCommandOptions& o) {
  OutputFiles files;
  files.add_file("--out", o.out);
  const ValidateOptions options = validate_options(o.data_dir, o.catalog, o.jobs);
  const CalibrationFit fit = run_calibration(options);
  files.set(o.out, calibration_yaml(fit.calibration,
                                    {"gpusim calibration overlay: written by `gpusim calibrate` from " +
                                         std::filesystem::path(options.data_dir).filename().string() + "/",
                                     "Fitted to the calibration subset only (held-out cases never used); "
                                     "method: docs/validation.md, \"Calibration\".",
                                     "Name it in a platform (calibration: FILE) or compare with "
                                     "`gpusim validate --calibration FILE`."}));
  files.commit();
  for (const auto& n : fit.notes) std::cout << n << "\n";
  std::cout << fmt::format("wrote {} ({} device(s))\n", o.out, fit.calibration.devices.size());
  return 0;
}

}  // namespace gpusim
