#pragma once
/// The capacity study behind `gpusim capacity`: the largest number of streams of one workload (pipelines
/// and mixes included, the other workloads as given) for which every workload meets its SLA at a quantile
/// and the run is a steady state. An analytic bracket (utilisation from the isolated request times, memory
/// from the plan) starts a simulated search whose counts run in parallel child processes; with several
/// device types, one search per type on a one-device platform, all in the same batches.

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/capacity_search.hpp"
#include "studies/load_scenario.hpp"

namespace gpusim {

struct CapacityRequest {
  ScenarioArgs scenario;                ///< files, --set, --seed, --disable
  std::string vary;                     ///< workload name
  std::vector<std::string> per_device;  ///< catalog types; empty: the platform as given
  double quantile = 0.99;               ///< (0, 1)
  int seeds = 1;                        ///< 1..64
  double window_s = 5.0;                ///< measured seconds per point, at most the scenario's own
  long max_streams = 10000;             ///< no count above this is tried
  unsigned parallel = 0;                ///< simulations at a time (0: one per core)
  bool suggest = true;                  ///< try dynamic batching when the SLA or saturation binds
};

/// Runs the searches. ConfigError (exit 2) for an unknown workload or device type, a bad quantile, seed
/// count or window, or a scenario that cannot be loaded.
CapacityStudy find_capacity(const CapacityRequest& request);

}  // namespace gpusim
