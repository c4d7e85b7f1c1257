#pragma once
/// The roofline of some work alone on a device: compute time at the achievable peak and memory time at the
/// achievable bandwidth; the work takes the larger.

#include "core/units.hpp"
#include "platforms/device_spec.hpp"

namespace gpusim {

/// The two terms of the roofline of some work alone on a device at its achievable rates.
struct Roofline {
  Seconds compute;  ///< flops / (peak for the precision x compute efficiency)
  Seconds memory;   ///< bytes / (memory bandwidth x memory efficiency)
  /// max(compute, memory).
  Seconds time() const { return compute > memory ? compute : memory; }
  /// True when the compute term is the larger (ties count as memory-bound).
  bool compute_bound() const { return compute > memory; }
};

/// Roofline of `flops` and `bytes` on `d` at precision `p` (which `d` must support).
Roofline roofline(Flops flops, Bytes bytes, const DeviceSpec& d, Precision p);

}  // namespace gpusim
