#pragma once
/// A model's time alone on a device: each layer's roofline, and the kernels after fusion with launches.

#include <cstddef>
#include <string>

#include "platforms/roofline.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// What the device-dependent columns and totals need.
struct DeviceView {
  const DeviceSpec* spec = nullptr;
  Precision precision = Precision::FP32;
  FlopRate compute;
  ByteRate bandwidth;
};

/// Kernels after fusion and their time alone on the device, for the model as imported (at its batch).
struct FusedTime {
  std::size_t kernels = 0;
  Seconds roofline;     ///< sum over kernels of max(compute, memory)
  Seconds with_launch;  ///< + one launch overhead per kernel
};

/// The kernels of `m` after fusion (docs/models.md) and their time alone on the device.
FusedTime fused_time(const ModelCost& m, const DeviceView& dv, const std::string& label);

}  // namespace gpusim
