// Reading the harness's output (machine.json and the CSVs documented in validation/harness/README.md).
// Strict: unknown columns, missing columns and malformed numbers are ConfigErrors naming FILE:LINE.

#include "studies/validation/measured.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/csv.hpp"
#include "core/errors.hpp"
#include "core/file_checks.hpp"
#include "core/yaml_reader.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kKernels{"fma_fp32", "gemm_fp16", "gemm_bf16", "stream_hbm", "stream_l2"};
const std::vector<std::string> kHarnessPrecisions{"fp32", "fp16", "bf16", "int8"};
// validation/harness/models.py: eager PyTorch, PyTorch replayed from a CUDA graph, onnxruntime's CUDA
// provider.
const std::vector<std::string> kHarnessFrameworks{"pytorch", "pytorch-graph", "onnxruntime"};

PairRow::Side read_side(const CsvFile& f, const CsvFile::Row& r, const std::string& p) {
  PairRow::Side s;
  s.kernel = f.one_of(r, p + "_kernel", kKernels);
  s.precision = f.one_of(r, p + "_precision", kHarnessPrecisions);
  s.flops = f.number(r, p + "_flops");
  s.bytes = f.number(r, p + "_bytes");
  s.working_set_bytes = f.number(r, p + "_working_set_bytes");
  s.launches = f.integer(r, p + "_launches");
  s.alone_s = f.positive(r, p + "_alone_s");
  s.together_s = f.positive(r, p + "_together_s");
  return s;
}

