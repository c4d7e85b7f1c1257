#pragma once
/// Output of `gpusim capacity`: the answer per device configuration as a table with its reasons, or JSON.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/capacity_search.hpp"

namespace gpusim {

/// The question, every search's answer, the binding constraint at one stream more, the margins at the
/// answer, the knob that would raise it, and every simulated count.
nlohmann::ordered_json capacity_json(const CapacityStudy& st);

/// The question, the table of answers (streams per GPU with --per-device), and one paragraph per search.
void print_capacity(std::ostream& out, const CapacityStudy& st);

/// The question in one sentence.
std::string capacity_question(const CapacityStudy& st);
/// The table of answers, header first: per configuration the answer, bracket, the workload's latency at the
/// quantile at N and N + 1, the busiest device's occupancy at N and the binding constraint.
std::vector<std::vector<std::string>> capacity_rows(const CapacityStudy& st);
/// One paragraph per search (the answer, the margins at N, the failure at N + 1), then its knob if any.
std::vector<std::string> capacity_paragraphs(const CapacityStudy& st);
/// Every simulated count of a search with the varied workload's latency at the quantile (the worst seed,
/// seconds); counts where too many requests were missing are left out.
std::vector<std::pair<long, double>> capacity_curve(const CapacityStudy& st, const CapacitySearch& s);

}  // namespace gpusim
