#pragma once
/// The records and pure rules of `gpusim capacity`: how one simulated point (N streams of the varied
/// workload, one seed) is judged, the analytic bracket of the search, the next counts to simulate, and the
/// search's answer. The simulations themselves are run by studies/capacity.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"

namespace gpusim {

/// One workload at one point.
struct CapacityWorkload {
  std::string name;
  int streams = 0;
  std::optional<double> sla_s;
  std::optional<double> attainment;  ///< completed within the SLA / generated
  double latency_q_s =
      0;             ///< latency that the quantile of generated requests meet (infinite: too many missing)
  double p99_s = 0;  ///< of completed requests
  double throughput_rps = 0;
  std::uint64_t generated = 0, unfinished = 0, dropped = 0;
  bool meets = true;  ///< attainment >= quantile (or no SLA)
};

/// One device (or MIG slice) at one point.
struct CapacityDevice {
  std::string name, type;
  int streams = 0;
  double occupied = 0;  ///< share of the window some context held it
  double memory_bytes = 0, memory_capacity = 0;
};

/// One simulated (or refused) point of the search.
struct CapacityPoint {
  long streams = 0;  ///< of the varied workload
  std::uint64_t seed = 0;
  std::string refused;  ///< why the point could not be planned or simulated (memory, ...); empty: simulated
  std::vector<CapacityWorkload> workloads;
  std::vector<CapacityDevice> devices;
  bool saturated = false;  ///< not a steady state
  std::string saturation;  ///< why, in words and numbers
  bool meets = false;      ///< simulated, stable and every workload meets its SLA at the quantile
  std::string failure;     ///< the first reason it does not meet (the binding constraint's words)
  std::string binding;     ///< "memory", "saturation", "sla:WORKLOAD" or "error"
};

/// Judges a simulated point from its metrics and the requests' latencies (per workload, completed
/// requests of the measured window, any order): saturated when some workload's verdict says the run is not
/// a steady state (analysis/saturation.hpp, the verdict `gpusim run` prints); else it meets when every
/// workload with an SLA has at least `quantile` of its generated requests within it.
CapacityPoint judge_point(const RunMetrics& m, const std::vector<std::vector<double>>& latencies,
                          double quantile, long streams, std::uint64_t seed);

/// The latency met by a share `quantile` of `generated` requests, given the sorted latencies of the
/// completed ones (nearest rank over the generated requests; infinite when fewer than that completed).
double latency_at_quantile(const std::vector<double>& sorted, std::uint64_t generated, double quantile);

/// The utilisation bracket: the most streams of a workload whose per-stream device time per second on each
/// unit is `per_stream[u]` (rate x isolated request time; absent where it cannot run), next to others that
/// already use `others[u]` of unit u: the sum over units of floor((1 - others) / per_stream).
long utilisation_bound(const std::vector<std::optional<double>>& per_stream,
                       const std::vector<double>& others);

/// What the search knows: the outcome at each count tried (true: meets), and its limits.
struct SearchState {
  std::map<long, bool> tried;
  long hint = 1;       ///< the analytic bracket (utilisation bound): the first counts tried
  long most = 100000;  ///< no count above this is tried (memory or --max-streams)
};

/// The largest count that meets below the smallest that fails (0 when none meets).
long search_low(const SearchState& s);
/// The smallest count that fails (most + 1 when none has failed yet).
long search_high(const SearchState& s);
/// True when the answer is known: high == low + 1 (or low == most).
bool search_done(const SearchState& s);
/// At most `k` (>= 2) counts to simulate next, ascending, none tried: first the bracket {hint, hint + 1};
/// then, while every count meets, steps up from the largest by an eighth of it (or 1) each; while every
/// count fails, the gap below the smallest split in k + 1 parts; then the gap between low and high split in
/// k + 1 parts.
std::vector<long> next_counts(const SearchState& s, int k);

/// One device configuration's search: its answer and the points around it.
struct CapacitySearch {
  std::string label;  ///< the device type (--per-device) or "platform"
  std::string error;  ///< set when the search could not run (e.g. no count could be planned)
  long bound = 0;     ///< the utilisation bracket
  long most = 0;      ///< largest count that fits in memory (or the cap)
  long answer = 0;    ///< the largest count that meets, below the smallest that fails
  int devices = 1;    ///< physical devices of the configuration
  std::map<long, std::vector<CapacityPoint>> points;  ///< every count simulated, one point per seed
  std::string suggestion;  ///< a knob that would raise the answer, when one was found
};

/// Everything `gpusim capacity` found: the question and one search per device configuration.
struct CapacityStudy {
  std::string platform_file, workloads_file;
  std::vector<std::string> overrides;               ///< --set PATH=VALUE, as applied
  std::string vary;                                 ///< the workload whose stream count is searched
  double rate_rps = 0;                              ///< of one of its streams
  std::optional<double> sla_s;                      ///< its SLA
  std::vector<std::pair<std::string, int>> others;  ///< the other workloads and their stream counts
  double quantile = 0.99;             ///< share of each workload's requests that must meet its SLA
  int seeds = 1;                      ///< seeds per count: a count meets only when it meets for all
  std::uint64_t seed = 0;             ///< the first seed
  double warmup_s = 0, window_s = 0;  ///< of each simulated point
  std::string scheduler;
  bool per_device = false;  ///< one search per device type, on a one-device platform
  std::vector<CapacitySearch> searches;
  std::uint64_t simulations = 0;  ///< simulated points, all searches
};

/// The points at `n` (empty when not simulated).
const std::vector<CapacityPoint>& points_at(const CapacitySearch& s, long n);
/// True when every seed's point at n meets.
bool all_meet(const std::vector<CapacityPoint>& points);
/// The first failing point (by seed) at n, or nullptr.
const CapacityPoint* first_failure(const std::vector<CapacityPoint>& points);

}  // namespace gpusim