std::string json_string(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
double json_number(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

}  // namespace

MeasuredData read_measured(const std::string& dir) {
  MeasuredData d;
  d.dir = dir;
  const fs::path base(dir);
  const std::string machine = (base / "machine.json").string();
  refuse_unreadable_input(machine, kMaxDataFileBytes, "a data file");
  std::ifstream in(machine);
  if (!in) throw ConfigError(fmt::format("{}: error: cannot read file", machine));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ConfigError(fmt::format("{}: error: {}", machine, e.what()));
  }
  if (!j.is_object()) throw ConfigError(fmt::format("{}: error: expected a JSON object", machine));
  MachineInfo& m = d.machine;
  m.gpu_name = json_string(j, "gpu_name");
  if (m.gpu_name.empty()) throw ConfigError(fmt::format("{}: error: missing string \"gpu_name\"", machine));
  m.catalog = json_string(j, "catalog");
  m.driver = json_string(j, "driver");
  m.sm_count = static_cast<int>(json_number(j, "sm_count"));
  m.l2_bytes = json_number(j, "l2_bytes");
  m.memory_bytes = json_number(j, "memory_bytes");
  m.max_sm_clock_hz = json_number(j, "max_sm_clock_mhz") * 1e6;
  m.power_limit_w = json_number(j, "power_limit_w");
  m.taken = json_string(j, "taken");
  m.sample = j.contains("sample") && j["sample"].is_boolean() && j["sample"].get<bool>();

  std::error_code ec;
  const auto path = [&](const char* name) { return (base / name).string(); };
  if (fs::exists(path("harness-notes.yaml"), ec)) {
    const std::string notes = path("harness-notes.yaml");
    MapReader r(load_yaml_file(notes), notes, "harness notes");
    if (auto n = r.optional("onnx_torch_prelu")) {
      const std::string v = scalar_of(notes, *n, "onnx_torch_prelu");
      if (v != "one-kernel" && v != "three-kernels")
        throw error_at(notes, *n,
                       fmt::format("'onnx_torch_prelu' must be one-kernel or three-kernels (got '{}')", v));
      d.prelu_three_kernels = v == "three-kernels";
    }
    r.finish();
  }
  // kernels.csv and steady.csv have the same columns.
  const auto read_kernels = [&](const char* name, std::vector<KernelRow>& out) {
    if (!fs::exists(path(name), ec)) return;
    CsvFile f(path(name),
              {"kernel", "precision", "working_set_bytes", "flops_per_launch", "bytes_per_launch", "launches",
               "time_s"},
              {"tflops", "gbps"});
    for (const auto& r : f.rows()) {
      KernelRow k;
      k.kernel = f.one_of(r, "kernel", kKernels);
      k.precision = f.one_of(r, "precision", kHarnessPrecisions);
      k.working_set_bytes = f.number(r, "working_set_bytes");
      k.flops = f.number(r, "flops_per_launch");
      k.bytes = f.number(r, "bytes_per_launch");
      k.launches = f.integer(r, "launches");
      k.time_s = f.positive(r, "time_s");
      k.line = r.line;
      out.push_back(k);
    }
  };
  read_kernels("kernels.csv", d.kernels);
  read_kernels("steady.csv", d.steady);
  if (fs::exists(path("pairs.csv"), ec)) {
    std::vector<std::string> cols{"pair", "mode"};
    for (const char* side : {"a", "b"}) {
      for (const char* c : {"kernel", "precision", "flops", "bytes", "working_set_bytes", "launches",
                            "alone_s", "together_s"}) {
        cols.push_back(std::string(side) + "_" + c);
      }
    }
    cols.push_back("makespan_s");
    CsvFile f(path("pairs.csv"), cols);
    for (const auto& r : f.rows()) {
      PairRow p;
      p.pair = f.one_of(
          r, "pair",
          {"compute+compute", "compute+memory", "tensor+memory", "memory+memory", "l2fit", "l2overflow"});
      p.mode = f.one_of(r, "mode", {"processes", "streams"});
      p.a = read_side(f, r, "a");
      p.b = read_side(f, r, "b");
      p.makespan_s = f.positive(r, "makespan_s");
      p.line = r.line;
      d.pairs.push_back(p);
    }
  }
  if (fs::exists(path("models.csv"), ec)) {
    CsvFile f(path("models.csv"),
              {"model", "framework", "precision", "batch", "iterations", "latency_ms_mean", "latency_ms_p50",
               "latency_ms_p99", "throughput_sps", "status"});
    for (const auto& r : f.rows()) {
      ModelRow m2;
      m2.model = f.text(r, "model");
      m2.framework = f.one_of(r, "framework", kHarnessFrameworks);
      m2.precision = f.one_of(r, "precision", kHarnessPrecisions);
      m2.batch = f.integer(r, "batch");
      m2.status = f.text(r, "status");
      m2.line = r.line;
      if (m2.status == "ok") {
        m2.iterations = f.integer(r, "iterations");
        m2.latency_mean_s = f.positive(r, "latency_ms_mean") * 1e-3;
        m2.latency_p50_s = f.positive(r, "latency_ms_p50") * 1e-3;
        m2.latency_p99_s = f.positive(r, "latency_ms_p99") * 1e-3;
        m2.throughput_sps = f.positive(r, "throughput_sps");
      }
      d.models.push_back(m2);
    }
  }
  if (fs::exists(path("model_kernels.csv"), ec)) {
    CsvFile f(path("model_kernels.csv"),
              {"model", "framework", "precision", "batch", "passes", "kernels_per_pass", "busy_ms_per_pass",
               "span_ms_per_pass", "status"});
    for (const auto& r : f.rows()) {
      ModelKernelsRow k;
      k.model = f.text(r, "model");
      k.framework = f.one_of(r, "framework", kHarnessFrameworks);
      k.precision = f.one_of(r, "precision", kHarnessPrecisions);
      k.batch = f.integer(r, "batch");
      k.status = f.text(r, "status");
      k.line = r.line;
      if (k.status == "ok") {
        k.passes = f.integer(r, "passes");
        k.kernels_per_pass = f.integer(r, "kernels_per_pass");
        k.busy_s = f.positive(r, "busy_ms_per_pass") * 1e-3;
        k.span_s = f.positive(r, "span_ms_per_pass") * 1e-3;
      }
      d.model_kernels.push_back(k);
    }
  }
  if (fs::exists(path("model_pairs.csv"), ec)) {
    CsvFile f(path("model_pairs.csv"),
              {"pair", "model_a", "framework_a", "batch_a", "model_b", "framework_b", "batch_b", "precision",
               "a_alone_sps", "b_alone_sps", "a_together_sps", "b_together_sps", "status"});
    for (const auto& r : f.rows()) {
      ModelPairRow p;
      p.pair = f.text(r, "pair");
      p.model_a = f.text(r, "model_a");
      p.framework_a = f.one_of(r, "framework_a", kHarnessFrameworks);
      p.batch_a = f.integer(r, "batch_a");
      p.model_b = f.text(r, "model_b");
      p.framework_b = f.one_of(r, "framework_b", kHarnessFrameworks);
      p.batch_b = f.integer(r, "batch_b");
      p.precision = f.one_of(r, "precision", kHarnessPrecisions);
      p.status = f.text(r, "status");
      p.line = r.line;
      if (p.status == "ok") {
        p.a_alone_sps = f.positive(r, "a_alone_sps");
        p.b_alone_sps = f.positive(r, "b_alone_sps");
        p.a_together_sps = f.positive(r, "a_together_sps");
        p.b_together_sps = f.positive(r, "b_together_sps");
      }
      d.model_pairs.push_back(p);
    }
  }
  if (fs::exists(path("power.csv"), ec)) {
    CsvFile f(path("power.csv"), {"phase", "t_s", "power_W", "sm_clock_MHz", "mem_clock_MHz", "gpu_util_pct",
                                  "mem_util_pct", "temperature_C"});
    for (const auto& r : f.rows()) {
      PowerRow p;
      p.phase = f.text(r, "phase");
      p.t_s = f.number(r, "t_s");
      p.power_w = f.number(r, "power_W");
      p.sm_clock_hz = f.number(r, "sm_clock_MHz") * 1e6;
      p.mem_clock_hz = f.number(r, "mem_clock_MHz") * 1e6;
      p.gpu_util = f.number(r, "gpu_util_pct") / 100.0;
      p.mem_util = f.number(r, "mem_util_pct") / 100.0;
      p.temperature_c = f.number(r, "temperature_C");
      d.power.push_back(p);
    }
  }
  return d;
}

