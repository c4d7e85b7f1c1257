#pragma once
/// `gpusim validate`: predictions against published figures and harness measurements (docs/validation.md).

#include <string>

namespace gpusim {

struct ValidateCommandOptions {
  std::string data_dir;       ///< empty: $GPUSIM_VALIDATION, else the source tree's validation/
  std::string json;           ///< write the report as JSON to FILE ('-' for stdout)
  std::string catalog;        ///< device catalog directory; empty: the bundled one
  unsigned jobs = 0;          ///< simulations at a time; 0 = one per core
  std::string calibration;    ///< an overlay: also simulate with it and compare
  double clock_exponent = 0;  ///< 0: the default; else every run's contention.power.clock_exponent
};

int command_validate(const ValidateCommandOptions& o);

/// `gpusim calibrate`: fits the overlay to the calibration subset (docs/validation.md, "Calibration").
struct CalibrateCommandOptions {
  std::string data_dir;  ///< empty: as validate
  std::string out;       ///< the overlay YAML
  std::string catalog;
  unsigned jobs = 0;
};

int command_calibrate(const CalibrateCommandOptions& o);

}  // namespace gpusim
