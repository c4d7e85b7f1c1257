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
/// bytes_per_sample x b, and its stretch at that batch (tabulated): alone it takes its roofline x stretch.
struct KernelCost {
  double work_per_sample = 0;
  double bytes_fixed = 0;
  double bytes_per_sample = 0;
  int first_batch = 1;          ///< batch of stretch[0]
  std::vector<double> stretch;  ///< kernel_stretch() at first_batch, first_batch + 1, ... (plan time)
};

/// Most batches a KernelCost tabulates; a batch beyond them is computed when it runs.
constexpr int kMaxTabulatedBatches = 4096;

/// 1 / (the share of a unit's roofline a kernel achieves): kernel `k` at `batch` on a unit holding
/// `sm_fraction` of device `d`'s SMs, launched by an MPS context that may hold `share` of the unit's SMs
/// (its active-thread percentage; 1: all of them). With geometry (sim/launch_geometry.hpp) the kernel
/// runs on the unit's SMs, or on round(share x SMs) of them, at its launch efficiency there: stretch =
/// unit SMs / (held SMs x efficiency). A kernel without geometry (FILL) fills what it may hold: 1 / share.
/// Alone, a kernel takes its roofline on the whole unit x stretch (docs/contention.md, "Launch geometry"
/// and "MPS").
double kernel_stretch(const KernelSpec& k, double batch, Precision p, const DeviceSpec& d, double sm_fraction,
                      double share = 1.0);

/// Costs of every kernel of a stream on a unit, per stage, per kernel, with kernel_stretch() at every
/// batch the stage can run (the stream's batch, up to dynamic batching's max_batch, times the fan-out);
/// `share`: the MPS active-thread share of the context that launches them.
std::vector<std::vector<KernelCost>> kernel_costs(const StreamSpec& s, const DeviceSpec& d,
                                                  double sm_fraction = 1.0, double share = 1.0);

/// Speed of a unit's GPU host at each pstate: 1e9 x sm_fraction x speed_scale x clock / boost clock.
std::vector<double> unit_speeds(const std::vector<Hertz>& clocks, double sm_fraction, double speed_scale);

/// Bandwidth of a unit's memory bus: achievable bandwidth x bw_fraction x speed_scale.
ByteRate unit_bus_bandwidth(const DeviceSpec& d, double bw_fraction, double speed_scale);

}  // namespace gpusim
