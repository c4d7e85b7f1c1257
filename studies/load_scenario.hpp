#pragma once
/// The one way from files to a Scenario: the catalog, platform.yaml and workloads.yaml parsed and checked,
/// then the command line's overrides (seed, mechanisms switched off) applied.

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace gpusim {

/// Where the scenario comes from and what the command line changes in it.
struct ScenarioArgs {
  std::string platform;                        ///< platform YAML
  std::string workloads;                       ///< workloads YAML
  std::string catalog;                         ///< device catalog directory; empty: the bundled one
  std::optional<unsigned long long> seed;      ///< overrides run.seed
  std::vector<std::string> disable;            ///< contention mechanisms to switch off
};

/// Loads and checks the scenario; ConfigError (exit 2) naming the file, line and column, or the option.
Scenario load_scenario(const ScenarioArgs& args);

}  // namespace gpusim
