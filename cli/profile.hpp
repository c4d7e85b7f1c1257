#pragma once
/// `gpusim profile MODEL`: per-layer MACs, FLOPs, params, bytes and arithmetic intensity (like ptflops),
/// the model's totals, and with --device each layer's roofline time on that device.

#include <string>

#include "cli/model_args.hpp"
#include "core/units.hpp"
#include "platforms/device_spec.hpp"

namespace gpusim {

struct ProfileOptions {
  ModelArgs model;
  std::string device;  ///< catalog type for the roofline columns; empty: none
  bool json = false;   ///< JSON on stdout instead of the tables
};

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

/// Runs the command; returns the exit code.
int command_profile(const ProfileOptions& o);

}  // namespace gpusim
