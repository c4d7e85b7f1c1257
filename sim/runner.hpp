#pragma once
/// The batch runner: every simulation runs in a forked child process (one SimGrid engine each, forked as
/// sim/fork.hpp says), many at a time, and its results come back through a pipe. Every study (additivity,
/// compare, estimate, validate, ...) simulates through here. A child dies with its parent
/// (PR_SET_PDEATHSIG), and a crash or an overrun budget inside a plugin's admit()/pick() comes back as a
/// PolicyError naming the policy and the callback (install_crash_reporter in scheduler/contained_call.hpp).
/// When an error is raised, the children still running are killed and reaped.

#include <optional>
#include <string>
#include <vector>

#include "sim/partition.hpp"
#include "sim/plan.hpp"
#include "sim/sim_result.hpp"
#include "sim/trace_options.hpp"

namespace gpusim {

/// One simulation of a batch: a scenario, its plan, and the policy asked for per-request decisions (may
/// be null). The pointers must outlive the batch.
struct SimJob {
  const Scenario* scenario = nullptr;
  const Plan* plan = nullptr;
  Scheduler* policy = nullptr;
  const TraceOptions* trace = nullptr;  ///< write the simulation's timeline (sim/trace_options.hpp)
  /// Groups of devices that never interact are simulated apart, in parallel, and merged (not when a
  /// trace is written: one engine writes one timeline).
  PartitionRule partition{};
};

/// A job's result, or the message of the error that stopped it.
struct SimAttempt {
  std::optional<SimResult> result;
  std::string error;
};

/// Simulates every job, at most `parallel` at a time (0 = one per core); results in job order. The first
/// error (in job order) is raised here as it was in the child: ConfigError, PolicyError, or a
/// std::runtime_error for an internal error or a child that died (naming the signal).
/// With a `progress` name ("additivity"), a batch shows the simulations done and an ETA on stderr, and a
/// single job its simulated time (core/progress.hpp); empty: nothing is shown.
std::vector<SimResult> simulate_all(const std::vector<SimJob>& jobs, unsigned parallel = 0,
                                    const std::string& progress = {});

/// Like simulate_all, but a job that fails does not stop the others: its attempt holds the error message.
/// A job that failed is simulated again alone for its own message (the runs are deterministic), and when a
/// child dies every job is simulated alone, so one crash does not hide the other results.
std::vector<SimAttempt> simulate_each(const std::vector<SimJob>& jobs, unsigned parallel = 0,
                                      const std::string& progress = {});

/// One simulation in child processes (simulate_all of one job: its partitions one per core).
SimResult run_simulation(const Scenario& sc, const Plan& plan, Scheduler* policy = nullptr,
                         const std::string& progress = {}, const TraceOptions* trace = nullptr);

}  // namespace gpusim
