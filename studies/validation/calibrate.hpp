#pragma once
/// `gpusim calibrate`: fits per-catalog-entry efficiencies and launch overhead to the CALIBRATION subset of
/// the validation data (never a held-out case), by a deterministic 1-D golden-section search per field, and
/// returns the overlay (platforms/calibration.hpp). Method: docs/validation.md, "Calibration".

#include <string>
#include <vector>

#include "platforms/calibration.hpp"
#include "studies/validation/validate.hpp"

namespace gpusim {

/// The overlay and what the fit saw.
struct CalibrationFit {
  Calibration calibration;
  std::vector<std::string> notes;  ///< per device: the fields fitted, or why none
};

/// Fits every catalog entry that has calibration cases: for each field some calibration case of the entry
/// is sensitive to (memory efficiency, compute efficiency, launch overhead, in that order), the value within
/// its physical bounds (calibration.hpp) minimising the sum over the entry's calibration cases of
/// ln(predicted / measured)^2, coordinate by coordinate (two sweeps when more than one field is fitted).
/// Held-out published rows are dropped before anything is simulated and held-out measured cases are never
/// scored. ConfigError when no calibration case remains.
CalibrationFit fit_calibration(const PublishedData& published, const std::vector<MeasuredData>& measured,
                               const Catalog& catalog, const ValidateOptions& options);

/// Reads the data under options.data_dir (as run_validation does) and fits them.
CalibrationFit run_calibration(const ValidateOptions& options);

}  // namespace gpusim
