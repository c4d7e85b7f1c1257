#pragma once
/// A scenario (platform + workloads, plain validated structs) and its plan: the execution units (whole
/// devices or MIG slices) and which unit serves each stream instance. Nothing from here down sees YAML.

#include <string>
#include <utility>
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

/// Where kernels run: a whole device, or one MIG slice with its own SMs, bandwidth, L2 and memory.
struct Unit {
  int device = 0;             ///< index into PlatformSpec::devices
  std::string name;           ///< "gpu0" or "gpu0/3g.20gb#1"
  std::string mig_profile;    ///< empty for a whole device
  double sm_fraction = 1.0;   ///< of the device's SMs
  double bw_fraction = 1.0;   ///< of the device's memory bandwidth (memory slices / all)
  Bytes memory;               ///< capacity of the unit
  Bytes l2;                   ///< L2 of the unit
};

struct Plan {
  std::vector<Unit> units;
  std::vector<StreamInstance> streams;
  std::vector<int> unit_of;          ///< per stream
  std::vector<double> mps_share;     ///< per stream, (0, 1]
  std::vector<double> memory_used;   ///< per unit, bytes
  std::string scheduler;
  double speed_scale = 1.0;          ///< multiplies every unit's compute and bandwidth (required-compute search)
};

/// Expands every workload's `count` into stream instances, in file order.
std::vector<StreamInstance> expand_streams(const WorkloadSpec& w);

/// The units of a device for a MIG partition (or the whole device when `partition` is empty).
std::vector<Unit> units_of(const DeviceInstance& d, int device_index, const std::vector<std::string>& partition);

/// Predicted time of one request alone on a unit: sum over its stages' kernels (at the stage's batch,
/// with the mean fan-out) of the roofline max(flops / (peak x eff x sm_fraction), bytes / (bandwidth x
/// eff x bw_fraction)) plus the launch overhead of each kernel.
Seconds isolated_request_time(const StreamSpec& s, const DeviceInstance& d, const Unit& u);

/// The two roofline terms of one request alone on a unit, summed over kernels: compute time and memory time.
std::pair<Seconds, Seconds> request_roofline_terms(const StreamSpec& s, const DeviceInstance& d, const Unit& u);

/// Device memory the streams placed on one unit need: weights once per workload when shared_weights
/// (else once per instance), activations per instance.
double unit_memory(const WorkloadSpec& w, const std::vector<StreamInstance>& streams,
                   const std::vector<int>& unit_of, int unit, bool shared_weights = true);

/// Builds the views, asks the policy for MIG partitions, placement and MPS shares, and checks each
/// contract. ConfigError when a stream fits no unit or a precision is unsupported; PolicyError on a breach.
Plan make_plan(const Scenario& sc, Scheduler& policy, const std::string& policy_name);

}  // namespace gpusim
