#include "cli/option_checks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <limits>

namespace gpusim {
namespace {

// Reads the whole text as a finite number into v; false when it is not one.
bool parse_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(v);
}

CLI::Validator checked(double lo, double hi, bool whole, const std::string& type) {
  return CLI::Validator(
      [lo, hi, whole](std::string& s) -> std::string {
        double v = 0;
        const bool number = parse_number(s, v);
        const bool ok = number && v >= lo && v <= hi && (!whole || v == std::floor(v));
        if (ok) return {};
        const std::string kind = whole ? "a whole number" : "a number";
        if (hi == std::numeric_limits<double>::max())
          return fmt::format("{} is not {} of {:g} or more", s, kind, lo);
        return fmt::format("{} is not {} from {:g} to {:g}", s, kind, lo, hi);
      },
      type);
}

}  // namespace

CLI::Validator whole_number_from_zero() {
  return checked(0, std::numeric_limits<double>::max(), true, "INT >= 0");
}

CLI::Validator whole_number_from_one() {
  return checked(1, std::numeric_limits<double>::max(), true, "INT >= 1");
}

CLI::Validator number_between(double lo, double hi, bool whole) {
  return checked(lo, hi, whole, fmt::format("{} in [{:g}, {:g}]", whole ? "INT" : "NUMBER", lo, hi));
}

std::string one_line_failure(const CLI::App* app, const CLI::Error& e) {
  std::string command = "gpusim";
  for (const CLI::App* sub : app->get_subcommands()) command += " " + sub->get_name();
  std::string what = e.what();
  for (char& c : what) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return fmt::format("{}: error: {} ({} --help lists the options)\n", command, what, command);
}

}  // namespace gpusim
