#include "core/params.hpp"

#include <fmt/format.h>

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

}  // namespace gpusim
