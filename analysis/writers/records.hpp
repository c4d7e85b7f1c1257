#pragma once
/// The per-request CSV tables of a run (written with `--csv DIR` beside report.hpp's tables):
/// requests.csv, stages.csv and latency_timeseries.csv. Columns and units: docs/csv.md.

#include <string>
#include <utility>
#include <vector>

#include "sim/plan.hpp"
#include "sim/sim_result.hpp"

namespace gpusim {

/// The names of the tables record_tables() gives, in its order.
const std::vector<std::string>& record_table_names();
/// requests.csv (one row per request), stages.csv (one row per stage of each completed request) and
/// latency_timeseries.csv (per workload and sample interval: arrivals, completions, latency, queue).
std::vector<std::pair<std::string, std::string>> record_tables(const Scenario& sc, const Plan& plan,
                                                               const SimResult& r);

}  // namespace gpusim
