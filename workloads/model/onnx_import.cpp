#include "workloads/model/onnx_import.hpp"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include "core/errors.hpp"
#include "core/file_checks.hpp"
#include "workloads/model/model_graph.hpp"
#include "workloads/model/onnx_detail.hpp"
#include "workloads/model/shape_folding.hpp"

namespace gpusim {
namespace {

std::shared_ptr<spdlog::logger> cfg_logger() {
  if (auto logger = spdlog::get("cfg")) return logger;
  try {
    return spdlog::stderr_color_mt("cfg");
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get("cfg");  // created by another thread in between
  }
}

/// What the importer knows about one named tensor.
struct TensorState {
  std::optional<Shape> shape;
  bool is_constant = false;
  const onnx::TensorProto* proto = nullptr;  ///< undecoded constant (initializer or Constant value)
  bool initializer = false;                  ///< a graph initializer (exporters' parameters and buffers)
  std::optional<KnownTensor> known;          ///< decoded or folded contents
  bool decode_tried = false;
  std::optional<ModelGraph::TensorId> activation;
  std::optional<ModelGraph::WeightId> weight;
};

class Importer {
 public:
  Importer(const std::string& path, const OnnxImportOptions& options) : path_(path), options_(options) {}

  ModelCost run() {
    if (options_.batch <= 0) throw error(fmt::format("batch must be positive, got {}", options_.batch));
    load();
    std::vector<int> order;
    try {
      order = onnx_detail::validated_node_order(model_.graph());
    } catch (const onnx_detail::InvalidModel& e) {
      throw invalid(e.what());
    }
    refuse_control_flow();
    set_inputs();
    // A constant Reshape target written at the exporter's batch is rewritten and the import rerun (so
    // ONNX's inference sees it too); each pass can only expose Reshapes further down, hence the bound.
    const auto reshapes = std::count_if(model_.graph().node().begin(), model_.graph().node().end(),
                                        [](const onnx::NodeProto& n) { return n.op_type() == "Reshape"; });
    for (int64_t pass = 0;; ++pass) {
      tensors_.clear();
      inferred_.clear();
      missing_.clear();
      batch_patches_.clear();
      graph_ = ModelGraph{};
      add_inputs();
      run_onnx_inference();
      for (const onnx::TensorProto& init : model_.graph().initializer()) {
        TensorState& t = tensors_[init.name()];
        t.shape = onnx_detail::tensor_dims(init);
        t.is_constant = true;
        t.proto = &init;
        t.initializer = true;
      }
      for (int i : order) process_node(model_.graph().node(i), i);
      if (batch_patches_.empty() || pass >= reshapes) break;
      apply_batch_patches();
    }
    for (const onnx::ValueInfoProto& out : model_.graph().output()) {
      const TensorState& t = tensors_.at(out.name());
      if (t.activation) graph_.mark_output(*t.activation);
    }
    report_missing_formulas();
    return graph_.finish(std::filesystem::path(path_).stem().string(), options_.precision);
  }

 private:
  /// A Reshape whose constant target must carry the requested batch.
  struct BatchPatch {
    int node = 0;
    std::vector<int64_t> target;
  };

  ConfigError error(const std::string& message) const {
    return ConfigError(fmt::format("{}: error: {}", path_, message));
  }
  ConfigError invalid(const std::string& why) const {
    return error(fmt::format("not a valid ONNX model ({})", why));
  }

  void load() {
    // Looked at before it is opened: a FIFO would block, a device would never end.
    const InputFileCheck check =
        check_input_file(path_, kMaxModelFileBytes, "an ONNX model (protobuf's limit)");
    switch (check.problem) {
      case InputFileProblem::NONE:
        break;
      case InputFileProblem::MISSING:
        throw error("cannot open the file (no such regular file)");
      case InputFileProblem::DIRECTORY:
      case InputFileProblem::NOT_REGULAR:
        throw error(fmt::format("cannot open the file: {}", check.why));
      case InputFileProblem::TOO_LARGE:
        throw error(fmt::format("the file is too large: {}", check.why));
    }
    const std::optional<std::string> read = read_bounded(path_, kMaxModelFileBytes);
    if (!read) throw error("cannot open the file");
    if (read->size() > kMaxModelFileBytes) {
      throw error(
          fmt::format("the file is too large: more than the {} limit for an ONNX model (protobuf's limit)",
                      binary_size(kMaxModelFileBytes)));
    }
    const std::string& bytes = *read;
    if (bytes.empty()) throw invalid("empty file");
    if (!model_.ParseFromString(bytes)) throw invalid("protobuf parse failed: truncated or not an ONNX file");
    if (!model_.has_graph()) throw invalid("no graph");
    if (model_.graph().node_size() == 0) throw invalid("the graph has no nodes");
  }

