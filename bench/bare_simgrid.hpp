#pragma once
// The bare SimGrid baseline of the scenario benchmark: the kernels of a planned scenario on the same
// SimGrid hosts, links, routes and L07 model as gpusim's engine builds (sim/engine/platform_builder.cpp,
// simulation_run.cpp), driven by a timer per stream and a completion callback, with none of gpusim's
// logic (no contexts, time-slicing, launch overhead, L2 model, power/thermal control, records).
//
// Each stream draws its arrival times with gpusim's own ArrivalProcess and seed (sim/arrivals.hpp), so
// both simulations see the same requests; each request runs its kernels back to back (the stream's next
// request waits for the previous one). A kernel's compute and bytes are those the engine gives it:
// kernel_costs() of sim/work_units.hpp at the stream's batch, on the unit's speed and bus bandwidth.

#include <cstdint>
#include <string>

#include "sim/plan.hpp"

namespace gpusim::bench {

struct BareResult {
  std::uint64_t kernels = 0;   ///< kernels completed
  std::uint64_t requests = 0;  ///< requests that arrived
  double end_time = 0;         ///< simulated time of the last arrival or kernel completion
  double wall_seconds = 0;     ///< host time of simulate_bare (engine set-up included, as in gpusim's)
};

/// Simulates `plan`'s streams on a bare SimGrid loop in the calling process (SimGrid allows one engine
/// per process: call it in a fresh child). std::runtime_error for what the loop does not model (fan-out
/// stages, dynamic batching, MPS shares below 1).
BareResult simulate_bare(const Scenario& sc, const Plan& plan);

/// Text form of a result, for the pipe from the child.
std::string to_string(const BareResult& r);
BareResult bare_result_from(const std::string& text);

}  // namespace gpusim::bench
