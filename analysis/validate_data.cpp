// Reading validation data: the published figures (validation/published/*.csv) and the harness's output
// (machine.json and the CSVs documented in validation/harness/README.md). Strict: unknown files and
// columns, missing columns and malformed numbers are ConfigErrors naming FILE:LINE.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "analysis/validate.hpp"
#include "core/errors.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

// Splits one CSV line: fields separated by commas, optionally double-quoted ("" is a quote inside).
std::vector<std::string> split_csv(const std::string& line, const std::string& where) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw ConfigError(fmt::format("{}: error: unterminated quoted field", where));
  out.push_back(field);
  return out;
}

// One CSV file: a header naming the columns, then rows; blank lines and '#' comments are skipped.
class CsvFile {
 public:
  struct Row {
    int line = 0;
    std::vector<std::string> fields;
  };

  CsvFile(const std::string& path, const std::vector<std::string>& required,
          const std::vector<std::string>& optional = {})
      : path_(path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(fmt::format("{}: error: cannot read file", path));
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      const auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      auto fields = split_csv(line, fmt::format("{}:{}", path, n));
      if (header_.empty()) {
        header_ = fields;
        header_line_ = n;
        continue;
      }
      if (fields.size() != header_.size()) {
        throw ConfigError(fmt::format("{}:{}: error: {} fields, the header has {}", path, n, fields.size(),
                                      header_.size()));
      }
      rows_.push_back(Row{n, std::move(fields)});
    }
    if (header_.empty()) throw ConfigError(fmt::format("{}: error: no header line", path));
    std::set<std::string> known(required.begin(), required.end());
    known.insert(optional.begin(), optional.end());
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (!known.count(header_[i])) {
        std::string list;
        for (const auto& k : required) list += (list.empty() ? "" : ", ") + k;
        for (const auto& k : optional) list += (list.empty() ? "" : ", ") + k;
        throw ConfigError(fmt::format("{}:{}: error: unknown column '{}' (known: {})", path, header_line_,
                                      header_[i], list));
      }
      if (!column_.emplace(header_[i], i).second) {
        throw ConfigError(fmt::format("{}:{}: error: duplicate column '{}'", path, header_line_, header_[i]));
      }
    }
    for (const auto& r : required) {
      if (!column_.count(r)) {
        throw ConfigError(fmt::format("{}:{}: error: missing column '{}'", path, header_line_, r));
      }
    }
  }

  const std::vector<Row>& rows() const { return rows_; }
  bool has(const std::string& col) const { return column_.count(col) > 0; }

  const std::string& text(const Row& r, const std::string& col) const { return r.fields[column_.at(col)]; }

  double number(const Row& r, const std::string& col) const {
    const std::string& s = text(r, col);
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (s.empty() || used != s.size() || !std::isfinite(v)) {
      throw ConfigError(
          fmt::format("{}:{}: error: column '{}': '{}' is not a number", path_, r.line, col, s));
    }
    return v;
  }

  double positive(const Row& r, const std::string& col) const {
    const double v = number(r, col);
    if (v <= 0) {
      throw ConfigError(fmt::format("{}:{}: error: column '{}': {} must be positive", path_, r.line, col, v));
    }
    return v;
  }

  int integer(const Row& r, const std::string& col) const {
    const double v = positive(r, col);
    if (v != std::floor(v) || v > 1e9) {
      throw ConfigError(
          fmt::format("{}:{}: error: column '{}': {} must be a whole number", path_, r.line, col, v));
    }
    return static_cast<int>(v);
  }

  bool flag(const Row& r, const std::string& col) const {
    const std::string& s = text(r, col);
    if (s == "0" || s == "1") return s == "1";
    throw ConfigError(fmt::format("{}:{}: error: column '{}': '{}' must be 0 or 1", path_, r.line, col, s));
  }

  std::string one_of(const Row& r, const std::string& col, const std::vector<std::string>& allowed) const {
    const std::string& s = text(r, col);
    if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw ConfigError(fmt::format("{}:{}: error: column '{}': unknown value '{}' (known: {})", path_, r.line,
                                  col, s, list));
  }

 private:
  std::string path_;
  std::vector<std::string> header_;
  int header_line_ = 0;
  std::map<std::string, std::size_t> column_;
  std::vector<Row> rows_;
};

