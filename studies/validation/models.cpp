// Models: measured models alone (models.csv) and published MLPerf Inference ResNet-50 results.
//
// torchvision's ResNet-50 and MobileNetV2 come from the model zoo (zoo:resnet50, zoo:mobilenet_v2, checked
// against the published MAC and parameter counts), the face models from their ONNX files. As TensorRT and
// onnxruntime run them, layers are fused by gpusim's rule (stage_from_cost: BatchNorm, activations and
// element-wise epilogues join their producer); as PyTorch eager runs them, every layer is its own kernel.

#include "studies/validation/models.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/errors.hpp"
#include "workloads/model/zoo.hpp"
#include "workloads/model_source.hpp"

namespace gpusim::validation {
namespace {

namespace fs = std::filesystem;

// One kernel per layer (views launch nothing): weights read once per invocation, activations per sample.
StageSpec layer_stage(const ModelCost& m, const std::string& label) {
  StageSpec st;
  st.name = label;
  st.model = label;
  st.weight_bytes = m.weight_bytes;
  st.activation_bytes = m.peak_activation_bytes + m.io_bytes;
  st.params = m.total_params();
  st.l2_weights = true;
  std::vector<long> owner(m.layers.size(), -1);  // the kernel of each layer
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const LayerCost& l = m.layers[i];
    if (l.is_view || (l.flops == 0 && l.total_bytes().v == 0)) continue;
    const Bytes fixed = std::min(l.weight_bytes, l.bytes_read);
    const Bytes activations = l.total_bytes() - fixed;
    KernelSpec k;
    k.flops = Flops{l.flops};
    k.bytes = activations;
    k.weight_bytes = fixed;
    k.working_set = activations + fixed;
    k.shape = l.kernel;
    st.kernels.push_back(k);
    owner[i] = static_cast<long>(st.kernels.size()) - 1;
  }
  chain_kernels(m, std::move(owner), st.kernels);
  return st;
}

}  // namespace

ModelCost prelu_as_three_kernels(const ModelCost& m) {
  ModelCost out = m;
  out.layers.clear();
  std::vector<std::size_t> moved(m.layers.size());  // new index of each old layer (its output's writer)
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    LayerCost l = m.layers[i];
    for (auto& in : l.inputs) in = moved[in];
    const double elements = l.kernel.elements;
    if (l.op != "PRelu" || elements <= 0) {
      moved[i] = out.layers.size();
      out.layers.push_back(std::move(l));
      continue;
    }
    // x > 0 (a byte per element), w * x, where(mask, x, w * x): each an element-wise kernel of its own.
    const Bytes x = l.bytes_written;
    const Bytes mask{elements};
    LayerCost gt = l, mul = l, where = l;
    gt.name = l.name + ".gt", mul.name = l.name + ".mul", where.name = l.name + ".where";
    gt.params = where.params = 0;
    gt.weight_bytes = where.weight_bytes = Bytes{0.0};
    gt.flops = mul.flops = where.flops = elements;
    gt.bytes_read = x;
    gt.bytes_written = mask;
    mul.bytes_read = x + l.weight_bytes;
    mul.bytes_written = x;
    where.bytes_read = mask + x + x;
    where.bytes_written = x;
    where.inputs.push_back(out.layers.size());      // the mask
    where.inputs.push_back(out.layers.size() + 1);  // w * x
    for (LayerCost* k : {&gt, &mul, &where}) {
      k->working_set = k->bytes_read + k->bytes_written;
      out.layers.push_back(*k);
    }
    moved[i] = out.layers.size() - 1;
  }
  return out;
}

