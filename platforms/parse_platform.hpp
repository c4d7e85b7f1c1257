#pragma once
/// platform.yaml -> PlatformSpec (the only place that reads a platform's YAML).

#include <string>

#include "platforms/catalog.hpp"
#include "platforms/platform_spec.hpp"


namespace gpusim {

/// Parses and validates a platform file against the catalog. ConfigError "FILE:LINE:COL: error: ...".
PlatformSpec parse_platform(const std::string& path, const Catalog& catalog);

}  // namespace gpusim
