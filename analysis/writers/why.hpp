#pragma once
/// Why a policy ranks where it does in `gpusim compare`: the streams, occupancy and context switches of
/// each unit it placed streams on, and where its requests' time went (queueing against service).

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/ranking.hpp"

namespace gpusim {

/// At most this many units with streams are named in a policy's line; the rest are counted.
inline constexpr std::size_t kWhyUnitsShown = 6;

/// One line: "gpu0: 2 streams, 45.1 % occupied, 312 switches; ...; idle: 1 unit; queue 1.20 ms + service
/// 8.10 ms per request".
std::string why_line(const CompareRow& row);

/// The "Why" section: one line per policy without error, in the order given.
void print_why(std::ostream& out, const std::vector<const CompareRow*>& rows);

/// {"units": [{name, streams, occupied, switches} of each unit with streams], "idle_units", "queue_ms",
/// "service_ms"}.
nlohmann::json why_json(const CompareRow& row);

}  // namespace gpusim
