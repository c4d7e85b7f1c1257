#pragma once
/// A registry of named factories, shared by every pluggable part (schedulers first).

#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/params.hpp"

namespace gpusim {

/// Name -> factory map behind a function-local static (safe start-up order).
template <class Base>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Base>(const Params&)>;
  struct Entry {
    std::string name;
    std::string summary;
    std::vector<ParamDoc> params;
    Factory factory;
  };

  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  /// Adds an entry; a duplicate name is a programming error.
  bool add(std::string name, std::string summary, std::vector<ParamDoc> params, Factory factory) {
    GPUSIM_CHECK(!entries_.count(name), "duplicate registration of '" + name + "'");
    std::string key = name;
    entries_.emplace(std::move(key), Entry{std::move(name), std::move(summary), std::move(params), std::move(factory)});
    return true;
  }

  bool has(const std::string& name) const { return entries_.count(name) > 0; }

  /// Creates `name`; an unknown name is a ConfigError listing the valid ones.
  std::unique_ptr<Base> create(const std::string& name, const Params& params) const {
    auto it = entries_.find(name);
    if (it == entries_.end()) throw ConfigError(fmt::format("unknown {} '{}'. Valid values are: {}", kind_name(), name, names()));
    return it->second.factory(params);
  }

  /// Entries sorted by name.
  std::vector<const Entry*> entries() const {
    std::vector<const Entry*> out;
    for (const auto& [_, e] : entries_) out.push_back(&e);
    return out;
  }

  std::string names() const {
    std::string out;
    for (const auto& [n, _] : entries_) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  /// Word used in messages ("scheduler"); set by the owner of the registry.
  static std::string kind_name();

 private:
  Registry() = default;
  std::map<std::string, Entry> entries_;
};

}  // namespace gpusim
