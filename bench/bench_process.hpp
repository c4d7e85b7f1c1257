#pragma once
// Measurement helpers shared by the benchmarks: CPU time of this process and of its reaped children,
// and a function run in a forked child whose resource use is read back with wait4().

#include <functional>
#include <string>

namespace gpusim::bench {

/// User + system CPU seconds of this process (RUSAGE_SELF).
double self_cpu_seconds();

/// User + system CPU seconds of this process's children that have been waited for (RUSAGE_CHILDREN).
double children_cpu_seconds();

/// Peak resident set of this process, in KiB (RUSAGE_SELF ru_maxrss).
long self_peak_rss_kib();

/// What a child returned, and what it used (wait4's rusage: the child and the children it waited for).
struct ChildRun {
  std::string payload;     ///< the bytes the function returned
  double cpu_seconds = 0;  ///< user + system
  double wall_seconds = 0;
  long peak_rss_kib = 0;  ///< largest resident set of the child or of one of its waited-for children
};

/// How a child is forked: as gpusim forks its simulations (sim/fork.hpp: the engine inherited ready), or
/// as a fresh process of its own that parses, plans and forks its simulations as a gpusim command does.
enum class ChildKind { SIMULATION, PROCESS };

/// Runs `job` in a forked child and returns its payload and resource use. A child that throws, exits
/// with a non-zero status or dies of a signal raises std::runtime_error with its message.
ChildRun run_in_child(const std::function<std::string()>& job, ChildKind kind = ChildKind::SIMULATION);

}  // namespace gpusim::bench
