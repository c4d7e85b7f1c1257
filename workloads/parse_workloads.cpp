#include "workloads/parse_workloads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "core/file_checks.hpp"
#include "core/schema.hpp"
#include "core/yaml_reader.hpp"
#include "workloads/model_source.hpp"
#include "workloads/workloads_schema.hpp"

namespace gpusim {

namespace {

// The workloads.yaml field at `path` (its range and default).
const FieldSpec& workloads_field(std::string_view path) { return workloads_schema().at(path); }

// Reads the optional quantity under `path`'s key (range-checked), or returns `fallback`.
template <class Q>
Q optional_in(const std::string& file, MapReader& m, std::string_view path, Q fallback) {
  const FieldSpec& f = workloads_field(path);
  auto n = m.optional(f.key());
  if (!n) return fallback;
  const Q q = quantity_of<Q>(file, *n, f.key());
  check_range(file, *n, f, q.v);
  return q;
}

// Trace file: one arrival time per line, with its unit ("0.5s", "33ms"); '#' starts a comment.
std::vector<Seconds> read_trace(const std::string& path, const SourceLoc& ref) {
  // Looked at before it is opened: a FIFO would block, /dev/zero would never end.
  const InputFileCheck check = check_input_file(path, kMaxTraceFileBytes, "a trace file");
  if (check.problem == InputFileProblem::NOT_REGULAR) {
    throw ref.error(fmt::format("cannot open trace file '{}': {}", path, check.why));
  }
  if (check.problem == InputFileProblem::TOO_LARGE) {
    throw ref.error(fmt::format("trace file '{}' is too large: {}", path, check.why));
  }
  std::optional<std::string> text;
  if (check.problem == InputFileProblem::NONE) text = read_bounded(path, kMaxTraceFileBytes);
  if (!text) throw ref.error(fmt::format("cannot open trace file '{}'", path));
  if (text->size() > kMaxTraceFileBytes) {
    throw ref.error(fmt::format("trace file '{}' is too large: more than the {} limit for a trace file", path,
                                binary_size(kMaxTraceFileBytes)));
  }
  normalize_line_ends(*text);
  std::istringstream in(*text);
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
    Seconds t;
    try {
      t = parse_quantity_as<Seconds>(text);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(fmt::format("{}:{}:{}: error: {}", path, line_no, first + 1, e.what()));
    }
    if (t.v < 0) {
      throw ConfigError(
          fmt::format("{}:{}:{}: error: arrival time must not be negative", path, line_no, first + 1));
    }
    if (!out.empty() && t < out.back()) {
      throw ConfigError(fmt::format("{}:{}:{}: error: arrival times must not decrease", path, line_no, first + 1));
    }
    out.push_back(t);
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
    a.rate = get_in<PerSecond>(m, workloads_field("workloads[].arrival.rate"));
    if (const auto n = m.optional("phase")) {
      if (a.kind != ArrivalKind::PERIODIC) {
        throw error_at(file, *n, "'phase' applies to periodic arrivals only (Poisson ones have none)");
      }
      const bool word = n->IsScalar() && !n->Scalar().empty() &&
                        std::none_of(n->Scalar().begin(), n->Scalar().end(), [](unsigned char ch) { return std::isdigit(ch); });
      if (n->IsScalar() && n->Scalar() == "spread") {
        a.spread = true;
      } else if (word) {
        throw error_at(file, *n,
                       fmt::format("'phase' is a duration below the period (such as 10ms) or 'spread'; got '{}'",
                                   n->Scalar()));
      } else {
        const Seconds phase = quantity_of<Seconds>(file, *n, "phase");
        check_range(file, *n, workloads_field("workloads[].arrival.phase"), phase.v);
        if (!(phase.v < 1.0 / a.rate.v)) {
          throw error_at(file, *n, fmt::format("'phase' ({}) must be below the period, 1 / rate = {}",
                                               format_si(phase.v, "s", 6), format_si(1.0 / a.rate.v, "s", 6)));
        }
        a.phase = phase;
      }
    }
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
// (or `params`), `activations`, `kernels`, and optionally each kernel's grid (`blocks` per sample,
// `blocks_per_sm`; without them a kernel fills the device). The work is split evenly over the kernels;
// weights are read once per invocation, so at batch b a request moves weights + (bytes - weights) x b bytes.
StageSpec parse_explicit_model(const std::string& file, const YAML::Node& node, const std::string& owner,
                               Precision precision) {
  MapReader m(node, file, fmt::format("model of '{}'", owner));
  StageSpec st;
  const double flops = get_in<Flops>(m, workloads_field("workloads[].model.flops")).v;
  const YAML::Node bytes_node = m.required("bytes");
  const double bytes = quantity_of<Bytes>(file, bytes_node, "bytes").v;
  if (!(bytes > 0)) throw error_at(file, bytes_node, "'bytes' must be greater than zero");
  check_range(file, bytes_node, workloads_field("workloads[].model.bytes"), bytes);
  // Absent weights (-1) come from params.
  double weights = optional_in(file, m, "workloads[].model.weights", Bytes{-1.0}).v;
  st.params = number_in_or(m, workloads_field("workloads[].model.params"), 0.0);
  if (weights < 0) weights = st.params * bytes_per_element(precision);
  if (weights > bytes) {
    throw error_at(file, bytes_node, fmt::format("'bytes' ({}) must include the weights ({}), which are read at "
                                                 "least once per request",
                                                 format_si(bytes, "B", 6), format_si(weights, "B", 6)));
  }
  if (st.params == 0) st.params = weights / bytes_per_element(precision);
  double activations = 0;
  if (auto a = m.optional("activations")) {
    activations = quantity_of<Bytes>(file, *a, "activations").v;
    if (activations < 0) throw error_at(file, *a, "'activations' must not be negative");
    check_range(file, *a, workloads_field("workloads[].model.activations"), activations);
  }
  const int kernels = static_cast<int>(int_in_or(m, workloads_field("workloads[].model.kernels"), 1));
  KernelShape shape;  // FILL unless the grid is given
  const bool has_blocks = m.optional("blocks").has_value();
  if (has_blocks) {
    shape.kind = KernelClass::GRID;
    shape.blocks = number_in_or(m, workloads_field("workloads[].model.blocks"), 1.0);
  }
  if (auto b = m.optional("blocks_per_sm")) {
    if (!has_blocks) throw error_at(file, *b, "'blocks_per_sm' needs 'blocks' (the kernel's grid)");
    shape.blocks_per_sm = static_cast<int>(int_in_or(m, workloads_field("workloads[].model.blocks_per_sm"), 1));
  }
  const bool l2_reuse = m.bool_or("l2_reuse", false);
  st.input_bytes = m.get_or("input", Bytes{0.0});
  st.output_bytes = m.get_or("output", Bytes{0.0});
  if (st.input_bytes.v < 0 || st.output_bytes.v < 0) throw error_at(file, node, "'input' and 'output' must not be negative");
  for (const char* key : {"input", "output"}) {
    const FieldSpec& f = workloads_field(std::string("workloads[].model.") + key);
    if (auto n = m.optional(key)) check_range(file, *n, f, quantity_of<Bytes>(file, *n, key).v);
  }
  m.finish();
  const double n = kernels;
  KernelSpec k;
  k.flops = Flops{flops / n};
  k.bytes = Bytes{(bytes - weights) / n};
  k.weight_bytes = Bytes{weights / n};
  k.working_set = Bytes{bytes / n};
  k.shape = shape;
  st.kernels.assign(kernels, k);
  // `l2_reuse`: the kernels chain as a model's do (each reads the half of its activation traffic the one
  // before wrote) and the weights stay in L2 across requests when they fit (sim/l2_model.hpp).
  if (l2_reuse) {
    st.l2_weights = true;
    for (std::size_t i = 1; i < st.kernels.size(); ++i) {
      st.kernels[i].chained = {ChainedRead{st.kernels[i].bytes * 0.5, st.kernels[i - 1].bytes, Bytes{0.0}}};
    }
  }
  st.weight_bytes = Bytes{weights};
  st.activation_bytes = Bytes{activations};
  st.model = "explicit";
  return st;
}

// `model:` is either an explicit descriptor (a mapping) or a reference: an ONNX path or zoo:NAME.
StageSpec parse_model(const std::string& file, const YAML::Node& node, const std::string& owner, Precision p) {
  if (node.IsMap()) return parse_explicit_model(file, node, owner, p);
  const std::string ref = scalar_of(file, node, "model");
  const std::string base = std::filesystem::path(file).parent_path().string();
  return stage_from_model(ref, base, p, loc_of(file, node));
}

// faces_per_frame: a whole number, or {kind: poisson, mean: M, max: N} or {kind: uniform, min: A, max: B}.
FanoutSpec parse_fanout(const std::string& file, const YAML::Node& node) {
  FanoutSpec f;
  if (node.IsScalar()) {
    const FieldSpec& fixed = workloads_field("workloads[].faces_per_frame");
    const long long v = whole_number_of(file, node, "faces_per_frame", std::stoll(fixed.min), std::stoll(fixed.max));
    f.kind = FanoutSpec::Kind::FIXED;
    f.mean = static_cast<double>(v);
    f.min = f.max = static_cast<int>(v);
    return f;
  }
  MapReader m(node, file, "faces_per_frame");
  const YAML::Node kind_node = m.required("kind");
  const std::string kind = scalar_of(file, kind_node, "kind");
  if (kind == "poisson") {
    f.kind = FanoutSpec::Kind::POISSON;
    f.mean = number_in_or(m, workloads_field("workloads[].faces_per_frame.mean"), -1.0);
    if (f.mean <= 0) throw error_at(file, node, "faces_per_frame: poisson needs 'mean' greater than zero");
    f.max = static_cast<int>(m.int_or("max", 1, static_cast<long long>(std::ceil(3 * f.mean)) + 3,
                                      std::stoll(workloads_field("workloads[].faces_per_frame.max").max)));
  } else if (kind == "uniform") {
    f.kind = FanoutSpec::Kind::UNIFORM;
    f.min = static_cast<int>(int_in(m, workloads_field("workloads[].faces_per_frame.min")));
    const YAML::Node max_node = m.required("max");
    f.max = static_cast<int>(int_in(m, workloads_field("workloads[].faces_per_frame.max")));
    if (f.max < f.min) throw error_at(file, max_node, "faces_per_frame: 'max' must be at least 'min'");
    f.mean = 0.5 * (f.min + f.max);
  } else {
    throw error_at(file, kind_node, fmt::format("unknown faces_per_frame kind '{}' (known: poisson, uniform)", kind));
  }
  m.finish();
  return f;
}

std::vector<StageSpec> parse_pipeline(const std::string& file, const YAML::Node& node, const std::string& owner,
                                      Precision p) {
  require_sequence(file, node, "pipeline");
  if (node.size() == 0) throw error_at(file, node, "'pipeline' must list at least one stage");
  std::vector<StageSpec> stages;
  for (const auto& item : node) {
    MapReader m(item, file, "stage");
    const YAML::Node name_node = m.required("name");
    const std::string name = scalar_of(file, name_node, "name");
    check_name(file, name_node, "name", name);
    for (const auto& other : stages) {
      if (other.name == name) throw error_at(file, name_node, fmt::format("duplicate stage name '{}'", name));
    }
    StageSpec st = parse_model(file, m.required("model"), owner + "/" + name, p);
    st.name = name;
    st.per_item = m.bool_or("per_face", false);
    if (auto after = m.optional("after")) {
      require_sequence(file, *after, "after");
      for (const auto& a : *after) {
        const std::string dep = scalar_of(file, a, "after");
        int index = -1;
        for (std::size_t i = 0; i < stages.size(); ++i) {
          if (stages[i].name == dep) index = static_cast<int>(i);
        }
        if (index < 0) {
          throw error_at(file, a, fmt::format("stage '{}': 'after' names '{}', which is not an earlier stage", name, dep));
        }
        st.after.push_back(index);
      }
    }
    m.finish();
    stages.push_back(std::move(st));
  }
  return stages;
}

// placement: {device: NAME, slice: K} or {devices: [NAME, ...]}. The names are checked against the
// platform when the plan is made (check_placement in sim/placement.hpp).
PlacementSpec parse_placement(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "placement");
  PlacementSpec p;
  auto device = m.optional("device");
  auto devices = m.optional("devices");
  if (device && devices) throw error_at(file, *devices, "placement has either 'device' or 'devices', not both");
  if (!device && !devices) throw error_at(file, node, "placement needs 'device' or 'devices'");
  if (device) {
    p.devices.push_back(name_in(m, workloads_field("workloads[].placement.device")));
    p.device_locs.push_back(loc_of(file, *device));
    if (auto slice = m.optional("slice")) {
      p.slice = static_cast<int>(int_in_or(m, workloads_field("workloads[].placement.slice"), 0));
      p.slice_loc = loc_of(file, *slice);
    }
  } else {
    if (auto slice = m.optional("slice")) {
      throw error_at(file, *slice, "'slice' needs one 'device', not a 'devices' list");
    }
    require_sequence(file, *devices, "devices");
    if (devices->size() == 0) throw error_at(file, *devices, "'devices' must list at least one device");
    for (const auto& d : *devices) {
      const std::string name = scalar_of(file, d, "devices");
      check_name(file, d, "devices", name);
      if (std::find(p.devices.begin(), p.devices.end(), name) != p.devices.end()) {
        throw error_at(file, d, fmt::format("'devices' lists '{}' twice", name));
      }
      p.devices.push_back(name);
      p.device_locs.push_back(loc_of(file, d));
    }
  }
  m.finish();
  return p;
}

StreamSpec parse_stream(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "workload");
  StreamSpec s;
  s.loc = loc_of(file, node);
  s.name = name_in(m, workloads_field("workloads[].name"));
  s.count = static_cast<int>(int_in_or(m, workloads_field("workloads[].count"), 1));
  s.batch = static_cast<int>(int_in_or(m, workloads_field("workloads[].batch"), 1));
  s.precision_loc = s.loc;
  if (auto p = m.optional("precision")) {
    const std::string text = scalar_of(file, *p, "precision");
    auto prec = parse_precision(text);
    if (!prec) {
      throw error_at(file, *p, fmt::format("unknown precision '{}' (known: fp64, fp32, tf32, fp16, bf16, int8, int4)", text));
    }
    s.precision = *prec;
    s.precision_loc = loc_of(file, *p);
  }
  s.priority = static_cast<int>(int_in_or(m, workloads_field("workloads[].priority"), 0));
  if (auto sla = m.optional("sla")) {
    const Seconds v = quantity_of<Seconds>(file, *sla, "sla");
    if (!(v.v > 0)) throw error_at(file, *sla, "'sla' must be greater than zero");
    check_range(file, *sla, workloads_field("workloads[].sla"), v.v);
    s.sla = v;
  }
  s.arrival = parse_arrival(file, m.required("arrival"));
  if (auto p = m.optional("placement")) s.placement = parse_placement(file, *p);
  if (auto h = m.optional("host")) {
    MapReader hm(*h, file, "host");
    for (auto [key, out] : {std::pair<const char*, Seconds*>{"pre", &s.host_pre},
                            {"post", &s.host_post},
                            {"launch", &s.host_launch}}) {
      if (auto d = hm.optional(key)) {
        *out = quantity_of<Seconds>(file, *d, key);
        if (out->v < 0) throw error_at(file, *d, fmt::format("'{}' must not be negative", key));
        check_range(file, *d, workloads_field(std::string("workloads[].host.") + key), out->v);
      }
    }
    hm.finish();
  }
  auto model = m.optional("model");
  auto pipeline = m.optional("pipeline");
  if (model && pipeline) throw error_at(file, *pipeline, "a workload has either 'model' or 'pipeline', not both");
  if (!model && !pipeline) throw error_at(file, node, fmt::format("workload '{}': missing 'model' or 'pipeline'", s.name));
  if (model) {
    s.stages.push_back(parse_model(file, *model, s.name, s.precision));
    s.stages.back().name = s.name;
  } else {
    s.stages = parse_pipeline(file, *pipeline, s.name, s.precision);
  }
  if (auto b = m.optional("batching")) {
    MapReader bm(*b, file, "batching");
    BatchingSpec spec;
    spec.max_batch = static_cast<int>(int_in(bm, workloads_field("workloads[].batching.max_batch")));
    if (auto d = bm.optional("max_delay")) {
      spec.max_delay = quantity_of<Seconds>(file, *d, "max_delay");
      if (spec.max_delay.v < 0) throw error_at(file, *b, "'max_delay' must not be negative");
      check_range(file, *d, workloads_field("workloads[].batching.max_delay"), spec.max_delay.v);
    }
    bm.finish();
    s.batching = spec;
  }
  auto fan = m.optional("faces_per_frame");
  if (fan) s.fanout = parse_fanout(file, *fan);
  const bool any_per_item =
      std::any_of(s.stages.begin(), s.stages.end(), [](const StageSpec& st) { return st.per_item; });
  if (any_per_item && !fan) {
    throw error_at(file, node, fmt::format("workload '{}': a stage is per_face, so 'faces_per_frame' is needed", s.name));
  }
  if (fan && !any_per_item) throw error_at(file, *fan, "'faces_per_frame' is only used by stages with per_face: true");
  m.finish();
  return s;
}

RunSpec parse_run(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "run");
  RunSpec r;
  r.duration = get_in<Seconds>(m, workloads_field("run.duration"));
  if (auto w = m.optional("warmup")) {
    r.warmup = quantity_of<Seconds>(file, *w, "warmup");
    if (r.warmup.v < 0 || r.warmup >= r.duration) {
      throw error_at(file, *w, "'warmup' must be at least 0s and shorter than 'duration'");
    }
  }
  if (auto d = m.optional("drain")) {
    r.drain = quantity_of<Seconds>(file, *d, "drain");
    if (r.drain.v < 0) throw error_at(file, *d, "'drain' must not be negative");
    check_range(file, *d, workloads_field("run.drain"), r.drain.v);
  }
  r.seed = static_cast<std::uint64_t>(int_in_or(m, workloads_field("run.seed"), 1));
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

WorkloadSpec parse_workloads(const std::string& path) { return parse_workloads(load_yaml_file(path), path); }

WorkloadSpec parse_workloads(const YAML::Node& root, const std::string& path) {
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
