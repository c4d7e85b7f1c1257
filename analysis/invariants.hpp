#pragma once
/// Invariants every simulation must satisfy, checked after each run on its records and metrics: request
/// conservation, energy = integral of power, utilisation within [0, 1], no negative durations.

#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"

namespace gpusim {

/// A simulation broke one of its invariants: gpusim's own bug, never the user's (main: exit 1).
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Every violated invariant of one run, one line each (empty when the run is sound). Pure: `m` is
/// compute_metrics(sc, plan, r). docs/invariants-and-sanitizers.md states each relation and its tolerance.
std::vector<std::string> check_invariants(const Scenario& sc, const Plan& plan, const SimResult& r,
                                          const RunMetrics& m);

/// Throws InvariantError "invariant violated: FIRST[; SECOND...] (seed N)" when check_invariants finds any.
void enforce_invariants(const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m);

}  // namespace gpusim
