#include "core/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/errors.hpp"

namespace gpusim {

void Params::set(const std::string& key, const std::string& value, const std::string& origin) {
  values_[key] = {value, origin};
}

double Params::number(const std::string& key, double fallback) const {
  auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const auto& [text, origin] = it->second;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw ConfigError(fmt::format("{}: error: parameter '{}' must be a number (got '{}')", origin, key, text));
  }
  return v;
}

std::string Params::text(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second.first;
}

void Params::check_known(const std::string& owner, const std::vector<ParamDoc>& known) const {
  for (const auto& [key, value] : values_) {
    bool ok = false;
    std::string names;
    for (const auto& d : known) {
      ok = ok || d.name == key;
      names += (names.empty() ? "" : ", ") + d.name;
    }
    if (!ok) {
      throw ConfigError(fmt::format("{}: error: {} has no parameter '{}' (known: {})", value.second, owner, key,
                                    names.empty() ? "none" : names));
    }
  }
}

std::string ParamRange::describe() const {
  if (lo_open && lo == 0.0 && hi == std::numeric_limits<double>::infinity()) return "positive";
  return fmt::format("in {}{}, {}]", lo_open ? "(" : "[", lo, hi);
}

template <class T>
T ParamDecl<T>::read(const Params& p, const std::string& owner) const {
  ParamRange valid = range;
  if constexpr (std::is_same_v<T, int>) {
    valid.lo = std::max(valid.lo, static_cast<double>(std::numeric_limits<int>::min()));
    valid.hi = std::min(valid.hi, static_cast<double>(std::numeric_limits<int>::max()));
  }
  GPUSIM_CHECK(valid.contains(static_cast<double>(fallback)),
               fmt::format("{}: the default of parameter '{}' is outside its range", owner, name));
  const auto it = p.values().find(name);
  if (it == p.values().end()) return fallback;
  const double v = p.number(name, static_cast<double>(fallback));
  const std::string& origin = it->second.second;
  auto refuse = [&](const std::string& what) {
    return ConfigError(
        fmt::format("{}: error: {}: parameter '{}' must be {} (got {})", origin, owner, name, what, v));
  };
  if (!valid.contains(v)) throw refuse(valid.describe());
  if constexpr (std::is_same_v<T, int>) {
    if (v != std::floor(v)) throw refuse("a whole number");
  }
  return static_cast<T>(v);
}

template <class T>
ParamDoc ParamDecl<T>::doc() const {
  return ParamDoc{name, fmt::format("{}", fallback), summary};
}

template struct ParamDecl<double>;
template struct ParamDecl<int>;

}  // namespace gpusim
