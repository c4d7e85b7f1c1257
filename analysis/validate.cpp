// `gpusim validate`: turns each published figure and each harness measurement into one small scenario
// built in code, simulates it in a child process (all of them in parallel) and compares. Nothing here is
// calibrated: every prediction uses the catalog entry as shipped (docs/validation.md).

#include "analysis/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "workloads/model/zoo.hpp"
#include "workloads/model_source.hpp"

#ifndef GPUSIM_VALIDATION_DIR
#define GPUSIM_VALIDATION_DIR "validation"
#endif
#ifndef GPUSIM_FACE_MODELS_DIR
#define GPUSIM_FACE_MODELS_DIR "examples/face-recognition/models"
#endif

namespace gpusim {
namespace {

namespace fs = std::filesystem;

const char* const kIsolated = "isolated kernels";
const char* const kL2 = "L2-resident kernels";
const char* const kPairs = "co-located pairs";
const char* const kModels = "models";

// ---- Models
// --------------------------------------------------------------------------------------------------
// torchvision's ResNet-50 and MobileNetV2 come from the model zoo (zoo:resnet50, zoo:mobilenet_v2, checked
// against the published MAC and parameter counts), the face models from their ONNX files. As TensorRT and
// onnxruntime run them, layers are fused by gpusim's rule (stage_from_cost: BatchNorm, activations and
// element-wise epilogues join their producer); as PyTorch eager runs them, every layer is its own kernel.

// One kernel per layer (views launch nothing): weights read once per invocation, activations per sample.
StageSpec layer_stage(const ModelCost& m, const std::string& label) {
  StageSpec st;
  st.name = label;
  st.model = label;
  st.weight_bytes = m.weight_bytes;
  st.activation_bytes = m.peak_activation_bytes + m.io_bytes;
  st.params = m.total_params();
  for (const LayerCost& l : m.layers) {
    if (l.is_view || (l.flops == 0 && l.total_bytes().v == 0)) continue;
    const Bytes fixed = std::min(l.weight_bytes, l.bytes_read);
    const Bytes activations = l.total_bytes() - fixed;
    st.kernels.push_back(KernelSpec{Flops{l.flops}, activations, fixed, activations + fixed});
  }
  return st;
}

// The stage of `model` (a zoo name, or NAME.onnx in models_dir) at batch 1, fused or one kernel per layer,
// with no host copies (the caller adds them where the measurement has them). Nothing, and why, when the
// model cannot be built.
std::optional<StageSpec> model_stage(const std::string& model, bool fused, Precision p,
                                     const std::string& models_dir, std::string& why) {
  const auto zoo = zoo_model_names();
  std::string ref = "zoo:" + model;
  if (std::find(zoo.begin(), zoo.end(), model) == zoo.end()) {
    const fs::path onnx = fs::path(models_dir) / (model + ".onnx");
    std::error_code ec;
    if (!fs::exists(onnx, ec)) {
      why = "not in the model zoo and no " + onnx.string();
      return std::nullopt;
    }
    ref = onnx.string();
  }
  try {
    const ModelCost cost = load_model_cost(ref, "", p, 1);
    StageSpec st = fused ? stage_from_cost(cost, ref) : layer_stage(cost, ref);
    st.name = model;
    st.input_bytes = Bytes{0.0};
    st.output_bytes = Bytes{0.0};
    return st;
  } catch (const ConfigError& e) {
    why = e.what();
    return std::nullopt;
  }
}

Precision precision_of(const std::string& s) {
  const auto p = parse_precision(s);
  GPUSIM_CHECK(p.has_value(), "precision validated by the reader: " + s);
  return *p;
}

// ---- Scenarios
// ---------------------------------------------------------------------------------------------

ArrivalSpec trace(std::vector<double> times) {
  ArrivalSpec a;
  a.kind = ArrivalKind::TRACE;
  for (double t : times) a.trace.push_back(Seconds{t});
  return a;
}

StreamSpec make_stream(const std::string& name, StageSpec stage, Precision p, int batch,
                       ArrivalSpec arrival) {
  StreamSpec s;
  s.name = name;
  s.precision = p;
  s.batch = batch;
  s.stages.push_back(std::move(stage));
  s.arrival = std::move(arrival);
  return s;
}

// A stream of one request made of `launches` identical kernels.
StreamSpec kernel_stream(const std::string& name, Precision p, double flops, double bytes, double working_set,
                         int launches) {
  StageSpec st;
  st.name = name;
  st.model = "explicit";
  st.kernels.assign(static_cast<std::size_t>(launches),
                    KernelSpec{Flops{flops}, Bytes{bytes}, Bytes{0.0}, Bytes{working_set}});
  return make_stream(name, std::move(st), p, 1, trace({0.0}));
}

struct Run {
  Scenario sc;
  Plan plan;
};

// One device of the catalog entry, the streams on it (one context each), every mechanism as shipped except
// the launch overhead where the measurement hides it (back-to-back asynchronous launches of long kernels).
Run make_run(const DeviceSpec& spec, SharingMode mode, std::vector<StreamSpec> streams,
             bool launch_overhead) {
  Run r;
  DeviceInstance d;
  d.name = "gpu0";
  d.node = "node0";
  d.spec = spec;
  d.sharing = mode;
  d.pcie_bandwidth = spec.pcie_bandwidth;
  r.sc.platform.file = "validate";
  r.sc.platform.nodes = {"node0"};
  r.sc.platform.devices.push_back(d);
  r.sc.platform.contention.launch_overhead = launch_overhead;
  double last = 0;
  for (const auto& s : streams) {
    for (const auto& t : s.arrival.trace) last = std::max(last, t.v);
  }
  r.sc.workloads.file = "validate";
  r.sc.workloads.run.duration = Seconds{last + 1e-6};
  r.sc.workloads.run.warmup = Seconds{0.0};
  r.sc.workloads.run.drain = Seconds{3600.0};
  r.sc.workloads.streams = std::move(streams);
  r.plan = PlanBuilder(r.sc, "validate").add_device(0).place_all(std::vector<int>(expand_streams(r.sc.workloads).size(), 0)).build();
  return r;
}

// Latest finish of a stream's requests (they all complete: the drain is long).
double last_finish(const SimResult& r, std::uint32_t stream) {
  double t = 0;
  for (const auto& q : r.requests) {
    if (q.stream == stream) t = std::max(t, q.finish);
  }
  return t;
}

double mean_latency(const SimResult& r, std::uint32_t stream) {
  double sum = 0;
  int n = 0;
  for (const auto& q : r.requests) {
    if (q.stream == stream && q.status == RequestStatus::COMPLETED) {
      sum += q.finish - q.arrival;
      ++n;
    }
  }
  return n > 0 ? sum / n : 0.0;
}

// ---- Experiments: the runs a group of cases needs, and how to read the predictions off them
// ----------------

struct Experiment {
  std::vector<ValidationCase> cases;
  std::vector<Run> runs;
  std::function<std::vector<double>(const std::vector<SimResult>&)> predict;
};

ValidationCase make_case(std::string name, std::string category, std::string origin, std::string device,
                         std::string unit, double measured, bool held_out, std::string source) {
  ValidationCase c;
  c.name = std::move(name);
  c.category = std::move(category);
  c.origin = std::move(origin);
  c.device = std::move(device);
  c.unit = std::move(unit);
  c.measured = measured;
  c.held_out = held_out;
  c.source = std::move(source);
  return c;
}

// A single kernel alone; the prediction is `amount` per second of its simulated time, scaled to `unit_scale`.
Experiment single_kernel(ValidationCase c, const DeviceSpec& spec, Precision p, double flops, double bytes,
                         double working_set, double amount, double unit_scale) {
  Experiment e;
  e.cases.push_back(std::move(c));
  e.runs.push_back(make_run(spec, SharingMode::TIME_SLICE,
                            {kernel_stream("kernel", p, flops, bytes, working_set, 1)}, false));
  e.predict = [amount, unit_scale](const std::vector<SimResult>& r) {
    return std::vector<double>{amount / last_finish(r[0], 0) / unit_scale};
  };
  return e;
}

std::string category_for_working_set(double working_set, double l2) {
  return working_set <= l2 ? kL2 : kIsolated;
}

Experiment published_bandwidth(const PublishedBandwidth& b, const DeviceSpec& spec) {
  // gpu-stream kernels on doubles: triad 2 FLOPs per element (24 bytes), read none worth counting.
  const double flops = b.kernel == "triad" ? b.working_set_bytes / 12.0 : 0.0;
  return single_kernel(make_case(b.name, category_for_working_set(b.working_set_bytes, spec.l2_cache.v),
                                 "published", spec.name, "GB/s", b.bandwidth_Bps / 1e9, b.held_out, b.source),
                       spec, Precision::FP64, flops, b.working_set_bytes, b.working_set_bytes,
                       b.working_set_bytes, 1e9);
}

// ResNet-50 as TensorRT runs it (fused, INT8). Offline: as many batches queued at once as fill MLPerf's
// minimum duration (600 s), so the power and thermal controllers settle as on the real run; prediction =
// samples per second of the whole. The harness overlaps host copies with compute: none are simulated.
// SingleStream: one image at a time, the int8 input crossing PCIe first; prediction = mean latency.
Experiment published_mlperf(const PublishedMlperf& m, const DeviceSpec& spec) {
  const Precision p = precision_of(m.precision);
  const ModelCost cost = load_model_cost("zoo:resnet50", "", p, 1);
  StageSpec st = stage_from_cost(cost, "zoo:resnet50");
  st.name = "resnet50";
  const bool offline = m.scenario == "Offline";
  ValidationCase c = make_case(m.name, kModels, "published", spec.name, offline ? "samples/s" : "ms",
                               offline ? m.value : m.value * 1e3, m.held_out, m.source);
  c.note = "zoo:resnet50, fused kernels, " + m.precision;
  Experiment e;
  e.cases.push_back(std::move(c));
  if (offline) {
    st.input_bytes = Bytes{0.0};
    st.output_bytes = Bytes{0.0};
    constexpr double kMinDuration = 600.0;
    StreamSpec s = make_stream("resnet50", std::move(st), p, m.batch, trace({0.0}));
    DeviceInstance d;
    d.spec = spec;
    const Unit whole{0, "gpu0", "", 1.0, 1.0, spec.memory, spec.l2_cache};
    const double t = isolated_request_time(s, d, whole).value().v;
    const int batches = std::clamp(static_cast<int>(std::ceil(kMinDuration / std::max(t, 1e-9))), 1, 1000000);
    s.arrival = trace(std::vector<double>(static_cast<std::size_t>(batches), 0.0));
    e.runs.push_back(make_run(spec, SharingMode::TIME_SLICE, {std::move(s)}, true));
    const double samples = static_cast<double>(batches) * m.batch;
    e.predict = [samples](const std::vector<SimResult>& r) {
      return std::vector<double>{samples / last_finish(r[0], 0)};
    };
  } else {
    e.runs.push_back(
        make_run(spec, SharingMode::TIME_SLICE,
                 {make_stream("resnet50", std::move(st), p, m.batch, trace({0.0, 0.05, 0.1, 0.15}))}, true));
    e.predict = [](const std::vector<SimResult>& r) {
      return std::vector<double>{mean_latency(r[0], 0) * 1e3};
    };
  }
  return e;
}

// ---- Measured data (the harness's CSVs)
// ----------------------------------------------------------------------

struct MeasuredContext {
  const MeasuredData* data = nullptr;
  const DeviceSpec* spec = nullptr;
  std::string origin;  ///< measured | SAMPLE
  std::string prefix;  ///< "<gpu dir name>/"
  std::string source;  ///< the directory
  double l2 = 0;
};

Experiment measured_kernel(const MeasuredContext& ctx, const KernelRow& k, bool held_out) {
  const bool compute = k.kernel == "fma_fp32" || k.kernel.rfind("gemm_", 0) == 0;
  const std::string name = k.kernel == "stream_l2" ? fmt::format("{}{}/{:g}MiB", ctx.prefix, k.kernel,
                                                                 k.working_set_bytes / 1048576.0)
                                                   : ctx.prefix + k.kernel;
  const std::string category = k.kernel == "stream_l2" ? category_for_working_set(k.working_set_bytes, ctx.l2)
                                                       : std::string(kIsolated);
  const double measured = compute ? k.flops / k.time_s / 1e12 : k.bytes / k.time_s / 1e9;
  ValidationCase c = make_case(name, category, ctx.origin, ctx.spec->name, compute ? "TFLOP/s" : "GB/s",
                               measured, held_out, fmt::format("{}/kernels.csv:{}", ctx.source, k.line));
  return single_kernel(std::move(c), *ctx.spec, precision_of(k.precision), k.flops, k.bytes,
                       k.working_set_bytes, compute ? k.flops : k.bytes, compute ? 1e12 : 1e9);
}

// Each side alone, then both: two processes share the GPU by time-slicing; two streams of one process run
// their kernels concurrently (simulated as MPS with full shares: no SM cap, shared compute and bandwidth).
Experiment measured_pair(const MeasuredContext& ctx, const PairRow& p, bool held_out) {
  const std::string base = fmt::format("{}pair/{}/{}", ctx.prefix, p.pair, p.mode);
  const std::string src = fmt::format("{}/pairs.csv:{}", ctx.source, p.line);
  Experiment e;
  e.cases.push_back(make_case(base + ": makespan / sum alone", kPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.makespan_s / (p.a.alone_s + p.b.alone_s), held_out, src));
  e.cases.push_back(make_case(base + ": A slowdown", kPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.a.together_s / p.a.alone_s, held_out, src));
  e.cases.push_back(make_case(base + ": B slowdown", kPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.b.together_s / p.b.alone_s, held_out, src));
  const auto side = [](const PairRow::Side& s, const char* n) {
    return kernel_stream(n, precision_of(s.precision), s.flops, s.bytes, s.working_set_bytes, s.launches);
  };
  const SharingMode mode = p.mode == "processes" ? SharingMode::TIME_SLICE : SharingMode::MPS;
  e.runs.push_back(make_run(*ctx.spec, mode, {side(p.a, "a")}, false));
  e.runs.push_back(make_run(*ctx.spec, mode, {side(p.b, "b")}, false));
  e.runs.push_back(make_run(*ctx.spec, mode, {side(p.a, "a"), side(p.b, "b")}, false));
  e.predict = [](const std::vector<SimResult>& r) {
    const double a = last_finish(r[0], 0);
    const double b = last_finish(r[1], 0);
    const double ta = last_finish(r[2], 0);
    const double tb = last_finish(r[2], 1);
    return std::vector<double>{std::max(ta, tb) / (a + b), ta / a, tb / b};
  };
  return e;
}

// Latency of one batch alone; three batches spaced a second apart so none waits for another.
Experiment measured_model(const MeasuredContext& ctx, const ModelRow& m, StageSpec stage, bool held_out) {
  const Precision p = precision_of(m.precision);
  Experiment e;
  e.cases.push_back(make_case(fmt::format("{}model/{}/{}/b{}", ctx.prefix, m.framework, m.model, m.batch),
                              kModels, ctx.origin, ctx.spec->name, "ms", m.latency_mean_s * 1e3, held_out,
                              fmt::format("{}/models.csv:{}", ctx.source, m.line)));
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE,
                            {make_stream(m.model, std::move(stage), p, m.batch, trace({0, 1, 2}))}, true));
  e.predict = [](const std::vector<SimResult>& r) {
    return std::vector<double>{mean_latency(r[0], 0) * 1e3};
  };
  return e;
}

