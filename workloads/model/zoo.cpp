// The model zoo's reader: YAML entries (workloads/zoo/NAME.yaml) read strictly with MapReader and
// expanded through the block builders of zoo_blocks.cpp. Every key of every item is checked.

#include "workloads/model/zoo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

#include "core/errors.hpp"
#include "core/yaml_reader.hpp"
#include "workloads/model/zoo_blocks.hpp"

namespace gpusim {

namespace {

using zoo::Activation;
using zoo::ConvUnit;
using zoo::Net;
using zoo::Tensor;

constexpr long long kMaxDim = 1LL << 30;

/// The state of one entry's expansion.
struct Expansion {
  std::string file;
  ModelBuilder& b;
  Tensor x;                            ///< the latest item's output
  std::map<std::string, Tensor> taps;  ///< outputs kept with `tap:`
  std::vector<Tensor> outputs;         ///< graph outputs marked so far
};

/// Reads one item's keys and adds its layers; returns the item's output.
using ItemReader = std::function<Tensor(Expansion&, MapReader&, const Net&)>;

// ---- shared key readers ---------------------------------------------------------------------------

std::vector<std::string> string_list(MapReader& m, const std::string& key) {
  const YAML::Node n = m.required(key);
  require_sequence(m.file(), n, key);
  std::vector<std::string> out;
  for (const auto& e : n) out.push_back(scalar_of(m.file(), e, key));
  return out;
}

Shape dim_list(const std::string& file, const YAML::Node& n, const std::string& key) {
  require_sequence(file, n, key);
  if (n.size() == 0) throw error_at(file, n, fmt::format("'{}' must not be empty", key));
  Shape out;
  for (const auto& e : n) {
    out.push_back(whole_number_of(file, e, key, 1, kMaxDim));
  }
  return out;
}

/// `act:` (none when absent); `alpha:` only with leaky_relu.
Activation activation_or(MapReader& m, const std::string& fallback) {
  using K = Activation::Kind;
  static const std::map<std::string, K> kinds{{"none", K::NONE},
                                              {"relu", K::RELU},
                                              {"relu6", K::RELU6},
                                              {"prelu", K::PRELU},
                                              {"leaky_relu", K::LEAKY_RELU},
                                              {"sigmoid", K::SIGMOID},
                                              {"tanh", K::TANH},
                                              {"gelu", K::GELU},
                                              {"hard_swish", K::HARD_SWISH}};
  const std::string name = m.string_or("act", fallback);
  const auto it = kinds.find(name);
  if (it == kinds.end()) {
    std::string known;
    for (const auto& [k, v] : kinds) known += (known.empty() ? "" : ", ") + k;
    throw m.error(m.required("act"), fmt::format("unknown activation '{}' (known: {})", name, known));
  }
  Activation a;
  a.kind = it->second;
  if (a.kind == K::LEAKY_RELU) a.alpha = m.number_or("alpha", 0.0, 1.0, 0.01);
  return a;
}

int64_t positive(MapReader& m, const std::string& key) { return m.required_int(key, 1, kMaxDim); }
int64_t positive_or(MapReader& m, const std::string& key, int64_t fallback) {
  return m.int_or(key, 1, fallback, kMaxDim);
}
/// `blocks:`, the repeats of a block family (default 1).
int64_t repeats(MapReader& m) { return m.int_or("blocks", 1, 1, 10000); }

/// Calls `one(net, x, first)` `blocks` times, block j in scope "<scope>.<j>".
template <class F>
Tensor repeat_blocks(MapReader& m, const Net& n, Tensor x, F one) {
  const int64_t count = repeats(m);
  for (int64_t j = 0; j < count; ++j) x = one(n.sub(std::to_string(j)), x, j == 0);
  return x;
}

Tensor tap(Expansion& e, MapReader& m, const std::string& name) {
  const auto it = e.taps.find(name);
  if (it == e.taps.end()) {
    std::string known;
    for (const auto& [k, v] : e.taps) known += (known.empty() ? "" : ", ") + k;
    throw m.error(m.required("from"), fmt::format("'from': no earlier item has 'tap: {}' (taps so far: {})",
                                                  name, known.empty() ? "none" : known));
  }
  return it->second;
}

// ---- ops ------------------------------------------------------------------------------------------
// conv:  out (unless depthwise), kernel, stride 1, pad kernel/2, groups 1, depthwise false, dilation 1,
//        bn false, bias (default: not bn), act none [alpha]
// linear: out, bias true, bn false, act none — Gemm on [N, K], MatMul + Add on higher ranks
// max_pool / avg_pool: kernel, stride (= kernel), pad 0, ceil_mode false
// adaptive_avg_pool: size — torch's AdaptiveAvgPool2d(size) where H and W are multiples of size (as
//        PyTorch exports it: AveragePool with kernel = stride = H / size; GlobalAveragePool for 1)
// global_avg_pool, flatten (axis 1), batch_norm, activation (act [alpha])

Tensor read_conv(Expansion& e, MapReader& m, const Net& n) {
  ConvUnit u;
  u.depthwise = m.bool_or("depthwise", false);
  if (!u.depthwise) {
    u.out = positive(m, "out");
    u.groups = positive_or(m, "groups", 1);
  }
  u.kernel = positive(m, "kernel");
  u.stride = positive_or(m, "stride", 1);
  u.pad = m.int_or("pad", 0, u.kernel / 2, kMaxDim);
  u.dilation = positive_or(m, "dilation", 1);
  u.bn = m.bool_or("bn", false);
  u.bias = m.bool_or("bias", !u.bn);
  u.act = activation_or(m, "none");
  return zoo::conv_unit(n, e.x, u);
}

Tensor read_linear(Expansion& e, MapReader& m, const Net& n) {
  const int64_t out = positive(m, "out");
  const bool bias = m.bool_or("bias", true);
  const bool bn = m.bool_or("bn", false);
  return zoo::linear_unit(n, e.x, out, bias, bn, activation_or(m, "none"));
}

Tensor read_pool(Expansion& e, MapReader& m, const Net& n, bool max) {
  const int64_t kernel = positive(m, "kernel");
  const int64_t stride = positive_or(m, "stride", kernel);
  const int64_t pad = m.int_or("pad", 0, 0, kMaxDim);
  const bool ceil_mode = m.bool_or("ceil_mode", false);
  return max ? n.at("pool").max_pool(e.x, kernel, stride, pad, ceil_mode)
             : n.at("pool").avg_pool(e.x, kernel, stride, pad, ceil_mode);
}

Tensor read_adaptive_avg_pool(Expansion& e, MapReader& m, const Net& n) {
  const YAML::Node at = m.required("size");
  const int64_t size = positive(m, "size");
  if (size == 1) return n.at("pool").global_avg_pool(e.x);
  if (e.x.shape.size() != 4 || e.x.shape[2] != e.x.shape[3] || e.x.shape[2] % size != 0) {
    throw m.error(at,
                  fmt::format("adaptive_avg_pool to {0}x{0} needs a square input whose side is a multiple "
                              "of {0}, got {1}",
                              size, to_string(e.x.shape)));
  }
  const int64_t k = e.x.shape[2] / size;
  return n.at("pool").avg_pool(e.x, k, k);
}

// ---- block families -------------------------------------------------------------------------------
// Every family takes `blocks:` (repeats; the first block takes the stride, the others stride 1).
// vgg_stage: convs, width, bn false, act relu
// basic_block: width, stride 1                    bottleneck: width, stride 1, expansion 4
// inverted_residual: expansion, out, stride 1, act    fire: squeeze, expand1x1, expand3x3
// depthwise_separable: out, stride 1, act         ibasic_block: width, stride 2
// transformer_embeddings: vocab, max_positions, type_vocab, hidden (input: token ids [sequence])
// transformer_encoder: heads, ffn, act gelu       transformer_pooler: act tanh
// retinaface_head: from (taps, finest first), out, anchors, act [alpha] — FPN, SSH per level, heads;
//        its three outputs (scores, boxes, landmarks) become the graph outputs

Tensor read_vgg_stage(Expansion& e, MapReader& m, const Net& n) {
  const int64_t convs = positive(m, "convs");
  const int64_t width = positive(m, "width");
  const bool bn = m.bool_or("bn", false);
  const Activation act = activation_or(m, "relu");
  return repeat_blocks(
      m, n, e.x, [&](const Net& b, Tensor x, bool) { return zoo::vgg_stage(b, x, convs, width, bn, act); });
}

Tensor read_basic_block(Expansion& e, MapReader& m, const Net& n) {
  const int64_t width = positive(m, "width");
  const int64_t stride = positive_or(m, "stride", 1);
  return repeat_blocks(m, n, e.x, [&](const Net& b, Tensor x, bool first) {
    return zoo::basic_block(b, x, width, first ? stride : 1);
  });
}

Tensor read_bottleneck(Expansion& e, MapReader& m, const Net& n) {
  const int64_t width = positive(m, "width");
  const int64_t stride = positive_or(m, "stride", 1);
  const int64_t expansion = positive_or(m, "expansion", 4);
  return repeat_blocks(m, n, e.x, [&](const Net& b, Tensor x, bool first) {
    return zoo::bottleneck(b, x, width, first ? stride : 1, expansion);
  });
}

Tensor read_inverted_residual(Expansion& e, MapReader& m, const Net& n) {
  const int64_t expansion = positive(m, "expansion");
  const int64_t out = positive(m, "out");
  const int64_t stride = positive_or(m, "stride", 1);
  const Activation act = activation_or(m, "relu6");
  return repeat_blocks(m, n, e.x, [&](const Net& b, Tensor x, bool first) {
    return zoo::inverted_residual(b, x, expansion, out, first ? stride : 1, act);
  });
}

Tensor read_fire(Expansion& e, MapReader& m, const Net& n) {
  const int64_t squeeze = positive(m, "squeeze");
  const int64_t e1 = positive(m, "expand1x1");
  const int64_t e3 = positive(m, "expand3x3");
  return repeat_blocks(m, n, e.x,
                       [&](const Net& b, Tensor x, bool) { return zoo::fire(b, x, squeeze, e1, e3); });
}

Tensor read_depthwise_separable(Expansion& e, MapReader& m, const Net& n) {
  const int64_t out = positive(m, "out");
  const int64_t stride = positive_or(m, "stride", 1);
  const Activation act = activation_or(m, "relu");
  return repeat_blocks(m, n, e.x, [&](const Net& b, Tensor x, bool first) {
    return zoo::depthwise_separable(b, x, out, first ? stride : 1, act);
  });
}

Tensor read_ibasic_block(Expansion& e, MapReader& m, const Net& n) {
  const int64_t width = positive(m, "width");
  const int64_t stride = positive_or(m, "stride", 2);
  return repeat_blocks(m, n, e.x, [&](const Net& b, Tensor x, bool first) {
    return zoo::ibasic_block(b, x, width, first ? stride : 1);
  });
}

Tensor read_transformer_embeddings(Expansion& e, MapReader& m, const Net& n) {
  const int64_t vocab = positive(m, "vocab");
  const int64_t max_positions = positive(m, "max_positions");
  const int64_t type_vocab = positive(m, "type_vocab");
  const int64_t hidden = positive(m, "hidden");
  return zoo::transformer_embeddings(n, e.x, vocab, max_positions, type_vocab, hidden);
}

Tensor read_transformer_encoder(Expansion& e, MapReader& m, const Net& n) {
  const int64_t heads = positive(m, "heads");
  const int64_t ffn = positive(m, "ffn");
  const Activation act = activation_or(m, "gelu");
  return repeat_blocks(m, n, e.x, [&](const Net& b, Tensor x, bool) {
    return zoo::transformer_encoder(b, x, heads, ffn, act);
  });
}

Tensor read_transformer_pooler(Expansion& e, MapReader& m, const Net& n) {
  return zoo::transformer_pooler(n, e.x, activation_or(m, "tanh"));
}

Tensor read_retinaface_head(Expansion& e, MapReader& m, const Net& n) {
  std::vector<Tensor> levels;
  for (const std::string& name : string_list(m, "from")) levels.push_back(tap(e, m, name));
  if (levels.empty()) throw m.error(m.required("from"), "'from' must name at least one tap");
  const int64_t out = positive(m, "out");
  const int64_t anchors = positive(m, "anchors");
  const Activation act = activation_or(m, "relu");
  std::vector<Tensor> features = zoo::fpn(n.sub("fpn"), levels, out, act);
  for (size_t i = 0; i < features.size(); ++i)
    features[i] = zoo::ssh(n.sub(fmt::format("ssh{}", i + 1)), features[i], out, act);
  const std::vector<Tensor> results = zoo::retinaface_heads(n, features, anchors);
  e.outputs.insert(e.outputs.end(), results.begin(), results.end());
  return results.front();
}

/// op name -> reader.
const std::map<std::string, ItemReader>& op_readers() {
  static const std::map<std::string, ItemReader> readers{
      {"conv", read_conv},
      {"linear", read_linear},
      {"max_pool", [](Expansion& e, MapReader& m, const Net& n) { return read_pool(e, m, n, true); }},
      {"avg_pool", [](Expansion& e, MapReader& m, const Net& n) { return read_pool(e, m, n, false); }},
      {"adaptive_avg_pool", read_adaptive_avg_pool},
      {"global_avg_pool",
       [](Expansion& e, MapReader&, const Net& n) { return n.at("pool").global_avg_pool(e.x); }},
      {"flatten", [](Expansion& e, MapReader&, const Net& n) { return n.at("flatten").flatten(e.x, 1); }},
      {"batch_norm", [](Expansion& e, MapReader&, const Net& n) { return n.at("bn").batch_norm(e.x); }},
      {"activation", [](Expansion& e, MapReader& m,
                        const Net& n) { return zoo::activate(n, e.x, activation_or(m, "relu"), "act"); }},
  };
  return readers;
}

/// block family name -> reader.
const std::map<std::string, ItemReader>& block_readers() {
  static const std::map<std::string, ItemReader> readers{
      {"vgg_stage", read_vgg_stage},
      {"basic_block", read_basic_block},
      {"bottleneck", read_bottleneck},
      {"inverted_residual", read_inverted_residual},
      {"fire", read_fire},
      {"depthwise_separable", read_depthwise_separable},
      {"ibasic_block", read_ibasic_block},
      {"transformer_embeddings", read_transformer_embeddings},
      {"transformer_encoder", read_transformer_encoder},
      {"transformer_pooler", read_transformer_pooler},
      {"retinaface_head", read_retinaface_head},
  };
  return readers;
}

std::string known_names(const std::map<std::string, ItemReader>& readers) {
  std::string known;
  for (const auto& [k, v] : readers) known += (known.empty() ? "" : ", ") + k;
  return known;
}

/// One `layers:` item.
void expand_item(Expansion& e, const YAML::Node& node, size_t index, std::map<std::string, size_t>& names) {
  MapReader m(node, e.file, fmt::format("layers[{}]", index));
  const bool is_op = m.has("op");
  if (is_op == m.has("block"))
    throw m.error(node, fmt::format("layers[{}]: give exactly one of 'op' or 'block'", index));
  const std::string key = is_op ? "op" : "block";
  const std::string kind = m.required_string(key);
  const auto& readers = is_op ? op_readers() : block_readers();
  const auto it = readers.find(kind);
  if (it == readers.end()) {
    throw m.error(m.required(key), fmt::format("unknown {} '{}' (known: {})", is_op ? "op" : "block family",
                                               kind, known_names(readers)));
  }
  const std::string name = m.string_or("name", fmt::format("{}{}", kind, index));
  if (!names.emplace(name, index).second) {
    const auto at = m.optional("name");
    throw m.error(at ? *at : node, fmt::format("name '{}' is already used by layers[{}]", name, names[name]));
  }
  const std::string tap_name = m.string_or("tap", "");
  const bool output = m.bool_or("output", false);
  try {
    e.x = it->second(e, m, Net(e.b, name));
  } catch (const ConfigError& err) {
    // Key errors already name FILE:LINE:COL; shape errors from the builder get the item's location.
    if (std::string(err.what()).rfind(e.file + ":", 0) == 0) throw;
    throw m.error(node, err.what());
  }
  m.finish();
  if (!tap_name.empty() && !e.taps.emplace(tap_name, e.x).second) {
    throw m.error(m.required("tap"), fmt::format("tap '{}' is already defined", tap_name));
  }
  if (output) e.outputs.push_back(e.x);
}

double relative(MapReader& m, const std::string& key) { return m.number_or(key, 0.0, 1.0, 0.0); }

ZooPublished read_published(const std::string& file, const YAML::Node& node, size_t index) {
  MapReader m(node, file, fmt::format("published[{}]", index));
  ZooPublished p;
  p.source = m.required_string("source");
  if (m.has("macs")) p.macs = m.number_or("macs", 1.0, 1e18, 0.0);
  p.macs_tolerance = relative(m, "macs_tolerance");
  if (m.has("params")) p.params = m.number_or("params", 1.0, 1e15, 0.0);
  p.params_tolerance = relative(m, "params_tolerance");
  const std::string convention = m.string_or("params_convention", "learnable");
  if (convention != "all" && convention != "learnable") {
    throw m.error(m.required("params_convention"),
                  fmt::format("params_convention must be 'all' or 'learnable' (got '{}')", convention));
  }
  p.params_with_buffers = convention == "all";
  p.note = m.string_or("note", "");
  m.finish();
  if (!p.macs && !p.params) throw m.error(node, "a published entry needs 'macs' or 'params'");
  return p;
}

/// Reads the entry at `path`; with `builder`, also expands its layers into it.
ZooModelInfo read_entry(const std::string& path, ModelBuilder* builder) {
  const YAML::Node root = load_yaml_file(path);
  MapReader m(root, path, "zoo entry");
  ZooModelInfo info;
  info.file = path;
  info.name = m.required_string("name");
  const std::string stem = std::filesystem::path(path).stem().string();
  if (info.name != stem) {
    throw m.error(m.required("name"),
                  fmt::format("name '{}' must match the file name '{}'", info.name, stem));
  }
  info.summary = m.required_string("summary");
  {
    MapReader in(m.required("input"), path, "input");
    info.input_name = in.string_or("name", "input");
    info.input_shape = dim_list(path, in.required("shape"), "shape");
    in.finish();
  }
  const YAML::Node published = m.required("published");
  require_sequence(path, published, "published");
  if (published.size() == 0) throw m.error(published, "'published' must cite at least one source");
  for (size_t i = 0; i < published.size(); ++i)
    info.published.push_back(read_published(path, published[i], i));
  const YAML::Node layers = m.required("layers");
  require_sequence(path, layers, "layers");
  if (layers.size() == 0) throw m.error(layers, "'layers' must not be empty");
  m.finish();
  if (builder) {
    Shape shape{1};
    shape.insert(shape.end(), info.input_shape.begin(), info.input_shape.end());
    Expansion e{path, *builder, builder->input(info.input_name, shape), {}, {}};
    std::map<std::string, size_t> names;
    for (size_t i = 0; i < layers.size(); ++i) expand_item(e, layers[i], i, names);
    if (e.outputs.empty() || e.outputs.back().id != e.x.id) e.outputs.push_back(e.x);
    for (const Tensor& t : e.outputs) builder->output(t);
  }
  return info;
}

std::string entry_path(const std::string& name) {
  const std::vector<std::string> names = zoo_model_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError(
        fmt::format("unknown zoo model '{}' (known: {}; zoo directory {})", name, known, zoo_dir()));
  }
  return (std::filesystem::path(zoo_dir()) / (name + ".yaml")).string();
}

}  // namespace

std::string zoo_dir() {
  if (const char* env = std::getenv("GPUSIM_ZOO")) return env;
  return GPUSIM_ZOO_DIR;
}

std::vector<std::string> zoo_model_names() {
  const std::string dir = zoo_dir();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw ConfigError(fmt::format("{}: error: model zoo directory not found (set GPUSIM_ZOO)", dir));
  }
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

ModelCost load_zoo_file(const std::string& path, int64_t batch, Precision precision) {
  ModelBuilder b(std::filesystem::path(path).stem().string());
  read_entry(path, &b);
  return b.build(batch, precision);
}

ModelCost load_zoo_model(const std::string& name, int64_t batch, Precision precision) {
  ModelCost m = load_zoo_file(entry_path(name), batch, precision);
  m.name = name;
  return m;
}

ZooModelInfo zoo_model_info(const std::string& name) {
  // The layers are expanded too, so a bad entry never passes as described.
  ModelBuilder b(name);
  return read_entry(entry_path(name), &b);
}

}  // namespace gpusim
