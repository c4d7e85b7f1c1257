#pragma once
/// The text of every JSON document gpusim writes: two-space indent, a final newline, and every number
/// with at most 12 significant digits. The inputs and the models do not carry more, and the last bits of a
/// simulated time depend on the order of SimGrid's updates (a run split into partitions, sim/partition.hpp,
/// differs from one engine there), so 12 digits keep the files identical wherever the results are.

#include <nlohmann/json.hpp>
#include <string>

namespace gpusim {

/// `j` as written to a file or stdout.
std::string json_text(nlohmann::json j);

}  // namespace gpusim
