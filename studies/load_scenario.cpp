#include "studies/load_scenario.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "platforms/parse_platform.hpp"
#include "workloads/parse_workloads.hpp"

namespace gpusim {

Scenario load_scenario(const ScenarioArgs& args) {
  const Catalog catalog = Catalog::load(args.catalog.empty() ? Catalog::default_dir() : args.catalog);
  Scenario sc;
  sc.platform = parse_platform(args.platform, catalog);
  sc.workloads = parse_workloads(args.workloads);
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
