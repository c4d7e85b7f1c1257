// `gpusim validate`: finds the data, turns each published figure and each harness measurement into the
// experiments of its category (kernels.cpp, pairs.cpp, models.cpp), simulates every run through the batch
// runner and compares. Nothing here is calibrated: every prediction uses the catalog entry as shipped
// (docs/validation.md).

#include "studies/validation/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "analysis/invariants.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "studies/validation/experiment.hpp"
#include "studies/validation/held_out.hpp"
#include "studies/validation/kernels.hpp"
#include "studies/validation/models.hpp"
#include "studies/validation/pairs.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;
using namespace validation;

// The experiments of one harness output directory, held out by the rule of held_out.hpp; skipped rows and the
// machine go to `notes`.
void add_measured(const MeasuredData& md, const Catalog& catalog, const ValidateOptions& options,
                  std::vector<Experiment>& out, std::vector<std::string>& notes) {
  const std::string device = catalog_name_for(md.machine, catalog);
  MeasuredContext ctx;
  ctx.data = &md;
  ctx.spec = catalog.find(device);
  ctx.origin = md.machine.sample ? "SAMPLE" : "measured";
  ctx.prefix = fs::path(md.dir).filename().string() + "/";
  if (ctx.prefix == "/") ctx.prefix = fs::path(md.dir).parent_path().filename().string() + "/";
  ctx.source = md.dir;
  ctx.l2 = md.machine.l2_bytes > 0 ? md.machine.l2_bytes : ctx.spec->l2_cache.v;
  notes.push_back(fmt::format("{} data in {}: {} ({}), simulated as catalog entry {}{}",
                              md.machine.sample ? "SAMPLE (hand-written, NOT measured)" : "measured", md.dir,
                              md.machine.gpu_name,
                              md.machine.taken.empty() ? "date unknown" : md.machine.taken, device,
                              md.machine.sm_count > 0 && md.machine.sm_count != ctx.spec->sm_count
                                  ? fmt::format(" (WARNING: {} SMs measured, catalog has {})",
                                                md.machine.sm_count, ctx.spec->sm_count)
                                  : ""));
  const std::vector<bool> held = held_out_kernels(md.kernels);
  for (std::size_t i = 0; i < md.kernels.size(); ++i)
    out.push_back(measured_kernel(ctx, md.kernels[i], held[i]));
  for (const auto& k : md.steady) out.push_back(measured_steady_kernel(ctx, k, held_out_steady(k)));
  for (const auto& p : md.pairs) out.push_back(measured_pair(ctx, p, held_out_pair(p)));
  // The stage a row of models.csv or model_kernels.csv runs, or nothing (and why, in the notes).
  const auto stage_of = [&](const auto& row, const char* file) -> std::optional<StageSpec> {
    if (row.status != "ok") {
      notes.push_back(fmt::format("skipped {}/{}:{} ({} b{}): status '{}'", md.dir, file, row.line, row.model,
                                  row.batch, row.status));
      return std::nullopt;
    }
    std::string why;
    auto stage = model_stage(row.model, fused_framework(row.framework), precision_of(row.precision),
                             options.models_dir, why, md.prelu_three_kernels);
    if (!stage)
      notes.push_back(fmt::format("skipped {}/{}:{} ({}): {}", md.dir, file, row.line, row.model, why));
    return stage;
  };
  for (const auto& m : md.models) {
    auto stage = stage_of(m, "models.csv");
    if (stage) out.push_back(measured_model(ctx, m, std::move(*stage), held_out_model(m)));
  }
  for (const auto& k : md.model_kernels) {
    auto stage = stage_of(k, "model_kernels.csv");
    if (!stage) continue;
    ModelRow as_model;
    as_model.model = k.model;
    as_model.framework = k.framework;
    as_model.batch = k.batch;
    out.push_back(measured_model_gpu_time(ctx, k, std::move(*stage), held_out_model(as_model)));
  }
  for (const auto& p : md.model_pairs) {
    if (p.status != "ok") {
      notes.push_back(
          fmt::format("skipped {}/model_pairs.csv:{} ({}): status '{}'", md.dir, p.line, p.pair, p.status));
      continue;
    }
    std::string why;
    auto a = model_stage(p.model_a, fused_framework(p.framework_a), precision_of(p.precision),
                         options.models_dir, why, md.prelu_three_kernels);
    auto b = model_stage(p.model_b, fused_framework(p.framework_b), precision_of(p.precision),
                         options.models_dir, why, md.prelu_three_kernels);
    if (!a || !b) {
      notes.push_back(fmt::format("skipped {}/model_pairs.csv:{} ({}): {}", md.dir, p.line, p.pair, why));
      continue;
    }
    out.push_back(measured_model_pair(ctx, p, std::move(*a), std::move(*b), held_out_model_pair(p)));
  }
}

}  // namespace

