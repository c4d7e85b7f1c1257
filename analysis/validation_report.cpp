#include "analysis/validation_report.hpp"

#include <cmath>
#include <map>

namespace gpusim {

int validation_category_rank(const std::string& category) {
  static const std::map<std::string, int> order{
      {kIsolatedKernels, 0}, {kL2ResidentKernels, 1}, {kColocatedPairs, 2}, {kModels, 3},
      {kEagerHostBound, 4},  {kPowerDraw, 5},         {kModelGpuTime, 6},   {kLaunchGap, 7}};
  auto it = order.find(category);
  return it == order.end() ? 100 : it->second;
}

std::optional<double> ValidationCase::error_pct() const {
  if (!predicted || measured == 0) return std::nullopt;
  return (*predicted - measured) / measured * 100.0;
}

std::vector<CategorySummary> summarise(const std::vector<ValidationCase>& cases) {
  std::map<std::pair<int, std::string>, std::vector<const ValidationCase*>> by_category;
  for (const auto& c : cases) {
    if (c.error_pct()) by_category[{validation_category_rank(c.category), c.category}].push_back(&c);
  }
  std::vector<CategorySummary> out;
  for (const auto& [key, list] : by_category) {
    for (const char* subset : {"all", "calibration", "held-out"}) {
      CategorySummary s;
      s.category = key.second;
      s.subset = subset;
      for (const ValidationCase* c : list) {
        if ((s.subset == "calibration" && c->held_out) || (s.subset == "held-out" && !c->held_out)) continue;
        const double e = *c->error_pct();
        ++s.cases;
        s.mean_abs_error_pct += std::fabs(e);
        s.mean_error_pct += e;
        if (std::fabs(e) > s.worst_abs_error_pct || s.worst_case.empty()) {
          s.worst_abs_error_pct = std::fabs(e);
          s.worst_case = c->name;
        }
      }
      if (s.cases == 0) continue;
      s.mean_abs_error_pct /= s.cases;
      s.mean_error_pct /= s.cases;
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace gpusim
