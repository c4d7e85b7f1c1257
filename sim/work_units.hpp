#pragma once
/// How the engine sizes its SimGrid hosts, links and kernels (pure; no SimGrid).
///
/// Compute is expressed in device-nanoseconds of full-device work: a whole GPU host runs 1e9 units per
/// second at its boost clock, and a kernel of F FLOPs at precision p needs F / (peak_p x efficiency) x 1e9
/// units. Kernels of different precisions then share the SMs by time, as on the hardware.

#include <vector>

#include "core/units.hpp"
#include "platforms/device_spec.hpp"
#include "workloads/workload_spec.hpp"

namespace gpusim {

constexpr double kWorkUnitsPerSecond = 1e9;

/// A kernel's demand at batch b: compute work_per_sample x b (work units), bytes bytes_fixed +
/// bytes_per_sample x b.
struct KernelCost {
  double work_per_sample = 0;
  double bytes_fixed = 0;
  double bytes_per_sample = 0;
};

/// Costs of every kernel of a stream on a device, per stage, per kernel.
std::vector<std::vector<KernelCost>> kernel_costs(const StreamSpec& s, const DeviceSpec& d);

/// Speed of a unit's GPU host at each pstate: 1e9 x sm_fraction x speed_scale x clock / boost clock.
std::vector<double> unit_speeds(const std::vector<Hertz>& clocks, double sm_fraction, double speed_scale);

/// Speeds of a host that caps an MPS context at `share` of its unit: each unit speed x share.
std::vector<double> share_speeds(const std::vector<double>& unit_speeds, double share);

/// Bandwidth of a unit's memory bus: achievable bandwidth x bw_fraction x speed_scale.
ByteRate unit_bus_bandwidth(const DeviceSpec& d, double bw_fraction, double speed_scale);

}  // namespace gpusim
