#include "json_compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace gpusim::golden {
namespace {

using nlohmann::json;

std::string kind(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "float";
  return v.type_name();
}

std::string describe(const json& v) { return v.is_null() ? "null" : kind(v) + " " + v.dump(); }

std::string key_path(const std::string& parent, const std::string& key) {
  const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  return plain ? parent + "." + key : parent + "[" + json(key).dump() + "]";
}

void compare(const json& e, const json& a, const std::string& path, Tolerance tol,
             std::vector<Difference>& out) {
  if (kind(e) != kind(a)) {
    out.push_back({path, "expected " + describe(e) + ", got " + describe(a)});
    return;
  }
  if (e.is_object()) {
    for (const auto& [key, value] : e.items()) {
      if (!a.contains(key)) {
        out.push_back({key_path(path, key), "missing (expected " + value.dump() + ")"});
      } else {
        compare(value, a.at(key), key_path(path, key), tol, out);
      }
    }
    for (const auto& [key, value] : a.items()) {
      if (!e.contains(key)) out.push_back({key_path(path, key), "unexpected key (got " + value.dump() + ")"});
    }
  } else if (e.is_array()) {
    if (e.size() != a.size()) {
      out.push_back({path, fmt::format("expected {} elements, got {}", e.size(), a.size())});
    }
    for (std::size_t i = 0; i < std::min(e.size(), a.size()); ++i) {
      compare(e[i], a[i], fmt::format("{}[{}]", path, i), tol, out);
    }
  } else if (e.is_number_float()) {
    const double x = e.get<double>();
    const double y = a.get<double>();
    const double allowed = std::max(tol.abs, tol.rel * std::abs(x));
    if (!(std::abs(y - x) <= allowed)) {
      out.push_back({path, fmt::format("expected {}, got {} (difference {:.3g} > tolerance {:.3g})", e.dump(),
                                       a.dump(), std::abs(y - x), allowed)});
    }
  } else if (e != a) {
    out.push_back({path, fmt::format("expected {}, got {}", e.dump(), a.dump())});
  }
}

}  // namespace

std::vector<Difference> compare_json(const json& expected, const json& actual, Tolerance tol) {
  std::vector<Difference> out;
  compare(expected, actual, "$", tol, out);
  return out;
}

}  // namespace gpusim::golden
