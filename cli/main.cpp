// gpusim command line: parses arguments, runs one command, and is the only place that chooses an exit
// code (0 success, 2 bad input or a policy breach, 1 an internal error; `sweep`: 3 when some points failed).

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <new>
#include <stdexcept>

#include "cli/additivity.hpp"
#include "cli/capacity.hpp"
#include "cli/commands.hpp"
#include "cli/compare.hpp"
#include "cli/estimate.hpp"
#include "cli/option_checks.hpp"
#include "cli/profile.hpp"
#include "cli/sweep.hpp"
#include "cli/validate.hpp"
#include "analysis/writers/output_files.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "core/units.hpp"
#include "core/progress.hpp"
#include "platforms/contention_spec.hpp"
#include "scheduler/contained_call.hpp"
#include "scheduler/plugin.hpp"

#ifndef GPUSIM_VERSION
#define GPUSIM_VERSION "0.0.0"
#endif

namespace {

// --callback-budget: a duration with its unit (30s, 500ms) or a plain number of seconds, in (0, 86400].
double callback_budget_arg(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  double seconds = std::strtod(text.c_str(), &end);
  const bool plain = !text.empty() && errno == 0 && end == text.c_str() + text.size();
  if (!plain) {
    try {
      seconds = gpusim::parse_quantity_as<gpusim::Seconds>(text).v;
    } catch (const std::invalid_argument& e) {
      throw gpusim::ConfigError(fmt::format("error: --callback-budget: {}", e.what()));
    }
  }
  if (!std::isfinite(seconds) || !(seconds > 0) || seconds > 86400) {
    throw gpusim::ConfigError(
        fmt::format("error: --callback-budget '{}': must be positive and at most 86400 s (24 h)", text));
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gpusim;
  CLI::App app{
      "gpusim: a multi-task GPU scheduler and contention simulator.\n"
      "Counting: one MAC is one multiply-accumulate; FLOPs = 2 x MACs. Units: k/M/G/T are powers of 10,\n"
      "Ki/Mi/Gi powers of 2; every dimensioned value in YAML carries its unit (19.5Tf, 900GBps, 16GiB, 33ms)."};
  app.set_version_flag("--version", std::string("gpusim ") + GPUSIM_VERSION);
  app.require_subcommand(1);
  app.failure_message(one_line_failure);
  app.fallthrough();  // -q/-v also after the subcommand
  bool quiet = false;
  bool verbose = false;
  app.add_flag("-q,--quiet", quiet, "only warnings and errors on stderr");
  app.add_flag("-v,--verbose", verbose, "debug logging on stderr");
  std::string progress = "auto";
  app.add_option("--progress", progress,
                 "progress of long work on stderr: auto (after 2 s; a live line on a terminal, a line every 5 s "
                 "otherwise), always, never (-q implies never)");

  std::vector<std::string> plugins;  // --scheduler-plugin of run, list and compare
  const std::string set_help =
      "change one value of the YAML files before they are read (repeatable): workloads.NAME.count=24, "
      "run.duration=5s, nodes.NODE.devices.DEVICE.type=L4, contention.power=off; list items by name";
  const std::string plugin_help = "load scheduling policies from a shared library (repeatable; examples/plugins)";
  std::string callback_budget;  // --callback-budget of run, list and compare
  const std::string callback_budget_help =
      "time one plugin callback (loading, place(), pick(), ...) may take before it is stopped and reported: "
      "a duration (30s, 500ms) or seconds; default: GPUSIM_CALLBACK_BUDGET, else 10s";

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "simulate workloads on a platform and print metrics");
  run_cmd->add_option("platform", run.platform, "platform YAML (nodes, devices, sharing)")->required();
  run_cmd->add_option("workloads", run.workloads, "workloads YAML (streams, arrivals, SLAs, run settings)")
      ->required();
  run_cmd->add_option("--json", run.json, "write results as JSON to FILE ('-' for stdout)");
  run_cmd->add_option("--csv", run.csv_dir, "write workloads.csv and devices.csv into DIR");
  run_cmd->add_option("--seed", run.seed, "override run.seed")->check(whole_number_from_zero());
  const std::string seeds_help =
      "simulate N runs with seeds s, s+1, ..., s+N-1 (s: run.seed or --seed; N from 1 to 1000, default 1) in "
      "parallel and print the mean and 95 % confidence interval (Student t) of p99 latency, SLA attainment "
      "and throughput";
  run_cmd->add_option("--seeds", run.seeds, seeds_help +
                      "; the additivity analysis, --csv, --report and --trace are for one run")
      ->type_name("N");
  run_cmd->add_option("--scheduler", run.scheduler, "override run.scheduler (see 'gpusim list schedulers')");
  run_cmd->add_option("--scheduler-param", run.scheduler_params, "policy parameter KEY=VALUE (repeatable)");
  run_cmd->add_option("--scheduler-plugin", plugins, plugin_help)->allow_extra_args(false);
  run_cmd->add_option("--callback-budget", callback_budget, callback_budget_help)->type_name("DURATION");
  run_cmd->add_option("--catalog", run.catalog, "device catalog directory (default: the bundled one)");
  run_cmd->add_option("--set", run.set, set_help)->type_name("PATH=VALUE")->allow_extra_args(false);
  run_cmd->add_option("--disable", run.disable,
                      "switch a contention mechanism off (repeatable): " + mechanism_list())
      ->delimiter(',');
  run_cmd->add_option("--additivity", run.additivity,
                      "on: for every device with two or more workloads, compare them together with each alone "
                      "(extra simulations); full: and attribute the required-compute gap to each mechanism "
                      "(about twice the searches; `gpusim additivity` always does); off: skip")
      ->check(CLI::IsMember({"on", "off", "full"}));
  const std::string max_memory_help =
      "refuse work estimated to need more memory than SIZE (16GiB, 512MiB; default: half of this machine's)";
  const std::string allow_large_help = "run work estimated to take more than 24 hours of host time";
  run_cmd->add_option("--max-memory", run.max_memory, max_memory_help);
  run_cmd->add_flag("--allow-large", run.allow_large, allow_large_help);
  run_cmd->add_option("--report", run.report,
                      "write a self-contained HTML page with plots (latency CDF, stage split, device time series, "
                      "additivity) to FILE.html");
  run_cmd->add_option("--trace", run.trace,
                      "write the run's timeline as Chrome trace-event JSON to FILE (open it in ui.perfetto.dev "
                      "or chrome://tracing; docs/trace.md)");
  run_cmd->add_option("--trace-window", run.trace_window,
                      "only events that overlap START:END of simulated time, with units (5s:6s)");
  run_cmd->add_option("--trace-max-events", run.trace_max_events,
                      "stop the trace after N events (default 1000000, about 200 MB)");
  run_cmd->footer(
      "Example:\n  gpusim run examples/face-recognition/platform.yaml examples/face-recognition/workloads.yaml\n"
      "Both files are documented key by key in README.md (\"Input files\"). Results: a table on stdout,\n"
      "--json/--csv files; logs on stderr. Exit code 2 for bad input (one FILE:LINE:COL line).\n"
      "Figures marked * belong to a saturated workload (its queue grew: not a steady state; the reason is\n"
      "printed under the table); an SLA below a workload's fastest possible latency is warned before the\n"
      "run (docs/saturation.md).");

  std::string what;
  std::string catalog;
  auto* list_cmd = app.add_subcommand("list", "list catalog devices or scheduling policies");
  list_cmd->add_option("what", what, "devices | schedulers")->required()->check(CLI::IsMember({"devices", "schedulers"}));
  list_cmd->add_option("--catalog", catalog, "device catalog directory (default: the bundled one)");
  list_cmd->add_option("--scheduler-plugin", plugins, plugin_help)->allow_extra_args(false);
  list_cmd->add_option("--callback-budget", callback_budget, callback_budget_help)->type_name("DURATION");
  list_cmd->footer("Examples:\n  gpusim list devices\n  gpusim list schedulers");

  CompareOptions cmp;
  auto* compare_cmd =
      app.add_subcommand("compare", "simulate one scenario under several schedulers and rank them (in parallel)");
  compare_cmd->add_option("platform", cmp.platform, "platform YAML")->required();
  compare_cmd->add_option("workloads", cmp.workloads, "workloads YAML")->required();
  compare_cmd->add_option("--schedulers", cmp.schedulers, "comma-separated policies, or 'all' (default)");
  compare_cmd->add_option("--scheduler-plugin", plugins, plugin_help)->allow_extra_args(false);
  compare_cmd->add_option("--callback-budget", callback_budget, callback_budget_help)->type_name("DURATION");
  compare_cmd->add_option("--scheduler-param", cmp.scheduler_params,
                          "parameter of one policy, NAME.KEY=VALUE (repeatable); the workloads file's "
                          "scheduler_params go to its own scheduler")
      ->allow_extra_args(false);
  compare_cmd->add_option("--json", cmp.json, "write the ranking as JSON to FILE ('-' for stdout)");
  compare_cmd->add_option("--report", cmp.report,
                          "write a self-contained HTML page (ranking with 95 % intervals, latency CDFs) to FILE.html; with "
                          "--seeds N the intervals are across the N runs");
  compare_cmd->add_option("--seed", cmp.seed, "override run.seed")->check(whole_number_from_zero());
  compare_cmd->add_option("--seeds", cmp.seeds,
                          "each policy with N seeds (as for run): rank two policies apart only when their "
                          "95 % intervals of SLA attainment (then p99) do not overlap; tied ones share a rank")
      ->type_name("N");
  compare_cmd->add_option("--jobs", cmp.jobs, "simulations at a time (default: one per core)");
  compare_cmd->add_option("--catalog", cmp.catalog, "device catalog directory (default: the bundled one)");
  compare_cmd->add_option("--set", cmp.set, set_help)->type_name("PATH=VALUE")->allow_extra_args(false);
  compare_cmd->add_option("--disable", cmp.disable, "switch a contention mechanism off (repeatable), as for run")
      ->delimiter(',');
  compare_cmd->add_option("--max-memory", cmp.max_memory, max_memory_help);
  compare_cmd->add_flag("--allow-large", cmp.allow_large, allow_large_help);
  compare_cmd->footer(
      "Ranks by SLA attainment (all requests with an SLA), then p99 latency, throughput, devices and units used,\n"
      "energy, and says per policy why: streams, occupancy and context switches of each unit, queueing\n"
      "against service time. --seeds N: mean and 95 % interval across N seeds; overlapping ones share a rank\n"
      "(docs/schedulers.md). Example:\n"
      "  gpusim compare examples/face-recognition/platform.yaml examples/face-recognition/workloads.yaml \\\n"
      "      --schedulers round-robin,best-fit,interference-aware --json ranking.json");

  ProfileOptions prof;
  auto* profile_cmd =
      app.add_subcommand("profile", "per-layer MACs, FLOPs, params, bytes and roofline time of a model");
  profile_cmd->add_option("model", prof.model.model, "ONNX file or zoo:NAME")->required();
  const std::string precision_help = "fp64 | fp32 | tf32 | fp16 | bf16 | int8 | int4 (default fp32)";
  profile_cmd->add_option("--batch", prof.model.batch, "samples per request (default 1)")
      ->check(whole_number_from_one());
  profile_cmd->add_option("--precision", prof.model.precision, precision_help);
  profile_cmd->add_option("--input-shape", prof.model.input_shapes,
                          "dims of an input with dynamic dims, NAME=1x3x224x224 (repeatable)")
      ->allow_extra_args(false);
  profile_cmd->add_option("--device", prof.device,
                          "catalog device type: adds each layer's roofline time and bound");
  profile_cmd->add_option("--catalog", prof.model.catalog,
                          "device catalog directory (default: the bundled one)");
  profile_cmd->add_flag("--json", prof.json, "print JSON instead of the tables");
  profile_cmd->footer(
      "Examples:\n  gpusim profile examples/face-recognition/models/fr_feature.onnx --json\n"
      "  gpusim profile zoo:resnet50 --device T4 --precision fp16");

  EstimateOptions est;
  auto* estimate_cmd = app.add_subcommand(
      "estimate", "compute, memory, latency and how many streams of a model meet an SLA on a device");
  estimate_cmd->add_option("model", est.model.model,
                           "ONNX file or zoo:NAME (a workloads file, pipelines included: gpusim capacity)")
      ->required();
  estimate_cmd->add_option("--device", est.device, "catalog device type")->required();
  estimate_cmd->add_option("--rate", est.rate, "requests per second of one stream, with a unit (30/s)")
      ->required();
  estimate_cmd->add_option("--sla", est.sla, "latency target, with a unit (100ms)")->required();
  estimate_cmd->add_option("--batch", est.model.batch, "samples per request (default 1)")
      ->check(whole_number_from_one());
  estimate_cmd->add_option("--precision", est.model.precision, precision_help);
  estimate_cmd->add_option("--headroom", est.headroom, "usable fraction of device memory (default 0.8)");
  estimate_cmd->add_option("--input-shape", est.model.input_shapes,
                           "dims of an input with dynamic dims, NAME=1x3x224x224 (repeatable)")
      ->allow_extra_args(false);
  estimate_cmd->add_option("--seed", est.seed, "seed of the simulations' arrival phases (default 42)");
  estimate_cmd->add_option("--simulate", est.simulate,
                           "on: confirm the analytic count by simulation; off: skip")
      ->check(CLI::IsMember({"on", "off"}));
  estimate_cmd->add_option("--catalog", est.model.catalog,
                           "device catalog directory (default: the bundled one)");
  estimate_cmd->add_flag("--json", est.json, "print JSON instead of the reasoning lines");
  estimate_cmd->footer(
      "Example:\n  gpusim estimate examples/face-recognition/models/fr_feature.onnx --device T4 \\\n"
      "      --precision fp16 --rate 30/s --sla 100ms\n"
      "One model on one device type; a pipeline or a mix of workloads (a workloads file, with its own rates\n"
      "and SLAs) goes through: gpusim capacity PLATFORM WORKLOADS --vary WORKLOAD");

  CapacityOptions cap;
  auto* capacity_cmd = app.add_subcommand(
      "capacity", "how many streams of a workload fit (every SLA met, steady state), found by simulation");
  capacity_cmd->add_option("platform", cap.platform, "platform YAML")->required();
  capacity_cmd->add_option("workloads", cap.workloads, "workloads YAML")->required();
  capacity_cmd->add_option("--vary", cap.vary, "the workload whose stream count is searched")->required();
  capacity_cmd->add_option("--per-device", cap.per_device,
                           "catalog device types: one search per type on a one-GPU platform (the platform's first "
                           "device made that type), the answer per GPU")
      ->delimiter(',');
  capacity_cmd->add_option("--quantile", cap.quantile,
                           "share of each workload's requests that must meet its SLA (default 0.99)");
  capacity_cmd->add_option("--seeds", cap.seeds,
                           "seeds per count (run.seed, +1, ...): a count fits only when it fits for all (default 1)");
  capacity_cmd->add_option("--window", cap.window,
                           "simulated time measured per count, with its unit, at most the run's own (default 5s)");
  capacity_cmd->add_option("--max-streams", cap.max_streams, "largest count tried (default 10000)");
  capacity_cmd->add_option("--jobs", cap.jobs, "simulations at a time (default: one per core)");
  capacity_cmd->add_option("--suggest", cap.suggest,
                           "on: when the SLA or saturation binds, try dynamic batching of the workload beyond the "
                           "answer and say what it gives; off: skip")
      ->check(CLI::IsMember({"on", "off"}));
  capacity_cmd->add_option("--json", cap.json, "write the answers as JSON to FILE ('-' for stdout)");
  capacity_cmd->add_option("--report", cap.report,
                           "write a self-contained HTML page (answers, reasons, latency against streams) to FILE.html");
  capacity_cmd->add_option("--seed", cap.seed, "override run.seed")->check(whole_number_from_zero());
  capacity_cmd->add_option("--catalog", cap.catalog, "device catalog directory (default: the bundled one)");
  capacity_cmd->add_option("--set", cap.set, set_help)->type_name("PATH=VALUE")->allow_extra_args(false);
  capacity_cmd->add_option("--disable", cap.disable, "switch a contention mechanism off (repeatable), as for run")
      ->delimiter(',');
  capacity_cmd->footer(
      "Example:\n  gpusim capacity examples/face-recognition/platform.yaml examples/face-recognition/workloads.yaml \\\n"
      "      --vary lobby --per-device T4,A100-PCIe-40GB,L4\n"
      "The search (docs/capacity.md): an analytic bracket from the isolated request times and memory, then\n"
      "simulated counts in parallel until N fits and N+1 does not; the binding constraint at N+1 is named.");

  ValidateCommandOptions val;
  auto* validate_cmd = app.add_subcommand(
      "validate", "simulate every published and measured validation case and print the prediction errors");
  validate_cmd->add_option("--data", val.data_dir,
                           "validation directory (published/, measured/<gpu>/) or one harness output "
                           "directory (default: the source tree's validation/)");
  validate_cmd->add_option("--json", val.json,
                           "write the cases and error summary as JSON to FILE ('-' for stdout)");
  validate_cmd->add_option("--jobs", val.jobs, "simulations at a time (default: one per core)");
  validate_cmd->add_option("--catalog", val.catalog, "device catalog directory (default: the bundled one)");
  validate_cmd->add_option("--calibration", val.calibration,
                           "also simulate with this overlay (written by `gpusim calibrate`) and print the "
                           "calibration and held-out errors side by side, uncalibrated vs calibrated");
  validate_cmd
      ->add_option("--clock-exponent", val.clock_exponent,
                   "a what-if on the power model: simulate every case with contention.power.clock_exponent "
                   "K (1 to 3; default: the platform default, 3), e.g. to see which power limits it fits")
      ->check(number_between(1.0, 3.0));
  validate_cmd->footer("Method, data sources and the current errors: docs/validation.md. Example:\n"
                       "  gpusim validate --json validation.json");

  CalibrateCommandOptions calib;
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate",
      "fit per-device efficiencies, launch overhead, time slice, context-switch cost, power shares and "
      "eager host time to the validation data's calibration subset (never the held-out cases) and write them "
      "as an overlay");
  calibrate_cmd->add_option("--data", calib.data_dir,
                            "validation directory (default: the source tree's validation/)");
  calibrate_cmd->add_option("--out", calib.out, "the overlay YAML to write")->required();
  calibrate_cmd->add_option("--jobs", calib.jobs, "simulations at a time (default: one per core)");
  calibrate_cmd->add_option("--catalog", calib.catalog, "device catalog directory (default: the bundled one)");
  calibrate_cmd->footer(
      "Per catalog entry with calibration cases: memory efficiency, L2 efficiency and far-partition\n"
      "ratio (L2-resident kernels only), compute efficiency, launch overhead, time slice and\n"
      "context-switch cost (the last two from time-sliced pairs, searched twice in turn), the\n"
      "memory, CUDA-core and tensor-core power shares (power draw only), and the eager PyTorch host\n"
      "time per kernel (eager cases only), each only where some case responds to it, by\n"
      "golden-section search within\n"
      "physical bounds minimising the sum of ln(predicted/measured)^2 (docs/validation.md,\n"
      "\"Calibration\"). Example:\n"
      "  gpusim calibrate --out calibration.yaml && gpusim validate --calibration calibration.yaml\n"
      "A platform applies it with `calibration: calibration.yaml` (path relative to platform.yaml).");

