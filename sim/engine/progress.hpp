#pragma once
// Progress of one simulation on stderr (simulated time and ETA), shown when the batch runner asked for it
// (show_sim_progress in sim/simulate.hpp). Private to sim/engine.

#include <memory>

#include "core/progress.hpp"

namespace gpusim {

/// Starts showing the simulated time against `duration` (seconds) as the clock advances; null when no
/// progress was asked for. The caller calls finish() on it when the run ends.
std::shared_ptr<Progress> watch_sim_progress(double duration);

}  // namespace gpusim
