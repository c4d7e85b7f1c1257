#pragma once
/// Runs simulations in child processes (one SimGrid Engine each) and brings the results back.

#include <functional>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

/// Simulates in a forked child; ConfigError/PolicyError raised there are raised again here with the
/// same message. A child that dies is reported as a std::runtime_error naming the signal.
SimResult run_simulation(const Scenario& sc, const Plan& plan, Scheduler* policy = nullptr);

/// Runs `jobs` in child processes, at most `parallel` at a time (0 = number of cores); results in order.
std::vector<SimResult> run_parallel(const std::vector<std::function<SimResult()>>& jobs, unsigned parallel = 0);

}  // namespace gpusim