// Two models in two processes (time-slicing), each with a backlog of requests: each one's throughput over
// the time both are running, relative to its throughput alone.
Experiment measured_model_pair(const MeasuredContext& ctx, const ModelPairRow& p, StageSpec a, StageSpec b,
                               bool held_out) {
  const Precision prec = precision_of(p.precision);
  const std::string base = fmt::format("{}model-pair/{}", ctx.prefix, p.pair);
  const std::string src = fmt::format("{}/model_pairs.csv:{}", ctx.source, p.line);
  Experiment e;
  e.cases.push_back(make_case(base + ": A together / alone", kPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.a_together_sps / p.a_alone_sps, held_out, src));
  e.cases.push_back(make_case(base + ": B together / alone", kPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.b_together_sps / p.b_alone_sps, held_out, src));
  // Enough requests for about half a simulated second of each alone.
  DeviceInstance d;
  d.spec = *ctx.spec;
  const Unit unit{0, "gpu0", "", 1.0, 1.0, ctx.spec->memory, ctx.spec->l2_cache};
  const auto backlog = [&](StageSpec st, int batch, const char* name) {
    StreamSpec s = make_stream(name, std::move(st), prec, batch, trace({0.0}));
    const double t = isolated_request_time(s, d, unit).value().v;
    const int n = std::clamp(static_cast<int>(std::ceil(0.5 / std::max(t, 1e-9))), 4, 400);
    s.arrival = trace(std::vector<double>(static_cast<std::size_t>(n), 0.0));
    return s;
  };
  const StreamSpec sa = backlog(std::move(a), p.batch_a, "a");
  const StreamSpec sb = backlog(std::move(b), p.batch_b, "b");
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {sa}, true));
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {sb}, true));
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {sa, sb}, true));
  e.predict = [](const std::vector<SimResult>& r) {
    const auto rate = [](const SimResult& s, std::uint32_t stream, double until) {
      int n = 0;
      for (const auto& q : s.requests) n += q.stream == stream && q.finish >= 0 && q.finish <= until + 1e-12;
      return n / until;
    };
    const double alone_a = rate(r[0], 0, last_finish(r[0], 0));
    const double alone_b = rate(r[1], 0, last_finish(r[1], 0));
    const double both = std::min(last_finish(r[2], 0), last_finish(r[2], 1));
    return std::vector<double>{rate(r[2], 0, both) / alone_a, rate(r[2], 1, both) / alone_b};
  };
  return e;
}

