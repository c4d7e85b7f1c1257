#pragma once
/// Metrics computed from a simulation's raw records: per workload and per device.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/saturation.hpp"
#include "sim/plan.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

/// Latency distribution in seconds. Percentiles use the nearest-rank method: the ceil(q x n)-th
/// smallest completed latency.
struct LatencyStats {
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
};

/// One stage of a pipeline: its own execution time, and how long after the request's arrival it ended.
struct StageMetrics {
  std::string name;
  std::uint64_t runs = 0;  ///< invocations of measured requests
  double mean_batch = 0;   ///< samples per invocation (faces for per-face stages)
  LatencyStats latency;    ///< stage start to stage end
  LatencyStats done_at;    ///< request arrival to stage end
};

struct WorkloadMetrics {
  std::string name;
  int streams = 0;
  std::vector<std::string> devices;  ///< where its instances run, sorted, unique
  std::uint64_t generated = 0;       ///< arrivals in the measured window
  std::uint64_t completed = 0;
  std::uint64_t dropped = 0;         ///< refused by a full device queue
  std::uint64_t unfinished = 0;      ///< still queued or running at the end of the drain
  double throughput_rps = 0;         ///< requests completed in the window (whenever they arrived) / window
  LatencyStats latency;
  std::optional<double> sla_s;
  double host_pre_s = 0;   ///< CPU time per request before its device's queue (`host.pre`; in the latency)
  double host_post_s = 0;  ///< CPU time per request after its outputs are back (`host.post`; in the latency)
  double host_launch_s = 0;        ///< CPU time the host spends issuing each kernel (`host.launch`)
  double host_launch_kernels = 0;  ///< kernels of a request that runs every stage, each issued by the host
  std::optional<double> sla_attainment;  ///< completed within the SLA / generated
  double achieved_flops = 0;             ///< FLOP/s of the requests completed in the window
  std::vector<StageMetrics> stages;      ///< pipelines only
  SaturationVerdict saturation;          ///< whether its figures describe a steady state (saturation.hpp)
};

struct DeviceMetrics {
  std::string name, type, node, sharing;
  int streams = 0;
  double utilization = 0;            ///< compute busy fraction over the window
  double bandwidth_utilization = 0;  ///< memory-bus busy fraction over the window
  double memory_bytes = 0;           ///< placed weights + activations
  double memory_capacity = 0;        ///< device memory
  std::uint64_t kernels = 0;
  std::uint64_t switches = 0;        ///< context switches
  double occupied = 0;               ///< fraction of the window some context held the GPU
  double energy_j = 0;               ///< the unit's share (by SMs) of its device's energy over the window
};

/// Power and heat of one physical device over the measured window.
struct PowerMetrics {
  std::string name, type;
  double energy_j = 0;
  double energy_per_request_j = 0;  ///< energy / requests completed on the device
  double mean_power_w = 0;
  double peak_power_w = 0;          ///< highest control-period average
  double power_cap_w = 0;
  double max_temperature_c = 0;
  double boost_clock_hz = 0;
  double min_clock_hz = 0;          ///< lowest clock reached (below boost = throttled)
};

struct RunMetrics {
  double window_s = 0;  ///< duration - warmup
  std::vector<WorkloadMetrics> workloads;
  std::vector<DeviceMetrics> devices;  ///< per execution unit
  std::vector<PowerMetrics> power;     ///< per physical device
  std::vector<Sample> samples;         ///< time series, Sample::device indexes `power`
  std::uint64_t kernels = 0;
  double simulated_s = 0;
};

/// True when the request arrived in the measured window [warmup, duration): only those count.
inline bool in_window(const RunSpec& run, const RequestRecord& rec) {
  return !(rec.arrival < run.warmup.v || rec.arrival >= run.duration.v);
}

RunMetrics compute_metrics(const Scenario& sc, const Plan& plan, const SimResult& r);

/// Nearest-rank percentile of sorted values (q in (0, 1]); 0 for an empty list.
double percentile_sorted(const std::vector<double>& sorted, double q);

}  // namespace gpusim
