#pragma once
/// `gpusim compare`: one scenario and seed under several scheduling policies, simulated in parallel
/// child processes, ranked by SLA attainment, then p99 latency, throughput, devices and units used, energy.

#include <optional>
#include <string>
#include <vector>


namespace gpusim {

struct CompareOptions {
  std::string platform;
  std::string workloads;
  std::string schedulers = "all";             ///< "a,b,c" or "all"
  std::vector<std::string> scheduler_params;  ///< NAME.KEY=VALUE: parameter KEY of policy NAME
  std::string json;
  std::string report;  ///< --report FILE.html
  std::optional<unsigned long long> seed;
  unsigned jobs = 0;  ///< parallel simulations; 0 = one per core
  std::string catalog;
  std::vector<std::string> disable;  ///< contention mechanisms to switch off
  std::vector<std::string> set;      ///< --set PATH=VALUE overrides of the YAML files
  std::optional<std::string> max_memory;  ///< --max-memory SIZE (default: half of physical memory)
  bool allow_large = false;               ///< --allow-large: no host-time limit
  std::string seeds;                      ///< --seeds N: each policy with seeds s..s+N-1 (empty: one run)
};

/// Parses the options, runs the compare study and prints the ranking; returns the exit code.
int command_compare(const CompareOptions& o);

}  // namespace gpusim
