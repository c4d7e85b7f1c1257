#pragma once
/// spdlog set-up: one named logger per module (cfg, sim, sched, analysis) on stderr, each line
/// carrying the simulated time while a simulation runs.

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <string>

namespace gpusim {

/// Returns the module's logger ("cfg", "sim", "sched", "analysis"), creating it on first use.
std::shared_ptr<spdlog::logger> logger(const std::string& module);

/// Sets the level of every gpusim logger (quiet: warnings only; verbose: debug).
void set_log_level(spdlog::level::level_enum level);

/// While set, log lines show "t=<simulated seconds>"; outside a simulation they show "t=-".
void set_sim_clock(std::function<double()> clock);

}  // namespace gpusim
