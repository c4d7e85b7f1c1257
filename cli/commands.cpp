#include "cli/commands.hpp"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/report.hpp"
#include "analysis/writers/catalog.hpp"
#include "analysis/writers/output_files.hpp"
#include "analysis/writers/html_report.hpp"
#include "analysis/writers/records.hpp"
#include "cli/seeds.hpp"
#include "studies/load_scenario.hpp"
#include "core/logging.hpp"
#include "core/units.hpp"
#include "studies/run.hpp"

namespace gpusim {
namespace {

// Output paths are checked before anything else, so a wrong one fails fast and nothing is written.
OutputFiles declare_outputs(const RunOptions& o) {
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  if (!o.report.empty()) files.add_file("--report", o.report);
  if (!o.csv_dir.empty()) {
    std::vector<std::string> names = csv_file_names();
    for (const auto& n : record_table_names()) names.push_back(n);
    files.add_dir("--csv", o.csv_dir, names);
  }
  return files;
}

// The --trace options; ConfigError (exit 2, one line) for a malformed window or count.
TraceOptions trace_options(const RunOptions& o, const std::string& temp_path) {
  TraceOptions t;
  t.path = temp_path;
  if (!o.trace_window.empty()) {
    const auto colon = o.trace_window.find(':');
    if (colon == std::string::npos) {
      throw ConfigError(fmt::format("error: --trace-window '{}' must be START:END with units, e.g. 5s:6s",
                                    o.trace_window));
    }
    try {
      t.begin = parse_quantity_as<Seconds>(o.trace_window.substr(0, colon)).v;
      t.end = parse_quantity_as<Seconds>(o.trace_window.substr(colon + 1)).v;
    } catch (const std::exception& e) {  // the unit parser's message: "'1' has no unit: ..."
      throw ConfigError(fmt::format("error: --trace-window '{}': {}", o.trace_window, e.what()));
    }
    if (!(t.begin >= 0) || !(t.end > t.begin)) {
      throw ConfigError(fmt::format("error: --trace-window '{}': START must be >= 0 and END after START",
                                    o.trace_window));
    }
  }
  if (o.trace_max_events) {
    if (*o.trace_max_events < 1) {
      throw ConfigError(fmt::format("error: --trace-max-events {}: must be at least 1", *o.trace_max_events));
    }
    t.max_events = static_cast<std::uint64_t>(*o.trace_max_events);
  } else {
    t.max_events = kDefaultTraceMaxEvents;
  }
  return t;
}

}  // namespace

int command_run(const RunOptions& o) {
  if (o.trace.empty() && (!o.trace_window.empty() || o.trace_max_events)) {
    throw ConfigError("error: --trace-window and --trace-max-events need --trace FILE");
  }
  std::vector<std::string> single;  // outputs of one run, refused with --seeds N > 1
  if (!o.csv_dir.empty()) single.push_back("--csv");
  if (!o.report.empty()) single.push_back("--report");
  if (!o.trace.empty()) single.push_back("--trace");
  const int seeds = seed_count(o.seeds, single);
  OutputFiles files = declare_outputs(o);
  std::optional<TraceOptions> trace;
  if (!o.trace.empty()) trace = trace_options(o, files.add_streamed("--trace", o.trace));
  Scenario sc = load_scenario(ScenarioArgs{o.platform, o.workloads, o.catalog, o.seed, o.disable, o.set});
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
  if (seeds > 1) return run_seeds_command(o, sc, files, seeds);
  const RunOutcome out =
      run_scenario(sc, o.additivity != "off", work_limits(o.max_memory, o.allow_large), trace ? &*trace : nullptr,
                   o.additivity == "full");
  if (trace) {
    const TraceSummary& ts = out.result.trace;
    if (ts.error != 0) {
      throw OutputError(fmt::format("{}: error: write failed ({})", o.trace, std::strerror(ts.error)));
    }
    if (ts.dropped > 0) {
      logger("analysis")->warn("{}: the trace stopped at --trace-max-events {} ({} more events left out)", o.trace,
                               trace->max_events, ts.dropped);
    }
    logger("analysis")->info("{}: {} trace events", o.trace, ts.events);
  }
  const RunInfo info{o.platform,     o.workloads,  run.scheduler, run.seed,
                     run.duration.v, run.warmup.v, sc.overrides};
  // Every output is computed, then the files are written together, then the table.
  if (!o.json.empty()) {
    nlohmann::json j = report_json(info, out.metrics);
    j["additivity"] = additivity_json(out.additivity);
    if (!out.warnings.empty()) j["warnings"] = out.warnings;
    files.set(o.json, json_text(std::move(j)));
  }
  if (!o.csv_dir.empty()) {
    for (const auto& [name, content] : csv_tables(out.metrics)) {
      files.set((std::filesystem::path(o.csv_dir) / name).string(), content);
    }
    for (const auto& [name, content] : record_tables(sc, out.plan, out.result)) {
      files.set((std::filesystem::path(o.csv_dir) / name).string(), content);
    }
  }
  if (!o.report.empty()) {
    files.set(o.report, run_report_html(info, sc, out.plan, out.result, out.metrics, out.additivity));
  }
  files.commit();
  if (o.json != "-" && o.report != "-") {
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
