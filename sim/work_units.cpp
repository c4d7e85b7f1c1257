// Host speeds, bus bandwidths and kernel costs in the engine's work units (see sim/work_units.hpp).

#include "sim/work_units.hpp"

namespace gpusim {

std::vector<std::vector<KernelCost>> kernel_costs(const StreamSpec& s, const DeviceSpec& d) {
  const double compute_rate = d.achievable(s.precision).v;
  std::vector<std::vector<KernelCost>> stages;
  for (const auto& stage : s.stages) {
    std::vector<KernelCost> costs;
    for (const auto& k : stage.kernels) {
      costs.push_back(
          KernelCost{k.flops.v / compute_rate * kWorkUnitsPerSecond, k.weight_bytes.v, k.bytes.v});
    }
    stages.push_back(std::move(costs));
  }
  return stages;
}

std::vector<double> unit_speeds(const std::vector<Hertz>& clocks, double sm_fraction, double speed_scale) {
  std::vector<double> speeds;
  for (const auto& f : clocks) {
    speeds.push_back(kWorkUnitsPerSecond * sm_fraction * speed_scale * f.v / clocks.front().v);
  }
  return speeds;
}

std::vector<double> share_speeds(const std::vector<double>& unit_speeds, double share) {
  std::vector<double> speeds;
  for (double s : unit_speeds) speeds.push_back(s * share);
  return speeds;
}

ByteRate unit_bus_bandwidth(const DeviceSpec& d, double bw_fraction, double speed_scale) {
  return ByteRate{d.achievable_bandwidth().v * bw_fraction * speed_scale};
}

}  // namespace gpusim
