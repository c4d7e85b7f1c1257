#include "studies/load_scenario.hpp"

#include <fmt/format.h>

#include <set>

#include "core/errors.hpp"
#include "core/overrides.hpp"
#include "core/yaml_reader.hpp"
#include "platforms/input_schema.hpp"
#include "platforms/parse_platform.hpp"
#include "workloads/parse_workloads.hpp"
#include "workloads/workloads_schema.hpp"

namespace gpusim {
namespace {

// The top-level keys of a file: the first part of each schema path ("run" of "run.duration").
std::set<std::string> top_keys(const Schema& s) {
  std::set<std::string> keys;
  for (const auto& f : s.fields) keys.insert(f.path.substr(0, f.path.find_first_of(".[")));
  return keys;
}

std::string listed(const std::set<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + k;
  return s;
}

}  // namespace

OverrideFile override_file(const Override& o) {
  static const std::set<std::string> platform_keys = top_keys(platform_schema());
  static const std::set<std::string> workloads_keys = top_keys(workloads_schema());
  const std::string& top = o.parts.front();
  if (workloads_keys.count(top)) return OverrideFile::WORKLOADS;
  if (platform_keys.count(top)) return OverrideFile::PLATFORM;
  throw ConfigError(fmt::format("{}: error: unknown key '{}' (platform file: {}; workloads file: {})",
                                o.label(), top, listed(platform_keys), listed(workloads_keys)));
}

Scenario load_scenario(const ScenarioArgs& args) {
  const Catalog catalog = Catalog::load(args.catalog.empty() ? Catalog::default_dir() : args.catalog);
  std::vector<Override> overrides;
  for (const auto& text : args.set) {
    overrides.push_back(parse_override(text));
    override_file(overrides.back());  // an unknown first key fails before any file is read
  }
  YAML::Node platform = load_yaml_file(args.platform);
  YAML::Node workloads = load_yaml_file(args.workloads);
  OverrideMarks marks;
  for (const auto& o : overrides) {
    apply_override(override_file(o) == OverrideFile::PLATFORM ? platform : workloads, o, marks);
  }
  Scenario sc;
  {
    const OverrideScope scope(marks);
    sc.platform = parse_platform(platform, args.platform, catalog);
    sc.workloads = parse_workloads(workloads, args.workloads);
  }
  for (const auto& o : overrides) sc.overrides.push_back(o.path + "=" + o.value);
  for (const auto& name : args.disable) {
    if (!sc.platform.contention.set(name, false)) {
      throw ConfigError(
          fmt::format("error: --disable: unknown mechanism '{}' (known: {})", name, mechanism_list()));
    }
  }
  if (args.seed) sc.workloads.run.seed = *args.seed;
  return sc;
}

}  // namespace gpusim
