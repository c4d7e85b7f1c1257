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
  // Mean |error| of the cases `in` selects (none: n = 0), and the one furthest off.
  struct Stats {
    int n = 0;
    double mean = 0;
    const ValidationCase* worst = nullptr;
  };
  const auto stats = [&](const std::function<bool(const ValidationCase&)>& in) {
    Stats s;
    for (const auto& c : cases) {
      if (!c.error_pct() || !in(c)) continue;
      ++s.n;
      s.mean += std::fabs(*c.error_pct());
      if (!s.worst || std::fabs(*c.error_pct()) > std::fabs(*s.worst->error_pct())) s.worst = &c;
    }
    if (s.n > 0) s.mean /= s.n;
    return s;
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
    const Stats s = stats(in);
    if (s.n == 0) return;
    // Built, not assigned: g++ 12 warns falsely (-Wrestrict) on assigning a short literal to a string.
    out.push_back(FidelityTarget{name, "%", s.n, s.mean, limit, s.worst->name, *s.worst->error_pct()});
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
    const Stats cal = stats([&](const ValidationCase& c) { return c.category == cat && !c.held_out; });
    const Stats held = stats([&](const ValidationCase& c) { return c.category == cat && c.held_out; });
    if (cal.n == 0 || held.n == 0) continue;
    // A calibration subset with no error at all: any held-out error is an unbounded ratio.
    const double ratio =
        cal.mean > 0 ? held.mean / cal.mean : (held.mean > 0 ? std::numeric_limits<double>::infinity() : 1.0);
    out.push_back(FidelityTarget{"held-out / calibration: " + cat, "x", cal.n + held.n, ratio, 1.5,
                                 held.worst->name, *held.worst->error_pct()});
  }
  return out;
}

}  // namespace gpusim