  AdditivityCommandOptions add;
  auto* additivity_cmd = app.add_subcommand(
      "additivity",
      "do the workloads together need the sum of what each needs alone? in required TFLOP/s and utilisation, "
      "per sharing mode");
  additivity_cmd->add_option("platform", add.platform, "platform YAML")->required();
  additivity_cmd->add_option("workloads", add.workloads, "workloads YAML")->required();
  additivity_cmd->add_option("--sharing", add.sharing,
                             "comma-separated sharing modes to compare: time-slice, mps, mig (default: the "
                             "platform's own)");
  additivity_cmd->add_option("--json", add.json, "write the answers as JSON to FILE ('-' for stdout)");
  additivity_cmd->add_option("--seed", add.seed, "override run.seed")->check(whole_number_from_zero());
  additivity_cmd->add_option("--catalog", add.catalog, "device catalog directory (default: the bundled one)");
  additivity_cmd->add_option("--set", add.set, set_help)->type_name("PATH=VALUE")->allow_extra_args(false);
  additivity_cmd->add_option("--disable", add.disable, "switch a contention mechanism off (repeatable), as for run")
      ->delimiter(',');
  additivity_cmd->add_option("--max-memory", add.max_memory, max_memory_help);
  additivity_cmd->add_flag("--allow-large", add.allow_large, allow_large_help);
  additivity_cmd->footer(additivity_help_footer());