std::optional<SteadyPower> steady_power(const std::vector<PowerRow>& rows, const std::string& phase) {
  std::vector<double> power, clock;
  for (const auto& r : rows) {
    if (r.phase != phase || r.gpu_util < 0.995) continue;
    power.push_back(r.power_w);
    clock.push_back(r.sm_clock_hz);
  }
  if (power.size() < 3) return std::nullopt;
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  return SteadyPower{median(power), median(clock), static_cast<int>(power.size())};
}

std::vector<PhaseSummary> summarise_power(const std::vector<PowerRow>& rows) {
  std::vector<PhaseSummary> out;
  std::map<std::string, std::size_t> index;
  for (const auto& r : rows) {
    auto [it, fresh] = index.try_emplace(r.phase, out.size());
    if (fresh) out.push_back(PhaseSummary{r.phase, 0, 0, 0, r.sm_clock_hz});
    PhaseSummary& s = out[it->second];
    ++s.samples;
    s.mean_power_w += r.power_w;
    s.mean_sm_clock_hz += r.sm_clock_hz;
    s.min_sm_clock_hz = std::min(s.min_sm_clock_hz, r.sm_clock_hz);
  }
  for (auto& s : out) {
    s.mean_power_w /= s.samples;
    s.mean_sm_clock_hz /= s.samples;
  }
  return out;
}

std::string catalog_name_for(const MachineInfo& m, const Catalog& catalog) {
  std::string name = m.catalog;
  if (name.empty()) {
    std::string g = m.gpu_name;
    std::transform(g.begin(), g.end(), g.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto has = [&](const char* s) { return g.find(s) != std::string::npos; };
    const auto word = [&](const char* w) {
      return std::regex_search(g, std::regex(std::string("\\b") + w + "\\b"));
    };
    if (has("h200")) {
      name = "H200";
    } else if (has("h100") && has("pcie")) {
      name = "H100-PCIe";
    } else if (has("h100") && (has("hbm3") || has("sxm"))) {
      name = "H100-SXM";
    } else if (has("a100") && has("pcie") && has("40gb")) {
      name = "A100-PCIe-40GB";
    } else if (has("a100") && has("sxm") && has("80gb")) {
      name = "A100-SXM4-80GB";
    } else if (word("l4")) {
      name = "L4";
    } else if (word("t4")) {
      name = "T4";
    } else if (word("a10")) {
      name = "A10";
    }
  }
  if (name.empty() || !catalog.find(name)) {
    throw ConfigError(
        fmt::format("machine.json: error: GPU '{}' matches no catalog entry; add \"catalog\": NAME "
                    "(known: {})",
                    m.gpu_name, catalog.names()));
  }
  return name;
}

}  // namespace gpusim
