#pragma once
/// The ranking of `gpusim compare`: one row per scheduling policy from its plan and simulation, sorted by
/// SLA attainment, then p99 latency, throughput, devices and units used, energy.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"

namespace gpusim {

/// One policy's line of the comparison.
struct CompareRow {
  std::string scheduler;
  std::string error;  ///< non-empty when the policy could not be planned or simulated
  std::optional<double>
      sla_attainment;         ///< requests within their SLA / generated, over workloads with an SLA
  double p99_s = 0;           ///< over every measured completed request
  double throughput_rps = 0;  ///< completed requests per second, all workloads
  int devices_used = 0;       ///< physical devices with at least one stream
  int units_used = 0;         ///< units (devices or MIG slices) with at least one stream
  double energy_j = 0;        ///< energy of the devices in use over the window
  std::uint64_t generated = 0, completed = 0, dropped = 0, unfinished = 0;
  std::uint64_t sla_met = 0, sla_requests = 0;  ///< the counts behind sla_attainment
  bool saturated = false;  ///< some workload's run is not a steady state (its verdict in metrics)
  std::vector<double> latencies_s;              ///< measured completed requests, sorted (report, intervals)
  double queue_s = 0;    ///< mean over measured completed requests: time waiting before its stages ran
  double service_s = 0;  ///< mean over the same requests: its stages' own time and the copy back
  RunMetrics metrics;
};

/// One policy's row from its plan and simulation: metrics, overall SLA attainment (requests within their
/// SLA over requests generated, over every workload with an SLA), p99 over all measured completed
/// requests, throughput, devices and units with streams, energy of the devices in use, and whether some
/// workload is saturated.
CompareRow summarise_run(const Scenario& sc, const Plan& plan, const SimResult& r,
                         const std::string& scheduler);

/// Sorts rows best first: SLA attainment (higher), then a steady run before a saturated one, p99 (lower),
/// throughput (higher), devices, units and energy (fewer), each to the precision printed (0.01 %, 1 us,
/// 0.001 req/s, 1 J); errors last; then by name. A saturated run's attainment is what its window saw (a
/// longer run would see less), so at equal attainment the steady policy ranks first; a higher attainment
/// still ranks higher, flagged.
void rank_rows(std::vector<CompareRow>& rows);

/// The order of rank_rows: true when `a` ranks above `b`.
bool ranks_before(const CompareRow& a, const CompareRow& b);

}  // namespace gpusim
