#include "cli/seeds.hpp"

#include <fmt/format.h>

#include <iostream>

#include "analysis/writers/html_report.hpp"
#include "analysis/writers/json_text.hpp"
#include "analysis/writers/seeds.hpp"
#include "core/errors.hpp"
#include "studies/compare.hpp"
#include "studies/seeds.hpp"

namespace gpusim {

int seed_count(const std::string& seeds, const std::vector<std::string>& single) {
  if (seeds.empty()) return 1;
  const int n = parse_seed_count(seeds);
  if (n > 1 && !single.empty()) {
    throw ConfigError(
        fmt::format("error: --seeds {} with {}: that output describes one run; give --seed S "
                    "for one of the seeds, or drop it (--seeds writes the table and --json)",
                    n, single.front()));
  }
  return n;
}

int run_seeds_command(const RunOptions& o, const Scenario& sc, OutputFiles& files, int seeds) {
  const RunSpec& run = sc.workloads.run;
  const SeedRuns out = run_seeds(sc, seeds, 0, work_limits(o.max_memory, o.allow_large));
  const RunInfo info{o.platform,     o.workloads,  run.scheduler, run.seed,
                     run.duration.v, run.warmup.v, sc.overrides};
  if (!o.json.empty()) files.set(o.json, json_text(run_seeds_json(info, out.seeds, out.workloads)));
  files.commit();
  if (o.json != "-") print_run_seeds(std::cout, info, out.seeds, out.workloads);
  return 0;
}

int compare_seeds_command(const CompareOptions& o, const Scenario& sc, OutputFiles& files, int seeds,
                          const std::vector<std::string>& names,
                          const std::map<std::string, Params>& params) {
  const std::vector<SeedCompareRow> rows =
      compare_policies_seeds(sc, names, params, seeds, o.jobs, work_limits(o.max_memory, o.allow_large));
  const CompareInfo info{o.platform, o.workloads};
  if (!o.json.empty()) files.set(o.json, json_text(seed_compare_json(info, sc, seeds, names, rows)));
  if (!o.report.empty()) files.set(o.report, compare_seeds_report_html(info, sc, seeds, rows));
  files.commit();
  if (o.json != "-" && o.report != "-") print_seed_comparison(std::cout, info, sc, seeds, rows);
  return 0;
}

}  // namespace gpusim
