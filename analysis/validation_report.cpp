#include "analysis/validation_report.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
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

std::vector<FidelityTarget> fidelity_targets(const std::vector<ValidationCase>& cases) {
  std::vector<FidelityTarget> out;
  // Mean |error| of the cases `in` selects; false when none.
  const auto mean_abs = [&](const std::function<bool(const ValidationCase&)>& in, int& n, double& mean) {
    n = 0;
    mean = 0;
    for (const auto& c : cases) {
      if (!c.error_pct() || !in(c)) continue;
      ++n;
      mean += std::fabs(*c.error_pct());
    }
    if (n > 0) mean /= n;
    return n > 0;
  };
  const auto in_group = [](const char* g) {
    return [g](const ValidationCase& c) {
      return std::find(c.groups.begin(), c.groups.end(), g) != c.groups.end();
    };
  };
  const auto in_category = [](const char* cat) {
    return [cat](const ValidationCase& c) { return c.category == cat; };
  };
  const auto add = [&](const char* name, const std::function<bool(const ValidationCase&)>& in, double limit) {
    // Built, not assigned: g++ 12 warns falsely (-Wrestrict) on assigning a short literal to a string.
    FidelityTarget t{name, "%", 0, 0, limit};
    if (mean_abs(in, t.cases, t.value)) out.push_back(t);
  };
  add(kBatch1Latency, in_group(kBatch1Latency), 15);
  add(kL2ResidentKernels, in_category(kL2ResidentKernels), 15);
  add(kModels, in_category(kModels), 8);
  add(kMlperfOffline, in_group(kMlperfOffline), 5);
  add(kBatch8Latency, in_group(kBatch8Latency), 0);
  add(kMlperfOfflineCapped, in_group(kMlperfOfflineCapped), 0);
  std::map<std::pair<int, std::string>, bool> categories;
  for (const auto& c : cases) categories[{validation_category_rank(c.category), c.category}] = true;
  for (const auto& [key, unused] : categories) {
    const std::string& cat = key.second;
    int n_cal = 0, n_held = 0;
    double cal = 0, held = 0;
    const bool has_cal =
        mean_abs([&](const ValidationCase& c) { return c.category == cat && !c.held_out; }, n_cal, cal);
    const bool has_held =
        mean_abs([&](const ValidationCase& c) { return c.category == cat && c.held_out; }, n_held, held);
    if (!has_cal || !has_held) continue;
    // A calibration subset with no error at all: any held-out error is an unbounded ratio.
    const double ratio = cal > 0 ? held / cal : (held > 0 ? std::numeric_limits<double>::infinity() : 1.0);
    out.push_back(FidelityTarget{"held-out / calibration: " + cat, "x", n_cal + n_held, ratio, 1.5});
  }
  return out;
}

}  // namespace gpusim
