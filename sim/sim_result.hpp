#pragma once
/// Raw records of one simulation, sent from the simulating child process to the parent.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/trace_options.hpp"

namespace gpusim {

enum class RequestStatus : std::uint8_t { COMPLETED = 0, DROPPED = 1, UNFINISHED = 2 };

/// One request; times in seconds of simulated time (start/finish are -1 when they never happened).
struct RequestRecord {
  std::uint32_t stream = 0;  ///< index into Plan::streams
  RequestStatus status = RequestStatus::UNFINISHED;
  double arrival = 0;
  double start = -1;
  double finish = -1;
};

/// One stage of a multi-stage request (recorded only for pipelines).
struct StageRecord {
  std::uint32_t request = 0;  ///< index into SimResult::requests
  std::uint16_t stage = 0;    ///< index into StreamSpec::stages
  std::uint16_t batch = 0;    ///< samples the stage ran on
  double start = 0;
  double finish = 0;
};

/// Per execution unit; integrals over the measured window [warmup, duration].
struct DeviceRecord {
  double compute_busy = 0;    ///< integral of compute utilisation (0..1) over time, in seconds
  double bandwidth_busy = 0;  ///< same for memory bandwidth
  double occupied = 0;        ///< seconds during which some context held the GPU (kernels, gaps, switches)
  std::uint64_t kernels = 0;  ///< kernels completed (whole run)
  std::uint64_t switches = 0; ///< context switches (whole run)
};

/// Per physical device.
struct PowerRecord {
  double energy_j = 0;        ///< over the measured window
  double energy_total_j = 0;  ///< over the whole run
  double peak_power_w = 0;
  double max_temperature_c = 0;
  double min_clock_hz = 0;    ///< lowest clock reached (throttling)
  /// When the run stopped the device because one of its workloads could no longer meet its SLA at the
  /// plan's quantile (Plan::stop_quantile): its later arrivals are not simulated and its queued requests
  /// are dropped. -1: never.
  double stopped_at = -1;
  /// The contention mechanisms that changed something on the device (bit mechanism_bit(MechanismId)): a
  /// run of the same plan with a mechanism whose bit is clear switched off is the same run. Conservative:
  /// a bit may be set for a mechanism that changed nothing (docs/engine.md).
  std::uint32_t acted = 0;
};

/// One time-series point of a physical device, averaged over the sampling interval ending at `time`.
struct Sample {
  std::uint32_t device = 0;
  double time = 0;
  double power_w = 0;
  double temperature_c = 0;
  double clock_hz = 0;
  double utilization = 0;
  double bandwidth_utilization = 0;
  double occupied = 0;  ///< fraction of the interval some context held the GPU (units weighted by their SM share)
};

struct SimResult {
  std::vector<RequestRecord> requests;
  std::vector<StageRecord> stages;
  std::vector<DeviceRecord> devices;  ///< per unit
  std::vector<PowerRecord> power;     ///< per physical device
  std::vector<Sample> samples;
  double end_time = 0;        ///< simulated time of the last arrival or kernel completion
  std::uint64_t kernels = 0;  ///< kernels completed (whole run)
  double wall_seconds = 0;    ///< host time spent simulating
  long peak_rss_kib = 0;      ///< of the simulating process
  TraceSummary trace;         ///< what the trace file holds (when one was asked for)
};

/// Puts the records in an order that does not depend on how the run was split or on the order of
/// simultaneous events: requests by (arrival, stream), stage records by (request, stage, start), samples
/// by (time, device). Request indices in the stage records follow their requests.
void canonical_order(SimResult& r);

/// One result from the results of a run's partitions (sim/partition.hpp), each simulated apart:
/// requests, stage records and samples of all; part p's unit and device records are those of units
/// `units_of[p]` and devices `devices_of[p]` (indices in the whole plan); kernels summed, the latest end,
/// host time summed, the largest peak memory. In canonical order.
SimResult merge_partitions(std::vector<SimResult> parts, const std::vector<std::vector<int>>& units_of,
                           const std::vector<std::vector<int>>& devices_of);

/// Binary (de)serialisation for the pipe between child and parent.
std::string serialize(const SimResult& r);
SimResult deserialize(const std::string& bytes);

}  // namespace gpusim
