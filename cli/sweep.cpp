#include "cli/sweep.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "analysis/writers/html_report.hpp"
#include "analysis/writers/output_files.hpp"
#include "analysis/writers/sweep.hpp"
#include "cli/mpi_ranks.hpp"
#include "cli/option_checks.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "core/progress.hpp"
#include "platforms/contention_spec.hpp"
#include "studies/sweep.hpp"

namespace gpusim {
namespace {

// A file that is rewritten as rows finish: a regular file (not stdout, a pipe or a device).
bool rewritable(const std::string& path) {
  if (path.empty() || path == "-" || path == "/dev/stdout") return false;
  std::error_code ec;
  return !std::filesystem::exists(path, ec) || std::filesystem::is_regular_file(path, ec);
}

// Writes the result files with `rows`; a checkpoint writes only the files that can be replaced.
void write_results(const SweepOptions& o, const SweepLayout& layout, const std::vector<SweepRow>& rows, bool final) {
  OutputFiles files;
  if (!o.csv.empty() && (final || rewritable(o.csv))) {
    files.add_file("--csv", o.csv);
    files.set(o.csv, sweep_csv(layout, rows));
  }
  if (!o.json.empty() && (final || rewritable(o.json))) {
    files.add_file("--json", o.json);
    files.set(o.json, sweep_json(layout, rows));
  }
  if (!o.report.empty() && final) {
    files.add_file("--report", o.report);
    files.set(o.report, sweep_report_html(layout, rows));
  }
  files.commit();
}

// The rows an earlier run left in the output (the JSON when both are written); none when it is absent.
std::vector<SweepRow> earlier_rows(const SweepOptions& o, const SweepGrid& grid) {
  if (o.csv.empty() && o.json.empty()) throw ConfigError("error: --resume needs --csv FILE or --json FILE");
  const std::string& file = o.json.empty() ? o.csv : o.json;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    logger("sim")->info("sweep: {} does not exist yet: every row runs", file);
    return {};
  }
  const SweepLayout layout = grid.layout();
  return resumable_rows(grid, o.json.empty() ? read_sweep_csv(file, layout) : read_sweep_json(file, layout), file);
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  auto* cmd = app.add_subcommand(
      "sweep", "simulate every combination of swept values (--set a=1,2,4 --set b=8:64:8), in parallel");
  cmd->add_option("platform", o.platform, "platform YAML")->required();
  cmd->add_option("workloads", o.workloads, "workloads YAML")->required();
  cmd->add_option("--set", o.set,
                  "PATH=VALUE as for run (a fixed value), PATH=V1,V2,... (an axis of values) or PATH=START:STOP:STEP "
                  "(an axis, STOP included; numbers with the same unit on all three: 10ms:50ms:10ms); repeatable")
      ->type_name("PATH=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--seeds", o.seeds, "run each point under N seeds: run.seed, run.seed+1, ... (one row each)")
      ->check(number_between(1, 1000, true));
  cmd->add_option("--seed", o.seed, "override run.seed")->check(whole_number_from_zero());
  cmd->add_option("--csv", o.csv, "write one row per point and seed as CSV to FILE (docs/sweep.md)");
  cmd->add_option("--json", o.json, "write the rows as JSON to FILE ('-' for stdout)");
  cmd->add_option("--report", o.report,
                  "write a self-contained HTML page (p99 and SLA attainment against an axis) to FILE.html");
  cmd->add_flag("--resume", o.resume,
                "keep the rows already in the --json (else --csv) file and run only the others; the file must "
                "come from the same sweep");
  cmd->add_option("-j,--jobs", o.jobs, "simulations at a time in each process (default: one per core)");
  cmd->add_option("--catalog", o.catalog, "device catalog directory (default: the bundled one)");
  cmd->add_option("--disable", o.disable, "switch a contention mechanism off (repeatable), as for run")
      ->delimiter(',');
  cmd->footer(
      "Points in row-major order (the first axis varies slowest), each seed a row; the files are rewritten as\n"
      "rows finish, so an interrupted sweep leaves them complete up to there (--resume goes on from them).\n"
      "A point that fails (a bad value, a model that does not fit) is a row with its message; exit code 3.\n"
      "Under mpirun or srun the rows are spread over the ranks and rank 0 writes the files. Example:\n"
      "  gpusim sweep examples/quickstart/platform.yaml examples/quickstart/workloads.yaml \\\n"
      "      --set workloads.resnet50.count=2,4,8 --set nodes.server0.devices.gpu.type=A100-PCIe-40GB,L4 \\\n"
      "      --set run.duration=5s --csv sweep.csv");
  return cmd;
}

int command_sweep(const SweepOptions& o) {
  MpiRanks mpi;
  SweepComm comm = mpi.comm();
  const bool root = comm.rank == 0;
  if (!root) {  // rank 0 speaks for every rank
    set_log_level(spdlog::level::err);
    set_progress_mode(ProgressMode::NEVER);
  }
  // Every rank reads the inputs; rank 0 also checks the outputs and reads the earlier rows. Then the ranks
  // agree: an error anywhere stops them all, reported once by rank 0.
  std::optional<SweepGrid> grid;
  std::vector<SweepRow> done;
  std::string failure;
  try {
    if (root) {
      OutputFiles check;
      if (!o.csv.empty()) check.add_file("--csv", o.csv);
      if (!o.json.empty()) check.add_file("--json", o.json);
      if (!o.report.empty()) check.add_file("--report", o.report);
    }
    grid = make_sweep_grid(SweepSpec{ScenarioArgs{o.platform, o.workloads, o.catalog, o.seed, o.disable, o.set}, o.seeds});
    if (root && o.resume) done = earlier_rows(o, *grid);
  } catch (const ConfigError& e) {
    if (comm.size == 1) throw;
    failure = e.what();
  }
  if (comm.size > 1) {
    std::string first;
    for (const auto& f : comm.gather(failure)) {
      if (first.empty()) first = f;
    }
    first = comm.broadcast(first);
    if (!first.empty()) {
      if (root) throw ConfigError(first);
      return 2;
    }
  }
  const SweepLayout layout = grid->layout();
  SweepRunOptions run;
  run.parallel = o.jobs;
  run.done = std::move(done);
  run.comm = comm;
  run.checkpoint = [&](const std::vector<SweepRow>& rows) {
    if (rows.size() < grid->rows()) write_results(o, layout, rows, false);
  };
  std::vector<SweepRow> rows;
  try {
    rows = run_sweep(*grid, run);
    if (!root) return 0;
    write_results(o, layout, rows, true);
  } catch (const std::exception& e) {
    if (comm.size == 1) throw;
    std::cerr << printable(e.what()) << '\n';
    mpi.abort(dynamic_cast<const ConfigError*>(&e) ? 2 : 1);
  }
  if (o.json != "-" && o.csv != "-" && o.report != "-") print_sweep(std::cout, layout, rows);
  std::size_t failed = 0;
  for (const auto& r : rows) failed += r.error.empty() ? 0 : 1;
  if (failed > 0) {
    logger("sim")->warn("sweep: {} of {} row(s) failed (exit code 3); their messages are in the rows", failed,
                        rows.size());
  }
  return failed > 0 ? 3 : 0;
}

}  // namespace gpusim
