#include "analysis/additivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace gpusim {
namespace {

std::string signed_pct(double x) {
  const double p = x * 100.0;
  return fmt::format("{}{:.1f} %", p >= 0 ? "+" : "\u2212", std::fabs(p));
}

}  // namespace

std::string additivity_verdict(const AdditivityResult& r) {
  const double gap = r.ratio - 1.0;
  std::string out;
  if (std::fabs(gap) < 0.005) {
    out = fmt::format("combined demand equals the simple sum ({:.3f} vs {:.3f})", r.combined, r.sum);
  } else {
    out = fmt::format("combined demand is {:.1f} % {} the simple sum", std::fabs(gap) * 100.0,
                      gap > 0 ? "above" : "below");
  }
  std::vector<std::pair<std::string, double>> parts(r.attribution.begin(), r.attribution.end());
  std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
  std::string list;
  for (const auto& [name, delta] : parts) {
    if (std::fabs(delta) < 0.005) continue;
    list += fmt::format("{}{} {}", list.empty() ? "" : ", ", name, signed_pct(delta));
  }
  if (!list.empty()) out += ": " + list;
  return out;
}

}  // namespace gpusim
