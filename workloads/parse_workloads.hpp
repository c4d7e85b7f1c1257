#pragma once
/// workloads.yaml -> WorkloadSpec (the only place that reads a workloads file's YAML).

#include <yaml-cpp/yaml.h>

#include <string>

#include "workloads/workload_spec.hpp"

namespace gpusim {

/// Parses and validates a workloads file. ConfigError "FILE:LINE:COL: error: ...".
WorkloadSpec parse_workloads(const std::string& path);
/// Parses a workloads document already loaded from `path` (and perhaps changed by --set overrides).
WorkloadSpec parse_workloads(const YAML::Node& root, const std::string& path);

}  // namespace gpusim
