#pragma once
/// Output of `gpusim capacity`: the answer per device configuration as a table with its reasons, or JSON.

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/capacity_search.hpp"

namespace gpusim {

/// The question, every search's answer, the binding constraint at one stream more, the margins at the
/// answer, the knob that would raise it, and every simulated count.
nlohmann::ordered_json capacity_json(const CapacityStudy& st);

/// The question, the table of answers (streams per GPU with --per-device), and one paragraph per search.
void print_capacity(std::ostream& out, const CapacityStudy& st);

}  // namespace gpusim