  /// Control-flow ops run subgraphs a static cost model cannot unroll; they are refused before ONNX's
  /// inference sees them (a Scan node, with or without its body, once crashed it).
  void refuse_control_flow() const {
    static const std::set<std::string> control_flow = {"If", "Loop", "Scan", "SequenceMap"};
    for (int i = 0; i < model_.graph().node_size(); ++i) {
      const onnx::NodeProto& node = model_.graph().node(i);
      const bool has_subgraph =
          std::any_of(node.attribute().begin(), node.attribute().end(), [](const onnx::AttributeProto& a) {
            return a.type() == onnx::AttributeProto::GRAPH || a.type() == onnx::AttributeProto::GRAPHS ||
                   a.has_g() || a.graphs_size() > 0;
          });
      if (has_subgraph || control_flow.count(node.op_type()) > 0) {
        throw error(fmt::format("node '{}' ({}): unsupported operator (control flow with subgraphs)",
                                onnx_detail::node_name(node, i), node.op_type()));
      }
    }
  }

  /// Fixes every real input's shape (batch as dim 0, user shapes for dynamic dims) and writes it back
  /// into the model for ONNX's inference; add_inputs() then adds the inputs to each pass's graph.
  void set_inputs() {
    onnx::GraphProto* g = model_.mutable_graph();
    std::set<std::string> initializers;
    for (const onnx::TensorProto& init : g->initializer()) initializers.insert(init.name());
    std::vector<std::string> names;
    for (const onnx::ValueInfoProto& in : g->input()) {
      if (initializers.count(in.name()) == 0) names.push_back(in.name());
    }
    for (const auto& [name, dims] : options_.input_shapes) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        throw error(fmt::format("input_shapes names '{}', which is not an input of the model (inputs: {})",
                                name, fmt::join(names, ", ")));
      }
    }
    for (onnx::ValueInfoProto& in : *g->mutable_input()) {
      if (initializers.count(in.name()) > 0) continue;
      const auto& declared = in.type().tensor_type().shape();
      if (!exporter_batch_ && declared.dim_size() > 0 && declared.dim(0).has_dim_value() &&
          declared.dim(0).dim_value() > 0) {
        exporter_batch_ = declared.dim(0).dim_value();
      }
      Shape shape = input_shape(in);
      if (!shape.empty()) shape[0] = options_.batch;
      onnx::TensorShapeProto* proto = in.mutable_type()->mutable_tensor_type()->mutable_shape();
      proto->clear_dim();
      for (int64_t d : shape) proto->add_dim()->set_dim_value(d);
      inputs_.emplace_back(in.name(), shape);
    }
  }

  void add_inputs() {
    for (const auto& [name, shape] : inputs_) {
      TensorState& t = tensors_[name];
      t.shape = shape;
      t.activation = graph_.add_input(name, shape);
    }
  }

  /// Exporters without dynamic axes write the batch they traced with into Reshape targets
  /// ([1, -1] for a flatten). When the requested batch differs, a Reshape whose target is a constant
  /// from the file, starts with the exporter's batch, and reshapes a tensor whose dim 0 is now the
  /// requested batch gets that batch instead (what the exporter would have written with a dynamic batch).
  void check_batch_in_reshape(const std::string& name, int index, const std::vector<TensorState*>& inputs) {
    if (!exporter_batch_ || *exporter_batch_ == options_.batch || inputs.size() < 2) return;
    TensorState* data = inputs[0];
    TensorState* target = inputs[1];
    if (data == nullptr || target == nullptr || data->is_constant || !target->is_constant ||
        target->proto == nullptr)
      return;
    if (!data->shape || data->shape->empty() || (*data->shape)[0] != options_.batch) return;
    const KnownTensor* value = known(*target);
    if (value == nullptr || value->data.size() == 0 || value->data.int_at(0) != *exporter_batch_) return;
    BatchPatch patch{index, value->data.as_ints()};
    patch.target[0] = options_.batch;
    cfg_logger()->debug("{}: Reshape '{}' has the exporter's batch {} in its target {}; using batch {}",
                        path_, name, *exporter_batch_, to_string(value->data.as_ints()), options_.batch);
    batch_patches_.push_back(std::move(patch));
  }