  SweepOptions swp;
  auto* sweep_cmd = add_sweep_command(app, swp);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  add.sharing_given = additivity_cmd->count("--sharing") > 0;
  set_log_level(quiet ? spdlog::level::warn : verbose ? spdlog::level::debug : spdlog::level::info);
  try {
    set_progress_mode(quiet ? ProgressMode::NEVER : parse_progress_mode(progress));
  } catch (const ConfigError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }

  // Every message is one line: control characters from inputs are printed escaped.
  try {
    if (!callback_budget.empty()) set_callback_budget(callback_budget_arg(callback_budget));
    load_scheduler_plugins(plugins);
    int code = 0;
    if (*run_cmd) code = command_run(run);
    if (*additivity_cmd) code = command_additivity(add);
    if (*compare_cmd) code = command_compare(cmp);
    if (*sweep_cmd) code = command_sweep(swp);
    if (*capacity_cmd) code = command_capacity(cap);
    if (*profile_cmd) code = command_profile(prof);
    if (*estimate_cmd) code = command_estimate(est);
    if (*validate_cmd) code = command_validate(val);
    if (*calibrate_cmd) code = command_calibrate(calib);
    if (*list_cmd) code = what == "devices" ? command_list_devices(catalog) : command_list_schedulers();
    // A table that could not be written (a full disk, a closed pipe) is an error, not a silent success.
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "error: writing to standard output failed\n";
      return 1;
    }
    return code;
  } catch (const ConfigError& e) {
    const std::string msg = printable(e.what());
    std::cerr << (msg.find("error: ") == std::string::npos ? "error: " + msg : msg) << '\n';
    return 2;
  } catch (const PolicyError& e) {
    std::cerr << "error: " << printable(e.what()) << '\n';
    return 2;
  } catch (const OutputError& e) {
    std::cerr << printable(e.what()) << '\n';
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: gpusim ran out of memory; shorten the run or set --max-memory to what this machine "
                 "can give\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "gpusim: internal error: " << printable(e.what()) << '\n';
    return 1;
  }
}
