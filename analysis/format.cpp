#include "analysis/format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace gpusim {

std::string group_digits(double value) {
  const double r = std::round(value);
  std::string digits = fmt::format("{:.0f}", std::fabs(r));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (r < 0 ? "-" : "") + out;
}

std::string describe_bytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = bytes;
  int u = 0;
  while (std::fabs(v) >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  if (u == 0) return fmt::format("{} B", group_digits(bytes));
  return fmt::format("{:.3g} {} ({} B)", v, kUnits[u], group_digits(bytes));
}

std::string describe_seconds(double seconds) {
  const double a = std::fabs(seconds);
  if (a == 0.0) return "0 s";
  if (a < 1e-3) return fmt::format("{:.4g} us", seconds * 1e6);
  if (a < 1.0) return fmt::format("{:.4g} ms", seconds * 1e3);
  return fmt::format("{:.4g} s", seconds);
}

}  // namespace gpusim