  void apply_batch_patches() {
    onnx::GraphProto* g = model_.mutable_graph();
    for (const BatchPatch& p : batch_patches_) {
      onnx::NodeProto* node = g->mutable_node(p.node);
      onnx::TensorProto* init = g->add_initializer();
      init->set_name(fmt::format("{}.gpusim_batch{}", node->input(1), options_.batch));
      init->set_data_type(onnx::TensorProto::INT64);
      init->add_dims(static_cast<int64_t>(p.target.size()));
      for (int64_t v : p.target) init->add_int64_data(v);
      node->set_input(1, init->name());
    }
  }

  Shape input_shape(const onnx::ValueInfoProto& in) const {
    auto user = options_.input_shapes.find(in.name());
    if (user != options_.input_shapes.end()) {
      for (int64_t d : user->second) {
        if (d <= 0)
          throw error(
              fmt::format("input_shapes gives input '{}' the dim {}; dims must be positive", in.name(), d));
      }
      return user->second;
    }
    const auto& type = in.type().tensor_type();
    if (!type.has_shape()) {
      throw error(
          fmt::format("input '{}' has no declared shape; give it in input_shapes (--input-shape {}=DIMS)",
                      in.name(), in.name()));
    }
    Shape shape;
    for (int i = 0; i < type.shape().dim_size(); ++i) {
      const auto& dim = type.shape().dim(i);
      const bool fixed = dim.has_dim_value() && dim.dim_value() > 0;
      if (!fixed && i != 0) {  // dim 0 is the batch: replaced anyway
        const std::string what = dim.has_dim_param()
                                     ? fmt::format("'{}'", dim.dim_param())
                                     : fmt::format("{}", dim.has_dim_value() ? dim.dim_value() : -1);
        throw error(
            fmt::format("input '{}' has dynamic dim {} ({}); give its shape in input_shapes "
                        "(--input-shape {}=DIMS)",
                        in.name(), i, what, in.name()));
      }
      shape.push_back(fixed ? dim.dim_value() : 1);
    }
    return shape;
  }

  /// ONNX's shape inference from the fixed inputs; shapes stored in the file (at the exporter's batch)
  /// are dropped first so they cannot conflict. Only fully static results are kept.
  void run_onnx_inference() {
    onnx::GraphProto* g = model_.mutable_graph();
    g->clear_value_info();
    for (onnx::ValueInfoProto& out : *g->mutable_output()) {
      if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
    }
    if (!options_.onnx_shape_inference) return;
    try {
      onnx::ShapeInferenceOptions opts(false, 0,
                                       true);  // no type checks, node errors ignored, data propagation
      onnx::shape_inference::InferShapes(model_, onnx::OpSchemaRegistry::Instance(), opts);
    } catch (const std::exception& e) {
      cfg_logger()->debug("{}: ONNX shape inference stopped early: {}", path_, e.what());
    }
    auto keep = [this](const onnx::ValueInfoProto& v) {
      if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
      Shape shape;
      for (const auto& dim : v.type().tensor_type().shape().dim()) {
        if (!dim.has_dim_value() || dim.dim_value() < 0) return;
        shape.push_back(dim.dim_value());
      }
      inferred_[v.name()] = shape;
    };
    for (const auto& v : g->value_info()) keep(v);
    for (const auto& v : g->output()) keep(v);
  }

  /// Contents of a constant tensor, decoded on first use; null when they cannot be decoded.
  const KnownTensor* known(TensorState& t) {
    if (!t.known && !t.decode_tried && t.proto != nullptr) {
      t.decode_tried = true;
      t.known = onnx_detail::decode_tensor(*t.proto);
    }
    return t.known ? &*t.known : nullptr;
  }

