#pragma once
/// Result output: the stdout table, JSON and CSV. The only code that writes result files; files are
/// written to a temporary name and renamed, so a failed run leaves nothing half-written.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

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
};

void print_report(std::ostream& out, const RunInfo& info, const RunMetrics& m);
nlohmann::json report_json(const RunInfo& info, const RunMetrics& m);
/// The additivity section of the table, and its JSON array.
void print_additivity(std::ostream& out, const std::vector<AdditivityResult>& results);
nlohmann::json additivity_json(const std::vector<AdditivityResult>& results);
/// Writes DIR/workloads.csv and DIR/devices.csv (DIR is created if needed).
void write_csv(const std::string& dir, const RunMetrics& m);
/// Writes `content` to `path` through a temporary file and a rename; "-" means stdout.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace gpusim
