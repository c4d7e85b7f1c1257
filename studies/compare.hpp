#pragma once
/// The compare study: one scenario and seed under several scheduling policies, each planned here and
/// simulated in its own child process (in parallel), ranked (analysis/ranking).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/ranking.hpp"
#include "analysis/seeds.hpp"
#include "core/params.hpp"
#include "sim/work_estimate.hpp"

namespace gpusim {

/// The policies named in `list` ("a,b,c", in that order) or every registered one ("all", by name);
/// ConfigError for an unknown or repeated name, or an empty list.
std::vector<std::string> chosen_policies(const std::string& list);

/// Plans and simulates the scenario under each policy (with its parameters), at most `parallel`
/// simulations at a time (0 = one per core); rows ranked best first. A policy that cannot be planned or
/// simulated becomes an error row; ConfigError when every policy failed or a parameter is wrong. With
/// `limits`, the comparison is refused first (ConfigError, with the estimate) when its estimated memory or
/// host time exceeds them.
std::vector<CompareRow> compare_policies(const Scenario& sc, const std::vector<std::string>& names,
                                         const std::map<std::string, Params>& params, unsigned parallel,
                                         const std::optional<WorkLimits>& limits = {});

/// compare_policies with `seeds` runs of each policy (the scenario's seed s, s + 1, ..., all simulated in one
/// batch): per policy the mean and 95 % interval across seeds, ranked by rank_seed_rows (overlapping
/// intervals tie). A policy that fails with any seed is an error row (the first such seed's message).
std::vector<SeedCompareRow> compare_policies_seeds(const Scenario& sc, const std::vector<std::string>& names,
                                                   const std::map<std::string, Params>& params, int seeds,
                                                   unsigned parallel,
                                                   const std::optional<WorkLimits>& limits = {});

}  // namespace gpusim
