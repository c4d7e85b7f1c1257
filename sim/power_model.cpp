// The power model, the pstate clock list, the settled pstate under a cap and the RC thermal step.

#include "sim/power_model.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim {

double PowerModel::clock_factor(double r) const {
  return clock_exponent == 3.0 ? r * r * r : std::pow(r, clock_exponent);
}

Watts PowerModel::power(double u_compute, double u_memory, double clock_ratio) const {
  const double dynamic = compute_power * u_compute * clock_factor(clock_ratio) + memory_power * u_memory;
  return idle + (tdp - idle) * dynamic;
}

bool uses_tensor_cores(KernelClass kind, Precision p, const DeviceSpec& d) {
  if (kind == KernelClass::ELEMENTWISE || kind == KernelClass::REDUCTION) return false;
  const auto it = d.tensor_macs_per_sm_per_clock.find(p);
  return it != d.tensor_macs_per_sm_per_clock.end() && it->second > 0;
}

ComputeShares compute_shares(const DeviceSpec& d, double platform_compute_power) {
  const double tensor = d.power_compute.value_or(platform_compute_power);
  const double simt = d.power_simt.value_or(tensor);
  ComputeShares c;
  c.compute_power = std::max(tensor, simt);
  if (c.compute_power > 0) {
    c.tensor = tensor / c.compute_power;
    c.simt = simt / c.compute_power;
  }
  return c;
}

std::vector<Hertz> pstate_clocks(const DeviceSpec& d) {
  constexpr double kStep = 15e6;  // NVIDIA clock bins
  const double lowest = std::min(d.boost_clock.v, 0.5 * d.base_clock.v);
  std::vector<Hertz> clocks;
  for (double f = d.boost_clock.v; f >= lowest - 1.0; f -= kStep) clocks.push_back(Hertz{f});
  if (clocks.empty()) clocks.push_back(d.boost_clock);
  return clocks;
}

int settled_pstate(const PowerModel& m, const std::vector<Hertz>& clocks, double u_compute, double u_memory,
                   Watts cap) {
  for (std::size_t i = 0; i < clocks.size(); ++i) {
    const double r = clocks[i].v / clocks.front().v;
    const double u = std::min(1.0, u_compute / r);
    if (m.power(u, u_memory, r) <= cap) return static_cast<int>(i);
  }
  return static_cast<int>(clocks.size()) - 1;
}

Celsius thermal_step(const ThermalSpec& th, Celsius t0, Watts p, Seconds dt) {
  const Celsius steady = steady_temperature(th, p);
  return steady + (t0 - steady) * std::exp(-dt.v / th.time_constant.v);
}

Celsius steady_temperature(const ThermalSpec& th, Watts p) { return th.ambient + Celsius{p.v * th.resistance.v}; }

}  // namespace gpusim