const std::vector<std::string> kKernels{"fma_fp32", "gemm_fp16", "gemm_bf16", "stream_hbm", "stream_l2"};
const std::vector<std::string> kHarnessPrecisions{"fp32", "fp16", "bf16", "int8"};

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

PublishedData read_published(const std::string& dir) {
  PublishedData d;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ConfigError(fmt::format("{}: error: not a directory", dir));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    const std::string path = p.string();
    const std::string stem = p.filename().string();
    if (stem == "bandwidth.csv") {
      CsvFile f(path,
                {"case", "device", "kernel", "working_set_MiB", "bandwidth_GBps", "held_out", "source"});
      for (const auto& r : f.rows()) {
        PublishedBandwidth b;
        b.name = f.text(r, "case");
        b.device = f.text(r, "device");
        b.kernel = f.one_of(r, "kernel", {"triad", "read"});
        b.working_set_bytes = f.positive(r, "working_set_MiB") * 1024.0 * 1024.0;
        b.bandwidth_Bps = f.positive(r, "bandwidth_GBps") * 1e9;
        b.held_out = f.flag(r, "held_out");
        b.source = f.text(r, "source");
        d.bandwidth.push_back(b);
      }
    } else if (stem == "mlperf_resnet50.csv") {
      CsvFile f(path, {"case", "device", "scenario", "batch", "precision", "measured", "unit", "round",
                       "submitter", "system", "held_out", "source"});
      for (const auto& r : f.rows()) {
        PublishedMlperf m;
        m.name = f.text(r, "case");
        m.device = f.text(r, "device");
        m.scenario = f.one_of(r, "scenario", {"Offline", "SingleStream"});
        m.batch = f.integer(r, "batch");
        m.precision = f.one_of(r, "precision", {"int8", "fp16"});
        const std::string unit = f.one_of(r, "unit", {m.scenario == "Offline" ? "samples/s" : "ms"});
        m.value = f.positive(r, "measured") * (unit == "ms" ? 1e-3 : 1.0);
        m.held_out = f.flag(r, "held_out");
        m.source = f.text(r, "source");
        d.mlperf.push_back(m);
      }
    } else {
      throw ConfigError(
          fmt::format("{}: error: unknown published data file (known: bandwidth.csv, "
                      "mlperf_resnet50.csv)",
                      path));
    }
  }
  return d;
}

MeasuredData read_measured(const std::string& dir) {
  MeasuredData d;
  d.dir = dir;
  const fs::path base(dir);
  const std::string machine = (base / "machine.json").string();
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
  if (fs::exists(path("kernels.csv"), ec)) {
    CsvFile f(path("kernels.csv"),
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
      d.kernels.push_back(k);
    }
  }
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
      m2.framework = f.one_of(r, "framework", {"pytorch", "onnxruntime"});
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
  if (fs::exists(path("model_pairs.csv"), ec)) {
    CsvFile f(path("model_pairs.csv"),
              {"pair", "model_a", "framework_a", "batch_a", "model_b", "framework_b", "batch_b", "precision",
               "a_alone_sps", "b_alone_sps", "a_together_sps", "b_together_sps", "status"});
    for (const auto& r : f.rows()) {
      ModelPairRow p;
      p.pair = f.text(r, "pair");
      p.model_a = f.text(r, "model_a");
      p.framework_a = f.one_of(r, "framework_a", {"pytorch", "onnxruntime"});
      p.batch_a = f.integer(r, "batch_a");
      p.model_b = f.text(r, "model_b");
      p.framework_b = f.one_of(r, "framework_b", {"pytorch", "onnxruntime"});
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
