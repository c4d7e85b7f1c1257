#pragma once
/// Saturation and impossibility verdicts (pure): whether a run's figures describe a steady state, per
/// workload, and whether a workload's SLA is shorter than the fastest latency its devices allow.
///
/// A workload is "saturated: not a steady state" when, over the measured window [warmup, duration):
///  - its backlog (requests arrived, neither finished nor dropped) rises: the mean backlog over the last
///    quarter of the window exceeds the mean over the first quarter by more than both
///    kBacklogGrowthFraction x the arrivals between the two quarters' centres (0.75 x window) and
///    kBacklogFloor requests per unit it runs on (x the requests one batch holds with dynamic batching);
///  - more than kShortfallFraction of its measured requests were dropped (a full queue, the policy's
///    admission), or unfinished after the drain beyond that floor;
///  - a unit it runs on, time-sliced (a whole device or a MIG slice; not MPS), was occupied at least
///    kOccupiedSaturated of the window: there is no idle time left to absorb a burst.
/// docs/saturation.md gives the reasons for each threshold (a stable M/D/1 queue at 90 % load crosses none).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/plan.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

/// Backlog growth, as a fraction of the arrivals over the same time, above which the backlog rises.
inline constexpr double kBacklogGrowthFraction = 0.02;
/// Backlog growth, in requests per unit (per batch with dynamic batching), that noise may reach.
inline constexpr double kBacklogFloor = 30.0;
/// Share of measured requests dropped or left unfinished above which the run is not a steady state.
inline constexpr double kShortfallFraction = 0.02;
/// Occupied fraction of the window at and above which a time-sliced unit has no headroom.
inline constexpr double kOccupiedSaturated = 0.99;

/// What the verdict of one workload rests on.
struct BacklogFigures {
  double window_s = 0;
  std::uint64_t arrived = 0;     ///< arrivals in the window (generated)
  std::uint64_t completed = 0;   ///< completions in the window, whenever the request arrived
  std::uint64_t dropped = 0;     ///< of the requests that arrived in the window
  std::uint64_t unfinished = 0;  ///< of the requests that arrived in the window, after the drain
  double backlog_start = 0;      ///< requests in the system at the window's start
  double backlog_end = 0;        ///< at its end
  double backlog_first = 0;      ///< time-average over the window's first quarter
  double backlog_last = 0;       ///< time-average over its last quarter
  double floor = kBacklogFloor;  ///< growth the noise of a stable queue may reach, in requests
  std::string busiest_unit;      ///< the most occupied time-sliced unit it runs on ("" when none)
  double busiest_occupied = 0;   ///< that unit's occupied fraction of the window
};

/// The verdict on one workload: saturated or steady, and why in words and numbers.
struct SaturationVerdict {
  bool saturated = false;
  std::string reason;  ///< "" when steady; e.g. "arrivals 120.0 req/s, completions 100.0 req/s; backlog ..."
  BacklogFigures figures;
};

/// The figures of each workload (in file order) from a run's records.
std::vector<BacklogFigures> backlog_figures(const Scenario& sc, const Plan& plan, const SimResult& r);

/// The verdict on one workload's figures, by the thresholds above.
SaturationVerdict judge_saturation(const BacklogFigures& f);

/// The verdict on each workload of a run (in file order).
std::vector<SaturationVerdict> assess_saturation(const Scenario& sc, const Plan& plan, const SimResult& r);

/// The fastest a request of `s` can finish on unit `u` of device `d` alone on an idle device, under the
/// scenario's contention switches `c`: its fewest fan-out items, each stage's kernels at the roofline
/// (plus launch overheads), the stages one after another as the engine runs them, and its host copies in
/// and out over the host link. Nothing when the device lacks the stream's precision.
std::optional<Seconds> fastest_latency(const StreamSpec& s, const DeviceInstance& d, const Unit& u,
                                       const ContentionSpec& c);

/// A workload whose SLA is below its fastest possible latency on some of the units it is placed on.
struct ImpossibleSla {
  std::string workload;
  double sla_s = 0;
  double fastest_s = 0;        ///< on the fastest of the units where every request misses
  std::string unit, type;      ///< that unit and its device type
  bool every_request = false;  ///< true when it is so on every unit the workload runs on
  std::string message;  ///< one line, e.g. "workload 'lobby': SLA 5 ms is below ...: every request will miss"
};

/// Each workload with an SLA shorter than its fastest possible latency on a unit it is placed on.
std::vector<ImpossibleSla> impossible_slas(const Scenario& sc, const Plan& plan);

}  // namespace gpusim
