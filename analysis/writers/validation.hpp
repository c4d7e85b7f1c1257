#pragma once
/// Writers of the validation report (analysis/validation_report.hpp): the text tables and the JSON.

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/validation_report.hpp"

namespace gpusim {

/// The cases (in category order) and the per-category error table, as `gpusim validate` prints them.
void print_validation(std::ostream& out, const ValidationReport& r);

/// The calibration and held-out errors of the same cases without and with a calibration overlay, side by
/// side (`gpusim validate --calibration FILE`): per case, then per category and subset.
void print_calibration_comparison(std::ostream& out, const ValidationReport& before,
                                  const ValidationReport& after);

/// The report as JSON: data, calibration, sample, notes, cases (with predicted and error_pct, null when
/// missing) and summary.
nlohmann::json validation_json(const ValidationReport& r);

}  // namespace gpusim
