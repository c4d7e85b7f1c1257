#include "analysis/writers/json_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace gpusim {
namespace {

void round_numbers(nlohmann::json& j) {
  if (j.is_number_float()) {
    const double x = j.get<double>();
    if (std::isfinite(x)) j = std::strtod(fmt::format("{:.12g}", x).c_str(), nullptr);
    return;
  }
  if (j.is_structured()) {
    for (auto& child : j) round_numbers(child);
  }
}

}  // namespace

std::string json_text(nlohmann::json j) {
  round_numbers(j);
  return j.dump(2) + "\n";
}

}  // namespace gpusim
