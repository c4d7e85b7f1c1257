#pragma once
/// The figures of one point of a sweep (`gpusim sweep`): per workload its latency, SLA attainment and
/// throughput, per physical device its occupancy, power and energy, and a saturation flag. Every figure is
/// kept to 9 significant digits, as the result files write it, so a row read back from a file is the row
/// that was written (a resumed sweep writes the same bytes as one run in one go).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"

namespace gpusim {

/// One workload at one point.
struct SweepWorkload {
  std::string name;
  double p50_ms = 0;
  double p99_ms = 0;
  std::optional<double> sla_attainment;  ///< fraction 0..1; none without an SLA
  double throughput_rps = 0;
  std::uint64_t unfinished = 0;          ///< requests still queued or running at the end of the drain
  bool saturated = false;                ///< the run's saturation verdict (analysis/saturation.hpp)
};

/// One physical device at one point.
struct SweepDevice {
  std::string name;
  double occupied = 0;      ///< fraction of the window some context held it (a MIG device: its busiest slice)
  double mean_power_w = 0;
  double energy_j = 0;      ///< over the measured window
};

/// One result row of a sweep: a point of the grid under one seed.
struct SweepRow {
  std::size_t point = 0;            ///< index in the grid (row-major, the first axis slowest)
  std::vector<std::string> values;  ///< the point's value of each axis, as given
  std::uint64_t seed = 0;
  std::string error;                ///< why the point failed; empty when it ran
  std::vector<SweepWorkload> workloads;
  std::vector<SweepDevice> devices;
  /// Some workload is saturated (the saturation verdict).
  bool saturated() const;
};

/// What a sweep's result files describe: the files, the fixed overrides, the axes and the columns. A file
/// resumed must have been written for the same layout.
struct SweepLayout {
  std::string platform, workloads;                ///< the files, as given
  std::vector<std::string> fixed;                 ///< the plain --set overrides, PATH=VALUE
  std::vector<std::string> axis_paths;            ///< one per axis, in the order given
  std::vector<std::vector<std::string>> axis_values;
  int seeds = 1;
  std::size_t points = 0;
  std::vector<std::string> workload_names, device_names;  ///< the result columns
};

/// `x` rounded to 9 significant digits (the precision of the result files).
double sweep_figure(double x);

/// The figures of a run (metrics of `plan` on `sc`) for a row: workloads in the scenario's order, devices in
/// the platform's order.
void fill_sweep_row(SweepRow& row, const Scenario& sc, const Plan& plan, const RunMetrics& m);

}  // namespace gpusim
