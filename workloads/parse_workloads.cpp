#include "workloads/parse_workloads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/yaml_reader.hpp"

namespace gpusim {

Flops StreamSpec::request_flops() const {
  Flops total;
  for (const auto& k : kernels) total += k.flops;
  return total;
}

Bytes StreamSpec::request_bytes() const {
  Bytes total;
  for (const auto& k : kernels) total += k.bytes;
  return total;
}

namespace {

// Trace file: one arrival time per line, with its unit ("0.5s", "33ms"); '#' starts a comment.
std::vector<Seconds> read_trace(const std::string& path, const SourceLoc& ref) {
  std::ifstream in(path);
  if (!in) throw ref.error(fmt::format("cannot open trace file '{}'", path));
  std::vector<Seconds> out;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    const std::string text = line.substr(first, last - first + 1);
    double t = 0;
    try {
      t = parse_quantity(text, Dimension::SECONDS);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(fmt::format("{}:{}:{}: error: {}", path, line_no, first + 1, e.what()));
    }
    if (t < 0) throw ConfigError(fmt::format("{}:{}:{}: error: arrival time must not be negative", path, line_no, first + 1));
    if (!out.empty() && t < out.back().v) {
      throw ConfigError(fmt::format("{}:{}:{}: error: arrival times must not decrease", path, line_no, first + 1));
    }
    out.push_back(Seconds{t});
  }
  if (out.empty()) throw ref.error(fmt::format("trace file '{}' holds no arrival", path));
  return out;
}

ArrivalSpec parse_arrival(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "arrival");
  ArrivalSpec a;
  const YAML::Node kind_node = m.required("kind");
  const std::string kind = scalar_of(file, kind_node, "kind");
  if (kind == "periodic" || kind == "poisson") {
    a.kind = kind == "periodic" ? ArrivalKind::PERIODIC : ArrivalKind::POISSON;
    a.rate = PerSecond{m.required_positive("rate", Dimension::PER_SECOND)};
  } else if (kind == "trace") {
    a.kind = ArrivalKind::TRACE;
    const YAML::Node f = m.required("file");
    a.trace_file = scalar_of(file, f, "file");
    std::filesystem::path p(a.trace_file);
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    a.trace_file = p.lexically_normal().string();
    a.trace = read_trace(a.trace_file, loc_of(file, f));
  } else {
    throw error_at(file, kind_node, fmt::format("unknown arrival kind '{}' (known: periodic, poisson, trace)", kind));
  }
  m.finish();
  return a;
}

// Explicit descriptor, per sample at batch 1: `flops`, `bytes` (traffic, weights included), `weights`
// (or `params`), `activations`, `kernels`. For a batch b: flops x b, traffic = weights + (bytes -
// weights) x b (weights are read once per request), activation memory x b.
void parse_explicit_model(const std::string& file, const YAML::Node& node, StreamSpec& s) {
  MapReader m(node, file, fmt::format("model of workload '{}'", s.name));
  const double flops = m.required_positive("flops", Dimension::FLOPS);
  const YAML::Node bytes_node = m.required("bytes");
  const double bytes = quantity_of(file, bytes_node, Dimension::BYTES, "bytes");
  if (!(bytes > 0)) throw error_at(file, bytes_node, "'bytes' must be greater than zero");
  double weights = m.quantity_or("weights", Dimension::BYTES, -1.0);
  s.params = m.number_or("params", 0, 1e15, 0.0);
  if (weights < 0) weights = s.params * bytes_per_element(s.precision);
  if (weights > bytes) {
    throw error_at(file, bytes_node, fmt::format("'bytes' ({} B) must include the weights ({} B), which are read "
                                                 "at least once per request", bytes, weights));
  }
  if (s.params == 0) s.params = weights / bytes_per_element(s.precision);
  const double activations = m.quantity_or("activations", Dimension::BYTES, 0.0);
  if (activations < 0) throw error_at(file, m.required("activations"), "'activations' must not be negative");
  const int kernels = static_cast<int>(m.int_or("kernels", 1, 1));
  m.finish();
  const double b = s.batch;
  const double req_flops = flops * b;
  const double req_bytes = weights + (bytes - weights) * b;
  s.kernels.assign(kernels, KernelSpec{Flops{req_flops / kernels}, Bytes{req_bytes / kernels}, Bytes{req_bytes / kernels}});
  s.weight_bytes = Bytes{weights};
  s.activation_bytes = Bytes{activations * b};
  s.model = "explicit";
}

