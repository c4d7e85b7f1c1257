#pragma once
/// Runs one scenario on SimGrid in the calling process. SimGrid allows one Engine per process:
/// call it only in a child forked for it (sim/fork.hpp; run_simulation() does the fork). Defined in
/// sim/engine/simulation_run.cpp.

#include <string>
#include <vector>

#include "sim/plan.hpp"
#include "sim/sim_result.hpp"
#include "sim/trace_options.hpp"

namespace gpusim {

/// `policy` is asked for per-request decisions (admit, pick) when it makes them; it may be null.
/// `devices`, when given, is a partition (sim/partition.hpp): the physical devices to simulate, in
/// increasing order. The result then holds the requests (by the plan's stream index) and samples (by
/// device index) of those devices, and the records of their units and of them only, in plan order.
/// With `trace`, the timeline is written to trace->path as the simulation runs (sim/trace_options.hpp).
SimResult simulate(const Scenario& sc, const Plan& plan, Scheduler* policy = nullptr,
                   const std::vector<int>* devices = nullptr, const TraceOptions* trace = nullptr);

/// Creates SimGrid's engine in this process, once (later calls do nothing), configured as simulate() needs
/// it, without a platform. A process that forks its simulations calls it before the first fork: each child
/// then inherits it ready, instead of paying for SimGrid's start-up (its configuration flags, logging and
/// tracing set-up: about a third of a short simulation's CPU). simulate() creates it when it is not there.
void prepare_simulation_engine();

/// Kernels and copies sharing a unit are solved by the engine itself (docs/engine.md, "Kernels sharing a
/// unit"); `false` makes each one a SimGrid parallel task instead, the reference the tests
/// compare it with. Process-wide, and inherited by the children forked after it. Defined in
/// sim/engine/shared.cpp.
void set_engine_shares(bool on);

/// Makes later simulate() calls in this process show their simulated time and ETA on stderr under the
/// name `what` (core/progress.hpp); empty: none. Defined in sim/engine/progress.cpp.
void show_sim_progress(std::string what);

}  // namespace gpusim
