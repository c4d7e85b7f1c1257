#pragma once
/// Output of `gpusim compare`: the ranking table and SLA attainment by workload, or JSON.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/ranking.hpp"

namespace gpusim {

/// The files compared, for the header and the JSON "compare" object.
struct CompareInfo {
  std::string platform;
  std::string workloads;
};

/// "Errors" and one line per policy that could not be planned or simulated (nothing when none failed);
/// `Row` has `scheduler` and `error` (CompareRow, SeedCompareRow).
template <class Row>
void print_policy_errors(std::ostream& out, const std::vector<Row>& rows) {
  bool errors = false;
  for (const auto& r : rows) {
    if (r.error.empty()) continue;
    if (!errors) out << "\nErrors\n";
    errors = true;
    out << "  " << r.scheduler << ": " << r.error << '\n';
  }
}

/// The ranking, each workload's SLA attainment under each policy, and the policies that failed.
void print_comparison(std::ostream& out, const CompareInfo& info, const Scenario& sc,
                      const std::vector<CompareRow>& rows);

/// The run settings, the policies compared (`names`, in the order given) and the ranking.
nlohmann::json compare_json(const CompareInfo& info, const Scenario& sc, const std::vector<std::string>& names,
                            const std::vector<CompareRow>& rows);

}  // namespace gpusim
