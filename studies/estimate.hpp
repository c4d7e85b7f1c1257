#pragma once
/// The capacity study behind `gpusim estimate`: one model on one device type — compute and memory needed,
/// latency alone, the analytic stream count, then a simulated search for the largest count that meets
/// the SLA (short runs of N periodic streams, in parallel child processes).

#include <cstdint>
#include <string>

#include "analysis/capacity.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// What to estimate, already checked (the CLI parses and validates the arguments).
struct EstimateRequest {
  std::string label;  ///< the model reference, for messages and output
  ModelCost model;    ///< imported at batch 1: weights are read once per request, activations per sample
  const DeviceSpec* device = nullptr;  ///< supports `precision`
  Precision precision = Precision::FP32;
  int batch = 1;            ///< samples per request
  PerSecond rate;           ///< requests per second of one stream
  Seconds sla;              ///< latency target
  double headroom = 0.8;    ///< usable fraction of device memory
  std::uint64_t seed = 42;  ///< of the simulations' arrival phases
  bool simulate = true;     ///< confirm the analytic count by simulation
};

/// Derives the capacity inputs, the analytic bound and (when asked) the simulated answer.
CapacityEstimate estimate_capacity(const EstimateRequest& request);

}  // namespace gpusim
