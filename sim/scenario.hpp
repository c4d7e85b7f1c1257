#pragma once
/// A scenario (platform + workloads, plain validated structs) and its plan: which device serves
/// each stream instance. Nothing from here down sees YAML.

#include <string>
#include <vector>

#include "platforms/platform_spec.hpp"
#include "scheduler/scheduler.hpp"
#include "workloads/workload_spec.hpp"

namespace gpusim {

struct Scenario {
  PlatformSpec platform;
  WorkloadSpec workloads;
};

/// One simulated stream: instance `instance` of workload `workload`.
struct StreamInstance {
  int workload = 0;
  int instance = 0;
};

struct Plan {
  std::vector<StreamInstance> streams;
  std::vector<int> device_of;        ///< per stream
  std::vector<double> memory_used;   ///< per device, bytes
  std::string scheduler;
};

/// Expands every workload's `count` into stream instances, in file order.
std::vector<StreamInstance> expand_streams(const WorkloadSpec& w);

/// Predicted time of one request alone on a device: sum over its stages' kernels (at the stage's batch,
/// with the mean fan-out) of the roofline max(flops / (peak x eff), bytes / (bandwidth x eff)) plus the
/// launch overhead of each kernel.
Seconds isolated_request_time(const StreamSpec& s, const DeviceInstance& d);

/// Builds the views, asks the policy for a placement and checks its contract.
/// ConfigError when a stream fits no device or a precision is unsupported; PolicyError on a breach.
Plan make_plan(const Scenario& sc, Scheduler& policy, const std::string& policy_name);

}  // namespace gpusim
