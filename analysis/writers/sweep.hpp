#pragma once
/// The result files and table of `gpusim sweep` (columns in docs/sweep.md), and the reading of those files
/// back, so that `--resume` keeps the rows already there: every figure is written with the 9 significant
/// digits it holds (analysis/sweep.hpp), so a row read back is written again as the same bytes.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"

namespace gpusim {

/// The CSV's header: point, the axes' paths, seed, status, per workload NAME.p50_ms ... NAME.saturated,
/// per device NAME.occupied, NAME.mean_power_w, NAME.energy_j, saturated, error.
std::vector<std::string> sweep_csv_header(const SweepLayout& layout);
/// The CSV: the header and one line per row, in the order given.
std::string sweep_csv(const SweepLayout& layout, const std::vector<SweepRow>& rows);
/// The JSON document: {"sweep": the layout, "rows": [...]}.
std::string sweep_json(const SweepLayout& layout, const std::vector<SweepRow>& rows);
/// One row as the JSON document holds it; its values keyed by the axes' paths.
nlohmann::json sweep_row_json(const SweepRow& row, const std::vector<std::string>& axis_paths);
/// The row that sweep_row_json() wrote; ConfigError naming `where` when a field is missing or wrong.
SweepRow sweep_row_from_json(const nlohmann::json& j, const std::vector<std::string>& axis_paths,
                             const std::string& where);

/// The rows of a sweep CSV written for `layout`. ConfigError (one line naming the file) when the file is
/// not such a CSV: "FILE: error: written by another sweep (...)" when its header differs, FILE:LINE for a
/// malformed row.
std::vector<SweepRow> read_sweep_csv(const std::string& path, const SweepLayout& layout);
/// The rows of a sweep JSON document written for `layout` (its "sweep" object must be the layout's).
std::vector<SweepRow> read_sweep_json(const std::string& path, const SweepLayout& layout);

/// "point 3 (workloads.lobby.count=4 nodes.server0.devices.gpu.type=T4 seed 42)": a row for messages.
std::string sweep_row_label(const SweepLayout& layout, const SweepRow& row);

/// The table on stdout: one line per point (the mean, lowest and highest over its seeds when there are
/// several), then the rows that failed with their messages.
void print_sweep(std::ostream& out, const SweepLayout& layout, const std::vector<SweepRow>& rows);

}  // namespace gpusim
