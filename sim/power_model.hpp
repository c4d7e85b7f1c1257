#pragma once
/// Power, DVFS and thermal model of a device (pure functions; the engine calls them every control period).
///
/// Power:   P = idle + (TDP - idle) x (compute_power x u_c x r^3 + memory_power x u_m)
///          u_c: SM busy fraction at the current clock, u_m: memory-bus busy fraction, r = clock / boost.
///          The engine passes u_c weighted by the kind of SM work (compute_shares): tensor-core kernels
///          and CUDA-core kernels (FP32/FP64 arithmetic, element-wise, reductions, any precision without
///          tensor MACs) each count their own share of (TDP - idle) (DeviceSpec::power_compute, power_simt).
///          Dynamic power goes with f x V^2; where V scales with f that is r^3
///          (contention.power.clock_exponent, 3 by default; 1 where the voltage is pinned at its floor and
///          only the clock moves).
/// Clocks:  pstate i runs at boost - i x 15 MHz (NVIDIA's clock bin), down to half the base clock.
/// Thermal: C dT/dt = P - (T - ambient) / R, i.e. T relaxes to ambient + P R with time constant tau = R C.

#include <vector>

#include "core/units.hpp"
#include "platforms/device_spec.hpp"
#include "workloads/model/kernel_shape.hpp"

namespace gpusim {

struct PowerModel {
  Watts idle;
  Watts tdp;
  double compute_power = 0.85;
  double memory_power = 0.35;
  double clock_exponent = 3.0;  ///< dynamic SM power ~ r^clock_exponent (3: V scales with f; 1: V pinned)

  Watts power(double u_compute, double u_memory, double clock_ratio) const;
  /// clock_ratio^clock_exponent (exact r^3 for the default exponent).
  double clock_factor(double clock_ratio) const;
};

/// Whether a kernel of this class at this precision runs on the tensor cores: the device has tensor MACs at
/// that precision and it is not element-wise or a reduction.
bool uses_tensor_cores(KernelClass kind, Precision p, const DeviceSpec& d);

/// The compute shares of one device: the power model's compute_power is the larger of the tensor-core and
/// CUDA-core shares (DeviceSpec::power_compute, else `platform_compute_power`; power_simt, else the same),
/// and each kind of SM work counts its share over that (both 1 when the device sets neither).
struct ComputeShares {
  double compute_power = 0;
  double tensor = 1.0;
  double simt = 1.0;
};
ComputeShares compute_shares(const DeviceSpec& d, double platform_compute_power);

/// Clock of each pstate, from the boost clock down (index 0 = boost).
std::vector<Hertz> pstate_clocks(const DeviceSpec& d);

/// The pstate a power controller settles at for a steady load: the fastest pstate whose predicted power
/// is within `cap`. `u_compute` is the busy fraction at the boost clock; it grows as 1/r when the clock
/// drops, up to 1 (a saturated device stays saturated).
int settled_pstate(const PowerModel& m, const std::vector<Hertz>& clocks, double u_compute, double u_memory,
                   Watts cap);

/// Temperature after `dt` at constant power `p`, starting from `t0`.
Celsius thermal_step(const ThermalSpec& th, Celsius t0, Watts p, Seconds dt);

/// Steady-state temperature at constant power: ambient + P x R.
Celsius steady_temperature(const ThermalSpec& th, Watts p);

}  // namespace gpusim
