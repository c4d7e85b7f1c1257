#pragma once
/// Output of `gpusim estimate`: the reasoning as tables, or JSON.

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/capacity.hpp"

namespace gpusim {

/// Every derived figure, the analytic limits, each simulated count and the answer.
nlohmann::ordered_json estimate_json(const CapacityEstimate& e);

/// The reasoning lines: compute, memory, latency, the analytic limits, the simulations and the answer.
void print_estimate(std::ostream& out, const CapacityEstimate& e);

}  // namespace gpusim
