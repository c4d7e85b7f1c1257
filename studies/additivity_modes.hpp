#pragma once
/// `gpusim additivity`: the same workloads' additivity answer under each sharing mode, side by side. Each
/// mode is one `gpusim run` of the scenario with every device switched to that mode (MIG: the platform's
/// partition where it gives one, else the scheduler's), with its additivity analysis.

#include <optional>
#include <string>
#include <vector>

#include "studies/run.hpp"

namespace gpusim {

/// Parses a comma-separated list of modes ("time-slice,mps,mig"); ConfigError naming the known ones.
std::vector<SharingMode> parse_sharing_modes(const std::string& list);

/// Runs the scenario under each mode (in the order given) with its additivity analysis. ConfigError when a
/// device cannot take a mode (MIG on a device without MIG profiles).
std::vector<ModeAnswer> additivity_by_sharing(const Scenario& sc, const std::vector<SharingMode>& modes,
                                              const std::optional<WorkLimits>& limits);


}  // namespace gpusim
