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

/// How a kernel fits a unit at one batch: alone it takes its roofline on the whole unit x `stretch`, and
/// its first wave holds `occupancy` of the unit's SMs (what an MPS neighbour cannot use meanwhile).
struct KernelFit {
  double stretch = 1.0;    ///< unit SMs / (held SMs x launch efficiency), >= 1 / occupancy
  double occupancy = 1.0;  ///< share of the unit's SMs it holds while it runs, (0, 1]
};

/// A kernel's demand at batch b: compute work_per_sample x b (work units), bytes bytes_fixed +
/// bytes_per_sample x b, and its fit at that batch (tabulated).
struct KernelCost {
  double work_per_sample = 0;
  double bytes_fixed = 0;
  double bytes_per_sample = 0;
  int first_batch = 1;         ///< batch of fit[0]
  std::vector<KernelFit> fit;  ///< kernel_fit() at first_batch, first_batch + 1, ... (plan time)
};

/// Most batches a KernelCost tabulates; a batch beyond them is computed when it runs.
constexpr int kMaxTabulatedBatches = 4096;

/// How kernel `k` at `batch` fits a unit holding `sm_fraction` of device `d`'s SMs, launched by an MPS
/// context that may hold `share` of the unit's SMs (its active-thread percentage; 1: all of them). With
/// geometry (sim/launch_geometry.hpp) the kernel runs on the unit's SMs, or on round(share x SMs) of them,
/// at its launch efficiency there: stretch = unit SMs / (held SMs x efficiency), occupancy = held SMs /
/// unit SMs x the share of their block slots its first wave fills. A kernel without geometry (FILL) fills
/// what it may hold: stretch 1 / share, occupancy share (docs/contention.md, "Launch geometry" and "MPS").
KernelFit kernel_fit(const KernelSpec& k, double batch, Precision p, const DeviceSpec& d, double sm_fraction,
                     double share = 1.0);

/// kernel_fit(...).stretch: 1 / (the share of a unit's roofline the kernel achieves alone).
double kernel_stretch(const KernelSpec& k, double batch, Precision p, const DeviceSpec& d, double sm_fraction,
                      double share = 1.0);

/// Costs of every kernel of a stream on a unit, per stage, per kernel, with kernel_fit() at every
/// batch the stage can run (the stream's batch, up to dynamic batching's max_batch, times the fan-out);
/// `share`: the MPS active-thread share of the context that launches them.
std::vector<std::vector<KernelCost>> kernel_costs(const StreamSpec& s, const DeviceSpec& d,
                                                  double sm_fraction = 1.0, double share = 1.0);

/// Speed of a unit's GPU host at each pstate: 1e9 x sm_fraction x speed_scale x clock / boost clock.
std::vector<double> unit_speeds(const std::vector<Hertz>& clocks, double sm_fraction, double speed_scale);

/// Bandwidth of a unit's memory bus: achievable bandwidth x bw_fraction x speed_scale.
ByteRate unit_bus_bandwidth(const DeviceSpec& d, double bw_fraction, double speed_scale);

}  // namespace gpusim