bool is_face_model(const std::string& m) { return m.rfind("fr_", 0) == 0; }

// Held-out rule for measured data (docs/validation.md): the BF16 GEMM, every second L2-sweep point, the
// compute+memory pairs, batch-32 model runs and model pairs involving a face model.
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
  int l2_index = 0;
  for (const auto& k : md.kernels) {
    const bool held = k.kernel == "gemm_bf16" || (k.kernel == "stream_l2" && l2_index++ % 2 == 1);
    out.push_back(measured_kernel(ctx, k, held));
  }
  for (const auto& p : md.pairs) out.push_back(measured_pair(ctx, p, p.pair == "compute+memory"));
  for (const auto& m : md.models) {
    if (m.status != "ok") {
      notes.push_back(fmt::format("skipped {}/models.csv:{} ({} b{}): status '{}'", md.dir, m.line, m.model,
                                  m.batch, m.status));
      continue;
    }
    std::string why;
    auto stage =
        model_stage(m.model, m.framework != "pytorch", precision_of(m.precision), options.models_dir, why);
    if (!stage) {
      notes.push_back(fmt::format("skipped {}/models.csv:{} ({}): {}", md.dir, m.line, m.model, why));
      continue;
    }
    out.push_back(measured_model(ctx, m, std::move(*stage), m.batch == 32));
  }
  for (const auto& p : md.model_pairs) {
    if (p.status != "ok") {
      notes.push_back(
          fmt::format("skipped {}/model_pairs.csv:{} ({}): status '{}'", md.dir, p.line, p.pair, p.status));
      continue;
    }
    std::string why;
    auto a = model_stage(p.model_a, p.framework_a != "pytorch", precision_of(p.precision), options.models_dir,
                         why);
    auto b = model_stage(p.model_b, p.framework_b != "pytorch", precision_of(p.precision), options.models_dir,
                         why);
    if (!a || !b) {
      notes.push_back(fmt::format("skipped {}/model_pairs.csv:{} ({}): {}", md.dir, p.line, p.pair, why));
      continue;
    }
    out.push_back(measured_model_pair(ctx, p, std::move(*a), std::move(*b),
                                      is_face_model(p.model_a) || is_face_model(p.model_b)));
  }
}

}  // namespace

