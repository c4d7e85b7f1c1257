#include "analysis/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace gpusim {

bool SweepRow::saturated() const {
  return std::any_of(workloads.begin(), workloads.end(), [](const SweepWorkload& w) { return w.saturated; });
}

double sweep_figure(double x) { return std::strtod(fmt::format("{:.9g}", x).c_str(), nullptr); }

void fill_sweep_row(SweepRow& row, const Scenario& sc, const Plan& plan, const RunMetrics& m) {
  for (const auto& w : m.workloads) {
    SweepWorkload s;
    s.name = w.name;
    s.p50_ms = sweep_figure(w.latency.p50 * 1e3);
    s.p99_ms = sweep_figure(w.latency.p99 * 1e3);
    if (w.sla_attainment) s.sla_attainment = sweep_figure(*w.sla_attainment);
    s.throughput_rps = sweep_figure(w.throughput_rps);
    s.unfinished = w.unfinished;
    s.saturated = w.saturation.saturated;
    row.workloads.push_back(s);
  }
  for (std::size_t d = 0; d < sc.platform.devices.size(); ++d) {
    SweepDevice s;
    s.name = sc.platform.devices[d].name;
    for (std::size_t u = 0; u < plan.units().size() && u < m.devices.size(); ++u) {
      if (plan.units()[u].device == static_cast<int>(d)) s.occupied = std::max(s.occupied, m.devices[u].occupied);
    }
    s.occupied = sweep_figure(s.occupied);
    if (d < m.power.size()) {
      s.mean_power_w = sweep_figure(m.power[d].mean_power_w);
      s.energy_j = sweep_figure(m.power[d].energy_j);
    }
    row.devices.push_back(s);
  }
}

}  // namespace gpusim
