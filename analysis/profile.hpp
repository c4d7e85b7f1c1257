#pragma once
/// A model's time alone on a device: each layer's roofline, and the kernels after fusion with launches.

#include <cstddef>
#include <string>

#include "platforms/roofline.hpp"
#include "sim/launch_geometry.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// What the device-dependent columns and totals need.
struct ProfileDevice {
  const DeviceSpec* spec = nullptr;
  Precision precision = Precision::FP32;
  FlopRate compute;
  ByteRate bandwidth;
};

/// Kernels after fusion and their time alone on the device, for the model as imported (at its batch).
struct FusedTime {
  std::size_t kernels = 0;
  Seconds roofline;     ///< sum over kernels of max(compute, memory)
  Seconds launched;     ///< sum over kernels of max(compute, memory) / launch efficiency
  Seconds with_launch;  ///< launched + one launch overhead per kernel
};

/// One layer's kernel alone on the whole device: its launch, roofline and time.
struct LayerLaunch {
  LaunchGeometry geometry;
  Roofline roofline;
  Seconds time;               ///< roofline time / launch efficiency
  double peak_fraction = 0;   ///< achieved share of the binding datasheet peak (FLOP/s or bytes/s)
};

/// The launch of layer `l` (of a model imported at its batch) on the device of `dv`.
LayerLaunch layer_launch(const LayerCost& l, const ProfileDevice& dv);

/// The kernels of `m` after fusion (docs/models.md) and their time alone on the device.
FusedTime fused_time(const ModelCost& m, const ProfileDevice& dv, const std::string& label);

}  // namespace gpusim