std::optional<StageSpec> model_stage(const std::string& model, bool fused, Precision p,
                                     const std::string& models_dir, std::string& why,
                                     bool prelu_three_kernels) {
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
    ModelCost cost = load_model_cost(ref, "", p, 1);
    if (prelu_three_kernels && !fused) cost = prelu_as_three_kernels(cost);
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

// ResNet-50 as TensorRT runs it (fused, INT8). Offline: as many batches queued at once as fill MLPerf's
// minimum duration (600 s), so the power and thermal controllers settle as on the real run; prediction =
// samples per second of the whole, against the system's figure over its GPUs (a multi-GPU system's GPUs run
// independently in Offline). The harness overlaps host copies with compute: none are simulated.
// SingleStream (MultiStream): one query of `batch` images (1; 8) at a time, the int8 input crossing PCIe
// first; prediction = mean latency. A row with a MIG profile runs on one instance of it; one with a power
// limit (MaxQ) on a device capped at it.
Experiment published_mlperf(const PublishedMlperf& m, const DeviceSpec& spec) {
  if (!m.mig.empty()) {
    const std::string why = check_mig_partition(spec, {m.mig});
    if (!why.empty()) throw ConfigError(fmt::format("error: published case {}: {}", m.name, why));
  }
  const Precision p = precision_of(m.precision);
  const ModelCost cost = load_model_cost("zoo:resnet50", "", p, 1);
  StageSpec st = stage_from_cost(cost, "zoo:resnet50");
  st.name = "resnet50";
  const bool offline = m.scenario == "Offline";
  ValidationCase c = make_case(m.name, kModels, "published", spec.name, offline ? "samples/s" : "ms",
                               offline ? m.value / m.gpus : m.value * 1e3, m.held_out, m.source);
  c.note = "zoo:resnet50, fused kernels, " + m.precision;
  if (!m.mig.empty()) c.note += ", one MIG " + m.mig + " instance";
  if (m.power_limit_w > 0) c.note += fmt::format(", power limit {:g} W", m.power_limit_w);
  if (m.gpus > 1) c.note += fmt::format(", the system's figure / {} GPUs", m.gpus);
  if (offline) {
    c.groups.push_back(m.power_limit_w > 0 ? kMlperfOfflineCapped : kMlperfOffline);
  } else if (m.batch == 1 || m.batch >= 8) {
    c.groups.push_back(m.batch == 1 ? kBatch1Latency : kBatch8Latency);
  }
  Experiment e;
  e.cases.push_back(std::move(c));
  if (offline) {
    st.input_bytes = Bytes{0.0};
    st.output_bytes = Bytes{0.0};
    constexpr double kMinDuration = 600.0;
    Run run = make_run(spec, {make_stream("resnet50", std::move(st), p, m.batch, trace({0.0}))}, true, m.mig,
                       m.power_limit_w);
    StreamSpec& s = run.sc.workloads.streams[0];
    const double t = isolated_request_time(s, run.sc.platform.devices[0], run.plan.units()[0]).value().v;
    const int batches = std::clamp(static_cast<int>(std::ceil(kMinDuration / std::max(t, 1e-9))), 1, 1000000);
    s.arrival = trace(std::vector<double>(static_cast<std::size_t>(batches), 0.0));
    e.runs.push_back(std::move(run));
    const double samples = static_cast<double>(batches) * m.batch;
    e.predict = [samples](const std::vector<SimResult>& r) {
      return std::vector<double>{samples / last_finish(r[0], 0)};
    };
  } else {
    e.runs.push_back(
        make_run(spec, {make_stream("resnet50", std::move(st), p, m.batch, trace({0.0, 0.05, 0.1, 0.15}))},
                 true, m.mig, m.power_limit_w));
    e.predict = [](const std::vector<SimResult>& r) {
      return std::vector<double>{mean_latency(r[0], 0) * 1e3};
    };
  }
  return e;
}

// Latency of one batch alone; three batches spaced a second apart so none waits for another.
Experiment measured_model(const MeasuredContext& ctx, const ModelRow& m, StageSpec stage, bool held_out) {
  const Precision p = precision_of(m.precision);
  Experiment e;
  e.cases.push_back(make_case(fmt::format("{}model/{}/{}/b{}", ctx.prefix, m.framework, m.model, m.batch),
                              eager_framework(m.framework) ? kEagerHostBound : kModels, ctx.origin,
                              ctx.spec->name, "ms", m.latency_mean_s * 1e3, held_out,
                              fmt::format("{}/models.csv:{}", ctx.source, m.line)));
  // A device-bound model's latency counts in the batch views; an eager one's is the host's (kEagerHostBound).
  if (!eager_framework(m.framework) && (m.batch == 1 || m.batch >= 8))
    e.cases.back().groups.push_back(m.batch == 1 ? kBatch1Latency : kBatch8Latency);
  StreamSpec s = make_stream(m.model, std::move(stage), p, m.batch, trace({0, 1, 2}));
  if (eager_framework(m.framework)) s.host_launch = eager_host_launch(*ctx.spec);
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {std::move(s)}, true));
  e.predict = [](const std::vector<SimResult>& r) {
    return std::vector<double>{mean_latency(r[0], 0) * 1e3};
  };
  return e;
}

// One batch alone, as measured_model runs it, with the launch gaps off (the busy time) and, for a graph
// replay whose kernels left gaps, on: the difference over the stage's kernels is the simulated gap per
// kernel.
Experiment measured_model_gpu_time(const MeasuredContext& ctx, const ModelKernelsRow& k, StageSpec stage,
                                   bool held_out) {
  const Precision p = precision_of(k.precision);
  const std::string name = fmt::format("{}model/{}/{}/b{}", ctx.prefix, k.framework, k.model, k.batch);
  const std::string source = fmt::format("{}/model_kernels.csv:{}", ctx.source, k.line);
  const double kernels = static_cast<double>(stage.kernels.size());
  Experiment e;
  e.cases.push_back(make_case(name + ": GPU busy time", kModelGpuTime, ctx.origin, ctx.spec->name, "ms",
                              k.busy_s * 1e3, held_out, source));
  e.cases.back().note = fmt::format("{} GPU activities measured, {} kernels simulated", k.kernels_per_pass,
                                    stage.kernels.size());
  const bool gap = k.framework == "pytorch-graph" && k.kernels_per_pass > 1 && k.span_s > k.busy_s;
  if (gap) {
    e.cases.push_back(make_case(name + ": gap per kernel", kLaunchGap, ctx.origin, ctx.spec->name, "us",
                                (k.span_s - k.busy_s) / (k.kernels_per_pass - 1) * 1e6, held_out, source));
  }
  for (bool launch_overhead : {false, true}) {
    if (launch_overhead && !gap) break;
    e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE,
                              {make_stream(k.model, stage, p, k.batch, trace({0, 1, 2}))}, launch_overhead));
  }
  e.predict = [kernels](const std::vector<SimResult>& r) {
    std::vector<double> out{mean_latency(r[0], 0) * 1e3};
    if (r.size() > 1) out.push_back((mean_latency(r[1], 0) - mean_latency(r[0], 0)) / kernels * 1e6);
    return out;
  };
  return e;
}

}  // namespace gpusim::validation
