#include "cli/commands.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "analysis/writers/report.hpp"
#include "analysis/writers/catalog.hpp"
#include "studies/load_scenario.hpp"
#include "studies/run.hpp"

namespace gpusim {
namespace {

// Output paths are checked before anything else, so a wrong one fails fast and nothing is written.
void check_outputs(const RunOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!o.json.empty() && o.json != "-") {
    const fs::path p(o.json);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (fs::is_directory(p, ec)) {
      throw ConfigError(fmt::format("{}: error: --json needs a file, not a directory", o.json));
    }
    if (!fs::is_directory(dir, ec)) {
      throw ConfigError(
          fmt::format("{}: error: cannot write file: directory '{}' does not exist", o.json, dir.string()));
    }
  }
  if (!o.csv_dir.empty() && fs::exists(o.csv_dir, ec) && !fs::is_directory(o.csv_dir, ec)) {
    throw ConfigError(fmt::format("{}: error: --csv needs a directory, not a file", o.csv_dir));
  }
}

}  // namespace

int command_run(const RunOptions& o) {
  check_outputs(o);
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
  const RunOutcome out = run_scenario(sc, o.additivity == "on");
  const RunInfo info{o.platform, o.workloads, run.scheduler, run.seed, run.duration.v, run.warmup.v};
  // Every output is computed before anything is written.
  std::string json;
  if (!o.json.empty()) {
    nlohmann::json j = report_json(info, out.metrics);
    j["additivity"] = additivity_json(out.additivity);
    json = j.dump(2) + "\n";
  }
  if (o.json != "-") {
    print_report(std::cout, info, out.metrics);
    print_additivity(std::cout, out.additivity);
  }
  if (!o.json.empty()) write_file_atomically(o.json, json);
  if (!o.csv_dir.empty()) write_csv(o.csv_dir, out.metrics);
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
