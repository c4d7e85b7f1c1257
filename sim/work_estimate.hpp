#pragma once
/// The work a scenario asks for, estimated from its inputs before anything is planned or simulated
/// (requests, kernels, events, samples, peak memory, host time), and the limits a run must stay within.
/// Pure: no SimGrid, no allocation that grows with the estimate. docs/performance.md gives the constants.

#include <cstdint>
#include <optional>
#include <string>

#include "sim/scenario.hpp"

namespace gpusim {

/// Expected counts and peak memory of one simulation of a scenario (means; an upper bound where the
/// simulation can do less, e.g. dynamic batching merges kernels).
struct WorkEstimate {
  double streams = 0;     ///< stream instances (sum of the workloads' count)
  double units = 0;       ///< execution units (devices, or MIG slices; 7 per `mig: auto` device)
  double devices = 0;     ///< physical devices
  double hosts = 0;       ///< SimGrid hosts: 2 per unit, 1 per device, 1 per MPS context
  double requests = 0;    ///< arrivals in [0, duration): rate x duration, or the trace's times before it
  double stage_runs = 0;  ///< stage records (pipelines: requests x stages)
  double kernels = 0;     ///< requests x kernels per request
  double ticks = 0;       ///< power/thermal controller steps: (duration + drain) / period x devices
  double samples = 0;     ///< time-series points: (duration + drain) / sample interval x devices
  double events = 0;      ///< arrivals + kernel starts and ends + controller steps

  double base_bytes = 0;      ///< the process, SimGrid, the catalog
  double platform_bytes = 0;  ///< SimGrid hosts, links, routes and unit state (per unit)
  double stream_bytes = 0;    ///< per stream: its view, placement, generator and kernel costs
  double view_bytes = 0;      ///< the policy's per-stream, per-unit times (streams x units)
  double record_bytes = 0;    ///< request, stage and sample records, with their copies
  double host_seconds = 0;    ///< rough: kernels and controller steps at the rates measured on bench/

  /// Peak memory of the run, all processes together.
  double memory_bytes() const {
    return base_bytes + platform_bytes + stream_bytes + view_bytes + record_bytes;
  }
};

/// The estimate of one simulation of `sc` (its duration, drain, rates, counts and platform).
WorkEstimate estimate_work(const Scenario& sc);

/// What a command may use, and where each limit came from (for the message).
struct WorkLimits {
  double max_memory_bytes = 0;
  std::string memory_origin;  ///< "half of this machine's 24.0 GiB", "--max-memory 1MiB"
  double max_host_seconds = 24 * 3600.0;
  bool allow_large = false;  ///< --allow-large: no host-time limit
};

/// Half of this machine's physical memory, or `max_memory` (a size with a unit, e.g. 8GiB, more or less
/// than half) when given; ConfigError when `max_memory` is not a positive size.
WorkLimits work_limits(const std::optional<std::string>& max_memory, bool allow_large);

/// Throws ConfigError (one line: the estimate, the limit, how to raise it) when `total_memory` bytes or
/// `total_host_seconds` exceed the limits. `what` names the work ("this run", "this comparison of 5
/// schedulers"); `e` gives the counts and parts named in the message.
void check_work(const WorkEstimate& e, double total_memory, double total_host_seconds,
                const WorkLimits& limits, const std::string& what);

/// check_work for one simulation: its memory and host time as estimated.
inline void check_work(const WorkEstimate& e, const WorkLimits& limits,
                       const std::string& what = "this run") {
  check_work(e, e.memory_bytes(), e.host_seconds, limits, what);
}

/// "1.5 GiB", "12.0 MiB", "640 B": binary units, one decimal.
std::string format_bytes(double bytes);

/// "1,000,000": a count with thousands separators (rounded).
std::string format_count(double n);

}  // namespace gpusim
