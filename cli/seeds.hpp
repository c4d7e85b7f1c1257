#pragma once
/// `--seeds N` of `gpusim run` and `gpusim compare`: N >= 2 runs with seeds s, s + 1, ... and their mean and
/// 95 % intervals (the table and --json; the files that describe one run are refused).

#include <map>
#include <string>
#include <vector>

#include "analysis/writers/output_files.hpp"
#include "cli/commands.hpp"
#include "cli/compare.hpp"
#include "core/params.hpp"
#include "sim/scenario.hpp"

namespace gpusim {

/// The number of runs of `--seeds` (1 when not given); ConfigError (exit 2) for a bad count, or for N > 1
/// with an option in `single` (option names of files that describe one run that were given).
int seed_count(const std::string& seeds, const std::vector<std::string>& single);

/// `gpusim run --seeds N`, N >= 2: `sc` is loaded with the command's overrides; `files` holds --json.
int run_seeds_command(const RunOptions& o, const Scenario& sc, OutputFiles& files, int seeds);

/// `gpusim compare --seeds N`, N >= 2, with the compared policies and their parameters.
int compare_seeds_command(const CompareOptions& o, const Scenario& sc, OutputFiles& files, int seeds,
                          const std::vector<std::string>& names, const std::map<std::string, Params>& params);

}  // namespace gpusim
