#pragma once
/// The one way from files to a Scenario: the catalog, platform.yaml and workloads.yaml parsed and checked,
/// with the command line's --set overrides applied to the YAML before it is parsed, then its other
/// overrides (seed, mechanisms switched off) applied.

#include <optional>
#include <string>
#include <vector>

#include "core/overrides.hpp"
#include "sim/scenario.hpp"

namespace gpusim {

/// Where the scenario comes from and what the command line changes in it.
struct ScenarioArgs {
  std::string platform;                        ///< platform YAML
  std::string workloads;                       ///< workloads YAML
  std::string catalog;                         ///< device catalog directory; empty: the bundled one
  std::optional<unsigned long long> seed;      ///< overrides run.seed
  std::vector<std::string> disable;            ///< contention mechanisms to switch off
  std::vector<std::string> set;                ///< --set PATH=VALUE overrides, applied in order
};

/// The file a --set override changes: its first key is a top-level key of that file's schema.
enum class OverrideFile { PLATFORM, WORKLOADS };
/// Which file `o` changes; ConfigError naming the option and listing both files' keys when neither has it.
OverrideFile override_file(const Override& o);

/// Loads and checks the scenario; ConfigError (exit 2) naming the file, line and column, or the option.
Scenario load_scenario(const ScenarioArgs& args);

}  // namespace gpusim
