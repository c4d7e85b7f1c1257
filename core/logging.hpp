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

/// While set, log lines show "[t=<simulated seconds>]"; lines about no simulated moment show none.
void set_sim_clock(std::function<double()> clock);

/// Log lines written while it lives carry the simulated time `t` (e.g. a finished run's end).
class ScopedSimTime {
 public:
  explicit ScopedSimTime(double t);
  ~ScopedSimTime();
  ScopedSimTime(const ScopedSimTime&) = delete;
  ScopedSimTime& operator=(const ScopedSimTime&) = delete;
};

}  // namespace gpusim