ValidationReport validate_data(const PublishedData& published, const std::vector<MeasuredData>& measured,
                               const Catalog& catalog, const ValidateOptions& options) {
  ValidationReport report;
  report.calibration = "none";
  std::vector<Experiment> experiments;
  const auto device = [&](const std::string& name) -> const DeviceSpec& {
    const DeviceSpec* d = catalog.find(name);
    if (!d)
      throw ConfigError(fmt::format("error: published case names device '{}', not in the catalog (known: {})",
                                    name, catalog.names()));
    return *d;
  };
  for (const auto& b : published.bandwidth) experiments.push_back(published_bandwidth(b, device(b.device)));
  for (const auto& m : published.mlperf) experiments.push_back(published_mlperf(m, device(m.device)));
  if (!published.bandwidth.empty() || !published.mlperf.empty()) {
    report.notes.push_back(fmt::format("published: {} bandwidth and {} MLPerf ResNet-50 figures",
                                       published.bandwidth.size(), published.mlperf.size()));
  }
  for (const auto& md : measured) {
    report.sample = report.sample || md.machine.sample;
    add_measured(md, catalog, options, experiments, report.notes);
  }
  if (measured.empty())
    report.notes.push_back("measured: none (validation/measured/<gpu>/ holds no data yet)");

  if (options.clock_exponent > 0) {
    GPUSIM_CHECK(options.clock_exponent >= 1 && options.clock_exponent <= 3, "the caller checks the range");
    for (auto& e : experiments) {
      for (auto& r : e.runs) r.sc.platform.contention.clock_exponent = options.clock_exponent;
    }
    report.notes.push_back(fmt::format(
        "every run at contention.power.clock_exponent = {:g} (--clock-exponent; the default is 3)",
        options.clock_exponent));
  }
  std::vector<SimJob> jobs;
  for (const auto& e : experiments) {
    for (const auto& r : e.runs) jobs.push_back(SimJob{&r.sc, &r.plan, nullptr});
  }
  std::size_t cases = 0;
  for (const auto& e : experiments) cases += e.cases.size();
  if (!options.quiet) logger("analysis")->info("validate: {} case(s), {} simulation(s)", cases, jobs.size());
  const std::vector<SimResult> results =
      simulate_all(jobs, options.parallel, options.quiet ? "" : "validate");
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const SimJob& j = jobs[i];
    enforce_invariants(*j.scenario, *j.plan, results[i], compute_metrics(*j.scenario, *j.plan, results[i]));
  }
  std::size_t next = 0;
  for (auto& e : experiments) {
    const std::vector<SimResult> mine(results.begin() + static_cast<std::ptrdiff_t>(next),
                                      results.begin() + static_cast<std::ptrdiff_t>(next + e.runs.size()));
    next += e.runs.size();
    const std::vector<double> predicted = e.predict(mine);
    GPUSIM_CHECK(predicted.size() == e.cases.size(), "one prediction per case");
    for (std::size_t i = 0; i < e.cases.size(); ++i) {
      ValidationCase c = std::move(e.cases[i]);
      if (std::isfinite(predicted[i]) && predicted[i] > 0) {
        c.predicted = predicted[i];
      } else {
        c.note = "no prediction: the simulation did not complete the case";
      }
      report.cases.push_back(std::move(c));
    }
  }
  report.summary = summarise(report.cases);
  report.targets = fidelity_targets(report.cases);
  return report;
}

ValidationData read_validation_data(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ConfigError(fmt::format("{}: error: --data needs a directory", dir));
  ValidationData out;
  const fs::path base(dir);
  if (fs::exists(base / "machine.json", ec)) {
    out.measured.push_back(read_measured(dir));  // one harness output directory
  } else if (fs::exists(base / "bandwidth.csv", ec) || fs::exists(base / "mlperf_resnet50.csv", ec)) {
    out.published = read_published(dir);  // a published/ directory itself
  } else {
    if (fs::is_directory(base / "published", ec))
      out.published = read_published((base / "published").string());
    if (fs::is_directory(base / "measured", ec)) {
      std::vector<fs::path> gpus;
      for (const auto& e : fs::directory_iterator(base / "measured")) {
        if (e.is_directory() && fs::exists(e.path() / "machine.json", ec)) gpus.push_back(e.path());
      }
      std::sort(gpus.begin(), gpus.end());
      for (const auto& g : gpus) out.measured.push_back(read_measured(g.string()));
    }
  }
  return out;
}

ValidationReport run_validation(const ValidateOptions& options) {
  GPUSIM_CHECK(!options.data_dir.empty() && !options.catalog_dir.empty(), "the caller gives the paths");
  const std::string& dir = options.data_dir;
  const ValidationData data = read_validation_data(dir);
  const Catalog catalog = Catalog::load(options.catalog_dir);
  ValidationReport r = validate_data(data.published, data.measured, catalog, options);
  r.data_dir = dir;
  if (r.cases.empty()) {
    throw ConfigError(
        fmt::format("{}: error: no validation data (expected published/*.csv, measured/<gpu>/ or a "
                    "harness output directory with machine.json)",
                    dir));
  }
  return r;
}

}  // namespace gpusim
