#pragma once
/// The gpusim commands, called by main() after argument parsing. Each returns the exit code.

#include <optional>
#include <string>
#include <vector>

namespace gpusim {

struct RunOptions {
  std::string platform;
  std::string workloads;
  std::string json;
  std::string csv_dir;
  std::optional<unsigned long long> seed;
  std::string scheduler;
  std::vector<std::string> scheduler_params;
  std::string catalog;
  std::vector<std::string> disable;  ///< contention mechanisms to switch off
  std::vector<std::string> set;      ///< --set PATH=VALUE overrides of the YAML files
  std::string additivity = "on";     ///< on | off | full (with the required-compute attribution)
  std::optional<std::string> max_memory;  ///< --max-memory SIZE (default: half of physical memory)
  bool allow_large = false;               ///< --allow-large: no host-time limit
  std::string trace;                      ///< --trace FILE: Chrome trace-event JSON of the run
  std::string trace_window;               ///< --trace-window START:END (units: 5s:6s)
  std::optional<long long> trace_max_events;  ///< --trace-max-events N
  std::string report;                     ///< --report FILE.html
  std::string seeds;                      ///< --seeds N: runs with seeds s..s+N-1 (empty: one run)
};

int command_run(const RunOptions& o);
int command_list_devices(const std::string& catalog_dir);
int command_list_schedulers();

}  // namespace gpusim
