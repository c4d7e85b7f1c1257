#pragma once
/// `gpusim estimate MODEL --device TYPE --rate R --sla L`: the capacity planner's answers for one model on
/// one device type — compute and memory needed, latency alone, and how many streams meet the SLA
/// (analytic bound first, then confirmed by short simulations).

#include <cstdint>
#include <string>

#include "cli/model_args.hpp"
#include "core/units.hpp"

namespace gpusim {

struct EstimateOptions {
  ModelArgs model;
  std::string device;           ///< catalog type
  std::string rate;             ///< requests per second of one stream, with its unit ("30/s")
  std::string sla;              ///< latency target with its unit ("100ms")
  double headroom = 0.8;        ///< usable fraction of device memory
  std::uint64_t seed = 42;      ///< of the simulations' arrival phases
  std::string simulate = "on";  ///< on | off
  bool json = false;            ///< JSON on stdout instead of the reasoning lines
};

/// Parses the options, runs the capacity study (studies/estimate) and prints it; returns the exit code.
int command_estimate(const EstimateOptions& o);

}  // namespace gpusim
