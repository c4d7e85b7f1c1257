#include "cli/compare.hpp"

#include <fmt/format.h>

#include <iostream>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/compare.hpp"
#include "analysis/writers/html_report.hpp"
#include "analysis/writers/output_files.hpp"
#include "cli/seeds.hpp"
#include "core/errors.hpp"
#include "studies/compare.hpp"
#include "studies/load_scenario.hpp"

namespace gpusim {
namespace {

// Parameters of each policy: the workloads file's scheduler_params go to its own scheduler; each
// --scheduler-param NAME.KEY=VALUE to policy NAME.
std::map<std::string, Params> policy_params(const RunSpec& run, const std::vector<std::string>& names,
                                            const std::vector<std::string>& cli) {
  std::map<std::string, Params> out;
  for (const auto& n : names) out[n];
  if (out.count(run.scheduler)) out[run.scheduler] = run.scheduler_params;
  for (const auto& kv : cli) {
    const auto dot = kv.find('.');
    const auto eq = kv.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot == 0 || eq < dot + 2) {
      throw ConfigError(fmt::format("error: --scheduler-param '{}' must be NAME.KEY=VALUE in compare", kv));
    }
    const std::string name = kv.substr(0, dot);
    if (!out.count(name)) {
      throw ConfigError(
          fmt::format("error: --scheduler-param '{}': scheduler '{}' is not compared", kv, name));
    }
    out[name].set(kv.substr(dot + 1, eq - dot - 1), kv.substr(eq + 1), "--scheduler-param");
  }
  return out;
}

}  // namespace

int command_compare(const CompareOptions& o) {
  const int seeds = seed_count(o.seeds, {});
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  if (!o.report.empty()) files.add_file("--report", o.report);
  const Scenario sc =
      load_scenario(ScenarioArgs{o.platform, o.workloads, o.catalog, o.seed, o.disable, o.set});
  const auto names = chosen_policies(o.schedulers);
  const auto params = policy_params(sc.workloads.run, names, o.scheduler_params);
  if (seeds > 1) return compare_seeds_command(o, sc, files, seeds, names, params);
  const std::vector<CompareRow> rows =
      compare_policies(sc, names, params, o.jobs, work_limits(o.max_memory, o.allow_large));
  // Every output is computed before anything is written.
  const CompareInfo info{o.platform, o.workloads};
  if (!o.json.empty()) files.set(o.json, json_text(compare_json(info, sc, names, rows)));
  if (!o.report.empty()) files.set(o.report, compare_report_html(info, sc, rows));
  files.commit();
  if (o.json != "-" && o.report != "-") print_comparison(std::cout, info, sc, rows);
  return 0;
}

}  // namespace gpusim
