#pragma once
/// `gpusim profile MODEL`: per-layer MACs, FLOPs, params, bytes and arithmetic intensity (like ptflops),
/// the model's totals, and with --device each layer's roofline time on that device.

#include <string>

#include "cli/model_args.hpp"

namespace gpusim {

struct ProfileOptions {
  ModelArgs model;
  std::string device;  ///< catalog type for the roofline columns; empty: none
  bool json = false;   ///< JSON on stdout instead of the tables
};

/// Runs the command; returns the exit code.
int command_profile(const ProfileOptions& o);

}  // namespace gpusim
