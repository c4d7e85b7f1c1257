#pragma once
/// Result output of a run: the stdout table, JSON and the CSV tables (written by output_files.hpp).

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analysis/additivity.hpp"
#include "analysis/metrics.hpp"

namespace gpusim {

/// What the run was, for headers and the JSON "run" object (no host timings: output is deterministic).
struct RunInfo {
  std::string platform_file;
  std::string workloads_file;
  std::string scheduler;
  std::uint64_t seed = 0;
  double duration_s = 0;
  double warmup_s = 0;
  std::vector<std::string> overrides;  ///< --set PATH=VALUE overrides applied to the files
};

/// "overrides: --set PATH=VALUE --set ..."; empty when there are none.
std::string overrides_line(const std::vector<std::string>& overrides);
/// overrides_line() as one line of a result header; nothing when there are no overrides.
void print_overrides(std::ostream& out, const std::vector<std::string>& overrides);
void print_report(std::ostream& out, const RunInfo& info, const RunMetrics& m);
/// One line per saturated workload ("  * PREFIXNAME: saturated: not a steady state (REASON)"); nothing when
/// none. Its figures in the table carry the `*`.
void print_saturation(std::ostream& out, const RunMetrics& m, const std::string& prefix = "");
/// {"saturated": bool, "saturation": REASON or null}: the verdict's JSON fields (run and compare).
nlohmann::json saturation_json(const SaturationVerdict& v);
nlohmann::json report_json(const RunInfo& info, const RunMetrics& m);
/// The additivity section of the table, and its JSON array.
void print_additivity(std::ostream& out, const std::vector<AdditivityResult>& results);
nlohmann::json additivity_json(const std::vector<AdditivityResult>& results);
/// `gpusim additivity`: one row per sharing mode (required TFLOP/s alone and together, both views'
/// verdicts), the mode needing the least, then each mode's additivity section.
void print_sharing_modes(std::ostream& out, const std::vector<ModeAnswer>& answers);
nlohmann::json sharing_modes_json(const std::vector<ModeAnswer>& answers);
/// The names of the CSV tables of a run, in the order csv_tables() gives them.
const std::vector<std::string>& csv_file_names();
/// The CSV tables of a run (file name, content): timeseries, power, workloads and devices.
std::vector<std::pair<std::string, std::string>> csv_tables(const RunMetrics& m);

}  // namespace gpusim
