#include "cli/commands.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "analysis/writers/report.hpp"
#include "analysis/writers/catalog.hpp"
#include "analysis/writers/output_files.hpp"
#include "analysis/writers/records.hpp"
#include "studies/load_scenario.hpp"
#include "studies/run.hpp"

namespace gpusim {
namespace {

// Output paths are checked before anything else, so a wrong one fails fast and nothing is written.
OutputFiles declare_outputs(const RunOptions& o) {
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  if (!o.csv_dir.empty()) {
    std::vector<std::string> names = csv_file_names();
    for (const auto& n : record_table_names()) names.push_back(n);
    files.add_dir("--csv", o.csv_dir, names);
  }
  return files;
}

}  // namespace

int command_run(const RunOptions& o) {
  OutputFiles files = declare_outputs(o);
  Scenario sc = load_scenario(ScenarioArgs{o.platform, o.workloads, o.catalog, o.seed, o.disable});
  RunSpec& run = sc.workloads.run;
  if (!o.scheduler.empty()) {
    run.scheduler = o.scheduler;
    run.scheduler_loc = SourceLoc{"--scheduler", 0, 0};
  }
  for (const auto& kv : o.scheduler_params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError(fmt::format("error: --scheduler-param '{}' must be KEY=VALUE", kv));
    }
    run.scheduler_params.set(kv.substr(0, eq), kv.substr(eq + 1), "--scheduler-param");
  }
  const RunOutcome out = run_scenario(sc, o.additivity == "on", work_limits(o.max_memory, o.allow_large));
  const RunInfo info{o.platform, o.workloads, run.scheduler, run.seed, run.duration.v, run.warmup.v};
  // Every output is computed, then the files are written together, then the table.
  if (!o.json.empty()) {
    nlohmann::json j = report_json(info, out.metrics);
    j["additivity"] = additivity_json(out.additivity);
    files.set(o.json, j.dump(2) + "\n");
  }
  if (!o.csv_dir.empty()) {
    for (const auto& [name, content] : csv_tables(out.metrics)) {
      files.set((std::filesystem::path(o.csv_dir) / name).string(), content);
    }
    for (const auto& [name, content] : record_tables(sc, out.plan, out.result)) {
      files.set((std::filesystem::path(o.csv_dir) / name).string(), content);
    }
  }
  files.commit();
  if (o.json != "-") {
    print_report(std::cout, info, out.metrics);
    print_additivity(std::cout, out.additivity);
  }
  return 0;
}

int command_list_devices(const std::string& catalog_dir) {
  const std::string dir = catalog_dir.empty() ? Catalog::default_dir() : catalog_dir;
  print_devices(std::cout, Catalog::load(dir), dir);
  return 0;
}

int command_list_schedulers() {
  print_schedulers(std::cout);
  return 0;
}

}  // namespace gpusim