std::optional<double> ValidationCase::error_pct() const {
  if (!predicted || measured == 0) return std::nullopt;
  return (*predicted - measured) / measured * 100.0;
}

std::string default_validation_dir() {
  const char* env = std::getenv("GPUSIM_VALIDATION");
  return env && *env ? std::string(env) : std::string(GPUSIM_VALIDATION_DIR);
}

ValidationReport validate_data(const PublishedData& published, const std::vector<MeasuredData>& measured,
                               const Catalog& catalog, const ValidateOptions& options) {
  ValidationReport report;
  report.calibration = "none";
  ValidateOptions opts = options;
  if (opts.models_dir.empty()) opts.models_dir = GPUSIM_FACE_MODELS_DIR;
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
    add_measured(md, catalog, opts, experiments, report.notes);
  }
  if (measured.empty())
    report.notes.push_back("measured: none (validation/measured/<gpu>/ holds no data yet)");

  std::vector<SimJob> jobs;
  for (const auto& e : experiments) {
    for (const auto& r : e.runs) jobs.push_back(SimJob{&r.sc, &r.plan, nullptr});
  }
  std::size_t cases = 0;
  for (const auto& e : experiments) cases += e.cases.size();
  logger("analysis")->info("validate: {} case(s), {} simulation(s)", cases, jobs.size());
  const std::vector<SimResult> results = simulate_all(jobs, opts.parallel);
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
  return report;
}