StreamSpec parse_stream(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "workload");
  StreamSpec s;
  s.loc = loc_of(file, node);
  s.name = m.required_string("name");
  s.count = static_cast<int>(m.int_or("count", 1, 1));
  s.batch = static_cast<int>(m.int_or("batch", 1, 1));
  s.precision_loc = s.loc;
  if (auto p = m.optional("precision")) {
    const std::string text = scalar_of(file, *p, "precision");
    auto prec = parse_precision(text);
    if (!prec) throw error_at(file, *p, fmt::format("unknown precision '{}' (known: fp64, fp32, tf32, fp16, bf16, int8, int4)", text));
    s.precision = *prec;
    s.precision_loc = loc_of(file, *p);
  }
  s.priority = static_cast<int>(m.int_or("priority", -1000000, 0));
  if (auto sla = m.optional("sla")) {
    const double v = quantity_of(file, *sla, Dimension::SECONDS, "sla");
    if (!(v > 0)) throw error_at(file, *sla, "'sla' must be greater than zero");
    s.sla = Seconds{v};
  }
  s.arrival = parse_arrival(file, m.required("arrival"));
  parse_explicit_model(file, m.required("model"), s);
  m.finish();
  return s;
}

RunSpec parse_run(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "run");
  RunSpec r;
  r.duration = Seconds{m.required_positive("duration", Dimension::SECONDS)};
  if (auto w = m.optional("warmup")) {
    r.warmup = Seconds{quantity_of(file, *w, Dimension::SECONDS, "warmup")};
    if (r.warmup.v < 0 || r.warmup >= r.duration) {
      throw error_at(file, *w, "'warmup' must be at least 0s and shorter than 'duration'");
    }
  }
  if (auto d = m.optional("drain")) {
    r.drain = Seconds{quantity_of(file, *d, Dimension::SECONDS, "drain")};
    if (r.drain.v < 0) throw error_at(file, *d, "'drain' must not be negative");
  }
  r.seed = static_cast<std::uint64_t>(m.int_or("seed", 0, 1));
  r.scheduler_loc = loc_of(file, node);
  if (auto s = m.optional("scheduler")) {
    r.scheduler = scalar_of(file, *s, "scheduler");
    r.scheduler_loc = loc_of(file, *s);
  }
  if (auto p = m.optional("scheduler_params")) {
    MapReader pm(*p, file, "scheduler_params");
    for (const auto& kv : *p) {
      const std::string key = kv.first.as<std::string>();
      pm.optional(key);
      r.scheduler_params.set(key, scalar_of(file, kv.second, key), loc_of(file, kv.second).str());
    }
    pm.finish();
  }
  m.finish();
  return r;
}

}  // namespace

WorkloadSpec parse_workloads(const std::string& path) {
  YAML::Node root = load_yaml_file(path);
  MapReader top(root, path, "workloads file");
  WorkloadSpec out;
  out.file = path;
  out.run = parse_run(path, top.required("run"));
  YAML::Node list = top.required("workloads");
  require_sequence(path, list, "workloads");
  if (list.size() == 0) throw error_at(path, list, "'workloads' must list at least one workload");
  std::set<std::string> names;
  for (const auto& item : list) {
    StreamSpec s = parse_stream(path, item);
    if (!names.insert(s.name).second) {
      throw s.loc.error(fmt::format("duplicate workload name '{}'", s.name));
    }
    out.streams.push_back(std::move(s));
  }
  top.finish();
  return out;
}

}  // namespace gpusim
