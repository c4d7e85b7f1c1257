#pragma once
/// `gpusim sweep PLATFORM WORKLOADS --set a=1,2,4 --set b=8:64:8 [--seeds N] [--csv FILE] [--json FILE]
/// [--resume] [-j N]`: every combination of the swept values, one result row per point and seed
/// (studies/sweep), also spread over MPI ranks under mpirun (cli/mpi_ranks).

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace gpusim {

struct SweepOptions {
  std::string platform;
  std::string workloads;
  std::vector<std::string> set;  ///< every --set: axes (lists, ranges) and fixed values
  int seeds = 1;
  std::optional<unsigned long long> seed;
  std::string csv;
  std::string json;
  std::string report;  ///< --report FILE.html
  bool resume = false;
  unsigned jobs = 0;
  std::string catalog;
  std::vector<std::string> disable;
};

/// Adds the `sweep` subcommand and its options to `app`.
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o);

/// Exit code 0 when every row ran, 3 when some failed (their rows hold the messages; the files are written).
int command_sweep(const SweepOptions& o);

}  // namespace gpusim
