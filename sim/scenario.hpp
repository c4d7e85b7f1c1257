#pragma once
/// A scenario: platform + workloads as plain validated structs. Nothing from here down sees YAML.

#include <vector>

#include "platforms/platform_spec.hpp"
#include "workloads/workload_spec.hpp"

namespace gpusim {

struct Scenario {
  PlatformSpec platform;
  WorkloadSpec workloads;
  std::vector<std::string> overrides;  ///< the --set PATH=VALUE overrides applied, in order
};

/// One simulated stream: instance `instance` of workload `workload`.
struct StreamInstance {
  int workload = 0;
  int instance = 0;
};

/// Expands every workload's `count` into stream instances, in file order.
std::vector<StreamInstance> expand_streams(const WorkloadSpec& w);

}  // namespace gpusim
