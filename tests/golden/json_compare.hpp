#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gpusim::golden {

/// How far a floating number may move: |actual - expected| <= max(abs, rel x |expected|).
struct Tolerance {
  double rel;
  double abs;
};

/// One value that differs, at a JSON path such as `$.workloads[0].latency_ms.p99`.
struct Difference {
  std::string path;
  std::string message;
};

/// Compares `actual` with `expected`: the same keys and array lengths, strings, booleans, nulls and
/// integers exactly, floating numbers within `tol`; an integer where a float is expected (or the reverse)
/// is a difference. Returns every difference, in document order (keys sorted).
std::vector<Difference> compare_json(const nlohmann::json& expected, const nlohmann::json& actual,
                                     Tolerance tol);

}  // namespace gpusim::golden
