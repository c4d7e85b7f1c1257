#include "cli/commands.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "analysis/metrics.hpp"
#include "analysis/report.hpp"
#include "analysis/table.hpp"
#include "core/logging.hpp"
#include "platforms/parse_platform.hpp"
#include "sim/runner.hpp"
#include "workloads/parse_workloads.hpp"

namespace gpusim {
namespace {

Catalog load_catalog(const std::string& dir) { return Catalog::load(dir.empty() ? Catalog::default_dir() : dir); }

std::string peak_or_dash(const DeviceSpec& d, Precision p) {
  auto pk = d.peak(p);
  return pk ? fmt::format("{:g}", pk->v / 1e12) : "-";
}

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
  const Catalog catalog = load_catalog(o.catalog);
  Scenario sc;
  sc.platform = parse_platform(o.platform, catalog);
  sc.workloads = parse_workloads(o.workloads);
  for (const auto& name : o.disable) {
    if (!sc.platform.contention.set(name, false)) {
      std::string known;
      for (const auto& n : mechanism_names()) known += (known.empty() ? "" : ", ") + n;
      throw ConfigError(fmt::format("error: --disable: unknown mechanism '{}' (known: {})", name, known));
    }
  }
  RunSpec& run = sc.workloads.run;
  if (o.seed) run.seed = *o.seed;
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
  std::unique_ptr<Scheduler> policy;
  try {
    policy = make_scheduler(run.scheduler, run.scheduler_params);
  } catch (const ConfigError& e) {
    // An unknown name gets the location of `scheduler:`; a parameter error already names its own origin.
    const std::string msg = e.what();
    if (run.scheduler_loc.line > 0 && msg.find(": error: ") == std::string::npos) {
      throw run.scheduler_loc.error(msg);
    }
    throw;
  }
  const Plan plan = make_plan(sc, *policy, run.scheduler);
  logger("sim")->info("simulating {} stream(s) on {} unit(s) for {} s (+{} s drain)", plan.placements().size(),
                      plan.units().size(), run.duration.v, run.drain.v);
  const SimResult result = run_simulation(sc, plan, policy.get());
  logger("sim")->info("{} kernels in {:.2f} s of host time ({:.0f} kernels/s), peak memory {:.1f} MiB",
                      result.kernels, result.wall_seconds,
                      result.wall_seconds > 0 ? static_cast<double>(result.kernels) / result.wall_seconds : 0.0,
                      static_cast<double>(result.peak_rss_kib) / 1024.0);
  const RunMetrics metrics = compute_metrics(sc, plan, result);
  const RunInfo info{o.platform, o.workloads, run.scheduler, run.seed, run.duration.v, run.warmup.v};
  std::vector<AdditivityResult> additivity;
  if (o.additivity == "on") additivity = analyse_additivity(sc, plan, policy.get(), AdditivityOptions{});
  // Every output is computed before anything is written.
  std::string json;
  if (!o.json.empty()) {
    nlohmann::json j = report_json(info, metrics);
    j["additivity"] = additivity_json(additivity);
    json = j.dump(2) + "\n";
  }
  if (o.json != "-") {
    print_report(std::cout, info, metrics);
    print_additivity(std::cout, additivity);
  }
  if (!o.json.empty()) write_file_atomically(o.json, json);
  if (!o.csv_dir.empty()) write_csv(o.csv_dir, metrics);
  return 0;
}

int command_list_devices(const std::string& catalog_dir) {
  const Catalog catalog = load_catalog(catalog_dir);
  Table t({"device", "architecture", "SMs", "boost MHz", "FP32 TFLOP/s", "TF32", "FP16", "BF16", "INT8 TOP/s",
           "memory GiB", "bandwidth GB/s", "L2 MiB", "TDP W", "MIG profiles"},
          {false, false, true, true, true, true, true, true, true, true, true, true, true, true});
  for (const auto& d : catalog.devices()) {
    t.add({d.name, d.architecture, std::to_string(d.sm_count), fmt::format("{:g}", d.boost_clock.v / 1e6),
           peak_or_dash(d, Precision::FP32), peak_or_dash(d, Precision::TF32), peak_or_dash(d, Precision::FP16),
           peak_or_dash(d, Precision::BF16), peak_or_dash(d, Precision::INT8),
           fmt::format("{:g}", d.memory.v / (1024.0 * 1024 * 1024)), fmt::format("{:g}", d.memory_bandwidth.v / 1e9),
           fmt::format("{:g}", d.l2_cache.v / (1024.0 * 1024)), fmt::format("{:g}", d.tdp.v),
           std::to_string(d.mig_profiles.size())});
  }
  std::cout << fmt::format("{} devices in {} (dense peaks; TF32/FP16/BF16 in TFLOP/s)\n\n", catalog.devices().size(),
                           catalog_dir.empty() ? Catalog::default_dir() : catalog_dir);
  t.print(std::cout);
  return 0;
}

int command_list_schedulers() {
  Table t({"scheduler", "parameters", "what it does"}, {false, false, false});
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    std::string params;
    for (const auto& p : e->params) params += fmt::format("{}{}={}", params.empty() ? "" : " ", p.name, p.fallback);
    t.add({e->name, params.empty() ? "-" : params, e->summary});
  }
  t.print(std::cout);
  return 0;
}

}  // namespace gpusim