  void define_constant(const std::string& name, KnownTensor value) {
    TensorState& t = tensors_[name];
    t.shape = value.shape;
    t.is_constant = true;
    t.known = std::move(value);
  }

  void process_node(const onnx::NodeProto& node, int index) {
    const std::string name = onnx_detail::node_name(node, index);
    const bool standard = node.domain().empty() || node.domain() == "ai.onnx";
    const std::string op = standard ? node.op_type() : node.domain() + ":" + node.op_type();

    if (op == "Constant") {
      if (const onnx::TensorProto* tensor = onnx_detail::constant_tensor(node)) {
        TensorState& t = tensors_[node.output(0)];
        t.shape = onnx_detail::tensor_dims(*tensor);
        t.is_constant = true;
        t.proto = tensor;
        return;
      }
      auto value = onnx_detail::constant_value(node);
      if (!value)
        throw error(
            fmt::format("Constant node '{}' holds a sparse or string value, which is not supported", name));
      define_constant(node.output(0), std::move(*value));
      return;
    }

    std::vector<TensorState*> inputs;
    for (const std::string& in : node.input()) inputs.push_back(in.empty() ? nullptr : &tensors_.at(in));
    const OpAttributes attrs = onnx_detail::convert_attributes(node);

    // Shape and Size need only the input's shape, which is always known here.
    if ((op == "Shape" || op == "Size") && !inputs.empty() && inputs[0] != nullptr && inputs[0]->shape) {
      const Shape& x = *inputs[0]->shape;
      KnownTensor value;
      if (op == "Size") {
        value.data.ints = {static_cast<int64_t>(element_count(x))};
      } else {
        const auto rank = static_cast<int64_t>(x.size());
        int64_t start = attrs.get_int("start", 0), end = attrs.get_int("end", rank);
        start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
        end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
        value.data.ints.assign(x.begin() + start, x.begin() + std::max(start, end));
        value.shape = {static_cast<int64_t>(value.data.ints.size())};
      }
      define_constant(node.output(0), std::move(value));
      return;
    }

    if (standard && is_foldable(op) && try_fold(node, name, op, attrs, inputs)) return;
    if (op == "Reshape") check_batch_in_reshape(name, index, inputs);
    add_layer(node, name, op, attrs, inputs);
  }

  /// Folds a node whose inputs are all known constants; false when it cannot be folded here.
  bool try_fold(const onnx::NodeProto& node, const std::string& name, const std::string& op,
                const OpAttributes& attrs, const std::vector<TensorState*>& inputs) {
    std::vector<const KnownTensor*> values;
    for (TensorState* in : inputs) {
      if (in == nullptr) {
        values.push_back(nullptr);
        continue;
      }
      if (!in->is_constant) return false;
      const KnownTensor* v = known(*in);
      if (v == nullptr) return false;
      values.push_back(v);
    }
    std::optional<std::vector<KnownTensor>> folded;
    try {
      folded = fold_constants(op, attrs, values, static_cast<size_t>(node.output_size()));
    } catch (const OpError& e) {
      throw error(fmt::format("node '{}' ({}): {}", name, op, e.what()));
    }
    if (!folded) return false;
    for (size_t i = 0; i < folded->size() && i < static_cast<size_t>(node.output_size()); ++i) {
      if (!node.output(static_cast<int>(i)).empty())
        define_constant(node.output(static_cast<int>(i)), (*folded)[i]);
    }
    return true;
  }

