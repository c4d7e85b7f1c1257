#include "analysis/intervals.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim {

Interval wilson_interval(std::uint64_t successes, std::uint64_t n, double z) {
  if (n == 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval quantile_interval(const std::vector<double>& sorted, double q, double z) {
  if (sorted.empty()) return {};
  const double n = static_cast<double>(sorted.size());
  const double spread = z * std::sqrt(n * q * (1 - q));
  // 1-based ranks, clamped to the list.
  const auto rank = [&](double r) {
    return static_cast<std::size_t>(std::clamp(r, 1.0, n)) - 1;
  };
  return {sorted[rank(std::floor(n * q - spread))], sorted[rank(std::ceil(n * q + spread))]};
}

}  // namespace gpusim