ValidationReport run_validation(const ValidateOptions& options) {
  const std::string dir = options.data_dir.empty() ? default_validation_dir() : options.data_dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ConfigError(fmt::format("{}: error: --data needs a directory", dir));
  const Catalog catalog =
      Catalog::load(options.catalog_dir.empty() ? Catalog::default_dir() : options.catalog_dir);
  PublishedData published;
  std::vector<MeasuredData> measured;
  const fs::path base(dir);
  if (fs::exists(base / "machine.json", ec)) {
    measured.push_back(read_measured(dir));  // one harness output directory
  } else if (fs::exists(base / "bandwidth.csv", ec) || fs::exists(base / "mlperf_resnet50.csv", ec)) {
    published = read_published(dir);  // a published/ directory itself
  } else {
    if (fs::is_directory(base / "published", ec)) published = read_published((base / "published").string());
    if (fs::is_directory(base / "measured", ec)) {
      std::vector<fs::path> gpus;
      for (const auto& e : fs::directory_iterator(base / "measured")) {
        if (e.is_directory() && fs::exists(e.path() / "machine.json", ec)) gpus.push_back(e.path());
      }
      std::sort(gpus.begin(), gpus.end());
      for (const auto& g : gpus) measured.push_back(read_measured(g.string()));
    }
  }
  ValidationReport r = validate_data(published, measured, catalog, options);
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
