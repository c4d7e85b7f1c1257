#pragma once
/// Runs one scenario on SimGrid in the calling process. SimGrid allows one Engine per process:
/// call it only in a fresh process (run_simulation() does the fork).

#include "sim/scenario.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

SimResult simulate(const Scenario& sc, const Plan& plan);

}  // namespace gpusim
