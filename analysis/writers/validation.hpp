#pragma once
/// Writers of the validation report (analysis/validation_report.hpp): the text tables and the JSON.

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/validation_report.hpp"

namespace gpusim {

/// The cases (in category order) and the per-category error table, as `gpusim validate` prints them.
void print_validation(std::ostream& out, const ValidationReport& r);

/// The report as JSON: data, calibration, sample, notes, cases (with predicted and error_pct, null when
/// missing) and summary.
nlohmann::json validation_json(const ValidationReport& r);

}  // namespace gpusim