  void add_layer(const onnx::NodeProto& node, const std::string& name, const std::string& op,
                 const OpAttributes& attrs, const std::vector<TensorState*>& inputs) {
    OpNode op_node;
    op_node.name = name;
    op_node.op = op;
    op_node.attrs = attrs;
    op_node.num_outputs = static_cast<size_t>(node.output_size());
    const std::vector<size_t>& args = argument_inputs(op);
    const std::vector<size_t>& buffers = buffer_inputs(op);
    std::vector<ModelGraph::TensorId> activations;
    std::vector<ModelGraph::WeightUse> weights;
    double traced = 0;  // weight elements that are not parameters (Constant nodes, folded constants)
    for (size_t i = 0; i < inputs.size(); ++i) {
      TensorState* in = inputs[i];
      OpInput input;
      if (in == nullptr) {
        input.kind = InputKind::ABSENT;
      } else if (in->is_constant) {
        const bool is_arg = std::find(args.begin(), args.end(), i) != args.end();
        input.kind = is_arg ? InputKind::ARGUMENT : InputKind::WEIGHT;
        input.shape = *in->shape;
        if (is_arg) {
          if (const KnownTensor* v = known(*in)) input.data = v->data;
        } else {
          if (!in->weight) in->weight = graph_.add_weight(node.input(static_cast<int>(i)), *in->shape);
          // Learned: an initializer read where the op learns it. Constant nodes and folded constants are
          // tensors the exporter computed while tracing (prior boxes, scalars): not parameters.
          const bool buffer = std::find(buffers.begin(), buffers.end(), i) != buffers.end();
          weights.push_back({*in->weight, in->initializer && !buffer});
          if (!in->initializer && !buffer) traced += element_count(*in->shape);
        }
      } else {
        input.kind = InputKind::ACTIVATION;
        input.shape = *in->shape;
        activations.push_back(*in->activation);
      }
      op_node.inputs.push_back(std::move(input));
    }

    std::optional<std::vector<Shape>> ours;
    try {
      ours = infer_output_shapes(op_node);
    } catch (const OpError& e) {
      throw error(fmt::format("node '{}' ({}): {}", name, op, e.what()));
    }
    std::vector<std::pair<std::string, Shape>> outputs;
    std::vector<Shape> shapes;
    for (int j = 0; j < node.output_size(); ++j) {
      const std::string& out = node.output(j);
      if (out.empty()) continue;
      const auto onnx_shape = inferred_.find(out);
      const bool have_ours = ours && static_cast<size_t>(j) < ours->size();
      Shape shape;
      if (onnx_shape != inferred_.end()) {
        shape = onnx_shape->second;
        if (have_ours && (*ours)[static_cast<size_t>(j)] != shape) {
          cfg_logger()->debug("{}: node '{}' ({}): ONNX infers {} for '{}', gpusim {}; using ONNX's", path_,
                              name, op, to_string(shape), out, to_string((*ours)[static_cast<size_t>(j)]));
        }
      } else if (have_ours) {
        shape = (*ours)[static_cast<size_t>(j)];
      } else {
        throw error(fmt::format("cannot determine the shape of tensor '{}' (output {} of node '{}', op {})",
                                out, j, name, op));
      }
      outputs.emplace_back(out, shape);
      shapes.push_back(shape);
    }

    LayerCost cost;
    try {
      cost = layer_cost(op_node, shapes, options_.precision);
    } catch (const OpError& e) {
      throw error(fmt::format("node '{}' ({}): {}", name, op, e.what()));
    }
    cost.params -= traced;
    if (!cost.has_formula) ++missing_[op];
    const auto ids = graph_.add_layer(std::move(cost), activations, weights, outputs);
    for (size_t k = 0; k < outputs.size(); ++k) {
      TensorState& t = tensors_[outputs[k].first];
      t.shape = outputs[k].second;
      t.activation = ids[k];
    }
  }

  void report_missing_formulas() const {
    if (missing_.empty()) return;
    std::vector<std::string> parts;
    for (const auto& [op, n] : missing_)
      parts.push_back(fmt::format("{} ({} node{})", op, n, n == 1 ? "" : "s"));
    const std::string list = fmt::format("{}", fmt::join(parts, ", "));
    if (options_.strict) throw error(fmt::format("no cost formula for: {}", list));
    cfg_logger()->warn("{}: no cost formula for: {}; counted with zero FLOPs and their activation bytes",
                       path_, list);
  }

  std::string path_;
  OnnxImportOptions options_;
  onnx::ModelProto model_;
  std::map<std::string, TensorState> tensors_;
  std::map<std::string, Shape> inferred_;
  std::map<std::string, size_t> missing_;
  std::vector<std::pair<std::string, Shape>> inputs_;  ///< real graph inputs with their fixed shapes
  std::optional<int64_t> exporter_batch_;              ///< dim 0 the file declares for its inputs
  std::vector<BatchPatch> batch_patches_;
  ModelGraph graph_;
};

}  // namespace

ModelCost import_onnx(const std::string& path, const OnnxImportOptions& options) {
  return Importer(path, options).run();
}

}  // namespace gpusim
