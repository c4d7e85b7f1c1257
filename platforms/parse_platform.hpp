#pragma once
/// platform.yaml -> PlatformSpec (the only place that reads a platform's YAML).

#include <yaml-cpp/yaml.h>

#include <string>

#include "platforms/catalog.hpp"
#include "platforms/platform_spec.hpp"


namespace gpusim {

/// Parses and validates a platform file against the catalog. ConfigError "FILE:LINE:COL: error: ...".
PlatformSpec parse_platform(const std::string& path, const Catalog& catalog);
/// Parses a platform document already loaded from `path` (and perhaps changed by --set overrides).
PlatformSpec parse_platform(const YAML::Node& root, const std::string& path, const Catalog& catalog);

}  // namespace gpusim
