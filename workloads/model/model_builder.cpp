#include "workloads/model/model_builder.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/errors.hpp"
#include "workloads/model/model_graph.hpp"

namespace gpusim {

using Operand = ModelBuilder::Operand;

Operand Operand::activation(const Tensor& t) {
  return Operand{InputKind::ACTIVATION, t.id, t.shape, std::nullopt};
}

Operand Operand::weight(Shape shape) { return Operand{InputKind::WEIGHT, 0, std::move(shape), std::nullopt}; }

Operand Operand::argument(std::vector<int64_t> values) {
  ConstantData data;
  data.ints = std::move(values);
  const Shape shape{static_cast<int64_t>(data.ints.size())};
  return Operand{InputKind::ARGUMENT, 0, shape, std::move(data)};
}

Operand Operand::argument_floats(std::vector<double> values) {
  ConstantData data;
  data.is_float = true;
  data.floats = std::move(values);
  const Shape shape{static_cast<int64_t>(data.floats.size())};
  return Operand{InputKind::ARGUMENT, 0, shape, std::move(data)};
}

Operand Operand::absent() { return Operand{InputKind::ABSENT, 0, {}, std::nullopt}; }

ModelBuilder::ModelBuilder(std::string name) : name_(std::move(name)) {}

ModelBuilder& ModelBuilder::name_next(std::string name) {
  next_name_ = std::move(name);
  return *this;
}

ModelBuilder::Tensor ModelBuilder::input(const std::string& name, const Shape& shape) {
  for (int64_t d : shape) {
    if (d <= 0)
      throw ConfigError(
          fmt::format("model '{}': input '{}' has a non-positive dim in {}", name_, name, to_string(shape)));
  }
  shapes_.push_back(shape);
  tensor_names_.push_back(name);
  inputs_.push_back(shapes_.size() - 1);
  return Tensor{shapes_.size() - 1, shape};
}

void ModelBuilder::output(const Tensor& t) { outputs_.push_back(t.id); }

OpNode ModelBuilder::make_op_node(const Node& node, const std::vector<Shape>& shapes) const {
  OpNode op;
  op.name = node.name;
  op.op = node.op;
  op.attrs = node.attrs;
  op.num_outputs = node.num_outputs;
  for (const Operand& in : node.inputs) {
    OpInput input{in.kind, in.shape, in.data};
    if (in.kind == InputKind::ACTIVATION) input.shape = shapes.at(in.tensor);
    op.inputs.push_back(std::move(input));
  }
  return op;
}

std::vector<Shape> ModelBuilder::output_shapes(const OpNode& node) const {
  try {
    auto shapes = infer_output_shapes(node);
    if (!shapes) throw OpError("no shape function for this op, or an argument is missing");
    return *shapes;
  } catch (const OpError& e) {
    throw ConfigError(fmt::format("model '{}': layer '{}' ({}): {}", name_, node.name, node.op, e.what()));
  }
}

std::vector<ModelBuilder::Tensor> ModelBuilder::add_op(const std::string& op_type,
                                                       const std::vector<Operand>& inputs, OpAttributes attrs,
                                                       size_t num_outputs) {
  Node node;
  node.name = next_name_.empty() ? fmt::format("{}_{}", op_type, nodes_.size()) : next_name_;
  next_name_.clear();
  node.op = op_type;
  node.inputs = inputs;
  node.attrs = std::move(attrs);
  node.num_outputs = num_outputs;
  for (const Operand& in : inputs) {
    GPUSIM_CHECK(in.kind != InputKind::ACTIVATION || in.tensor < shapes_.size(),
                 "operand is not a tensor of this builder");
  }
  const std::vector<Shape> outs = output_shapes(make_op_node(node, shapes_));
  std::vector<Tensor> result;
  for (size_t i = 0; i < outs.size(); ++i) {
    shapes_.push_back(outs[i]);
    tensor_names_.push_back(i == 0 ? node.name : fmt::format("{}:{}", node.name, i));
    node.outputs.push_back(shapes_.size() - 1);
    result.push_back(Tensor{shapes_.size() - 1, outs[i]});
  }
  nodes_.push_back(std::move(node));
  return result;
}

ModelBuilder::Tensor ModelBuilder::op(const std::string& op_type, const std::vector<Operand>& inputs,
                                      OpAttributes attrs) {
  return add_op(op_type, inputs, std::move(attrs), 1).front();
}

int64_t ModelBuilder::channels(const Tensor& x, const std::string& what) const {
  if (x.shape.size() < 2) {
    throw ConfigError(
        fmt::format("model '{}': {} needs an input with channels, got {}", name_, what, to_string(x.shape)));
  }
  return x.shape[1];
}

// ---- convolutions and products --------------------------------------------------------------------

ModelBuilder::Tensor ModelBuilder::conv(const Tensor& x, int64_t cout, int64_t kernel, int64_t stride,
                                        int64_t pad, int64_t groups, bool bias, int64_t dilation) {
  ConvSpec spec;
  spec.out_channels = cout;
  spec.kernel = {kernel, kernel};
  spec.strides = {stride, stride};
  spec.pads = {pad, pad, pad, pad};
  spec.dilations = {dilation, dilation};
  spec.groups = groups;
  spec.bias = bias;
  return conv(x, spec);
}

ModelBuilder::Tensor ModelBuilder::conv(const Tensor& x, const ConvSpec& spec) {
  const int64_t cin = channels(x, "conv");
  if (spec.groups <= 0 || cin % spec.groups != 0) {
    throw ConfigError(
        fmt::format("model '{}': conv groups {} do not divide {} channels", name_, spec.groups, cin));
  }
  Shape w{spec.out_channels, cin / spec.groups};
  w.insert(w.end(), spec.kernel.begin(), spec.kernel.end());
  OpAttributes attrs;
  attrs.set("kernel_shape", spec.kernel).set("strides", spec.strides).set("pads", spec.pads);
  attrs.set("dilations", spec.dilations).set("group", spec.groups);
  std::vector<Operand> in{Operand::activation(x), Operand::weight(w)};
  if (spec.bias) in.push_back(Operand::weight({spec.out_channels}));
  return op("Conv", in, attrs);
}

ModelBuilder::Tensor ModelBuilder::depthwise_conv(const Tensor& x, int64_t kernel, int64_t stride,
                                                  int64_t pad, bool bias) {
  const int64_t c = channels(x, "depthwise_conv");
  return conv(x, c, kernel, stride, pad, c, bias);
}

ModelBuilder::Tensor ModelBuilder::conv_transpose(const Tensor& x, int64_t cout, int64_t kernel,
                                                  int64_t stride, int64_t pad, int64_t output_padding,
                                                  int64_t groups, bool bias) {
  const int64_t cin = channels(x, "conv_transpose");
  if (groups <= 0 || cout % groups != 0) {
    throw ConfigError(
        fmt::format("model '{}': conv_transpose groups {} do not divide {} outputs", name_, groups, cout));
  }
  OpAttributes attrs;
  attrs.set("kernel_shape", Shape{kernel, kernel}).set("strides", Shape{stride, stride});
  attrs.set("pads", Shape{pad, pad, pad, pad}).set("output_padding", Shape{output_padding, output_padding});
  attrs.set("group", groups);
  std::vector<Operand> in{Operand::activation(x), Operand::weight({cin, cout / groups, kernel, kernel})};
  if (bias) in.push_back(Operand::weight({cout}));
  return op("ConvTranspose", in, attrs);
}

ModelBuilder::Tensor ModelBuilder::gemm(const Tensor& x, int64_t n, bool bias) {
  if (x.shape.size() != 2)
    throw ConfigError(fmt::format("model '{}': gemm needs [M, K], got {}", name_, to_string(x.shape)));
  std::vector<Operand> in{Operand::activation(x), Operand::weight({n, x.shape[1]})};
  if (bias) in.push_back(Operand::weight({n}));
  return op("Gemm", in, OpAttributes{}.set("transB", int64_t{1}));
}

ModelBuilder::Tensor ModelBuilder::linear(const Tensor& x, int64_t n, bool bias) {
  if (x.shape.empty())
    throw ConfigError(fmt::format("model '{}': linear needs a tensor, got a scalar", name_));
  Tensor y = op("MatMul", {Operand::activation(x), Operand::weight({x.shape.back(), n})});
  return bias ? binary_with_constant("Add", y, {n}) : y;
}

ModelBuilder::Tensor ModelBuilder::matmul(const Tensor& a, const Tensor& b) {
  return op("MatMul", {Operand::activation(a), Operand::activation(b)});
}

// ---- normalisation and element-wise ---------------------------------------------------------------

ModelBuilder::Tensor ModelBuilder::batch_norm(const Tensor& x) {
  const int64_t c = channels(x, "batch_norm");
  return op("BatchNormalization", {Operand::activation(x), Operand::weight({c}), Operand::weight({c}),
                                   Operand::weight({c}), Operand::weight({c})});
}

ModelBuilder::Tensor ModelBuilder::layer_norm(const Tensor& x, int64_t axis) {
  size_t first = 0;
  try {
    first = normalize_axis(axis, x.shape.size());
  } catch (const OpError& e) {
    throw ConfigError(fmt::format("model '{}': layer_norm: {}", name_, e.what()));
  }
  const Shape normalized(x.shape.begin() + static_cast<std::ptrdiff_t>(first), x.shape.end());
  return op("LayerNormalization",
            {Operand::activation(x), Operand::weight(normalized), Operand::weight(normalized)},
            OpAttributes{}.set("axis", axis));
}

ModelBuilder::Tensor ModelBuilder::instance_norm(const Tensor& x) {
  const int64_t c = channels(x, "instance_norm");
  return op("InstanceNormalization", {Operand::activation(x), Operand::weight({c}), Operand::weight({c})});
}

ModelBuilder::Tensor ModelBuilder::unary(const std::string& op_type, const Tensor& x, OpAttributes attrs) {
  return op(op_type, {Operand::activation(x)}, std::move(attrs));
}

ModelBuilder::Tensor ModelBuilder::leaky_relu(const Tensor& x, double alpha) {
  return unary("LeakyRelu", x, OpAttributes{}.set("alpha", alpha));
}

ModelBuilder::Tensor ModelBuilder::clip(const Tensor& x, double lo, double hi) {
  return unary("Clip", x, OpAttributes{}.set("min", lo).set("max", hi));
}

ModelBuilder::Tensor ModelBuilder::prelu(const Tensor& x) {
  const int64_t c = channels(x, "prelu");
  Shape slope(x.shape.size() - 1, 1);  // [C, 1, 1] broadcasts over [N, C, H, W]
  slope[0] = c;
  return op("PRelu", {Operand::activation(x), Operand::weight(slope)});
}

ModelBuilder::Tensor ModelBuilder::binary(const std::string& op_type, const Tensor& a, const Tensor& b) {
  return op(op_type, {Operand::activation(a), Operand::activation(b)});
}

ModelBuilder::Tensor ModelBuilder::binary_with_constant(const std::string& op_type, const Tensor& x,
                                                        const Shape& constant) {
  return op(op_type, {Operand::activation(x), Operand::weight(constant)});
}

// ---- pooling and the rest -------------------------------------------------------------------------

ModelBuilder::Tensor ModelBuilder::max_pool(const Tensor& x, int64_t kernel, int64_t stride, int64_t pad,
                                            bool ceil_mode) {
  OpAttributes attrs;
  attrs.set("kernel_shape", Shape{kernel, kernel}).set("strides", Shape{stride, stride});
  attrs.set("pads", Shape{pad, pad, pad, pad}).set("ceil_mode", int64_t{ceil_mode ? 1 : 0});
  return unary("MaxPool", x, attrs);
}

ModelBuilder::Tensor ModelBuilder::avg_pool(const Tensor& x, int64_t kernel, int64_t stride, int64_t pad,
                                            bool ceil_mode) {
  OpAttributes attrs;
  attrs.set("kernel_shape", Shape{kernel, kernel}).set("strides", Shape{stride, stride});
  attrs.set("pads", Shape{pad, pad, pad, pad}).set("ceil_mode", int64_t{ceil_mode ? 1 : 0});
  return unary("AveragePool", x, attrs);
}

ModelBuilder::Tensor ModelBuilder::global_avg_pool(const Tensor& x) { return unary("GlobalAveragePool", x); }

ModelBuilder::Tensor ModelBuilder::global_max_pool(const Tensor& x) { return unary("GlobalMaxPool", x); }

ModelBuilder::Tensor ModelBuilder::softmax(const Tensor& x, int64_t axis) {
  return unary("Softmax", x, OpAttributes{}.set("axis", axis));
}

ModelBuilder::Tensor ModelBuilder::concat(const std::vector<Tensor>& xs, int64_t axis) {
  std::vector<Operand> in;
  for (const Tensor& x : xs) in.push_back(Operand::activation(x));
  return op("Concat", in, OpAttributes{}.set("axis", axis));
}

std::vector<ModelBuilder::Tensor> ModelBuilder::split(const Tensor& x, int64_t axis,
                                                      const std::vector<int64_t>& sizes) {
  return add_op("Split", {Operand::activation(x), Operand::argument(sizes)}, OpAttributes{}.set("axis", axis),
                sizes.size());
}

ModelBuilder::Tensor ModelBuilder::slice(const Tensor& x, int64_t axis, int64_t start, int64_t end,
                                         int64_t step) {
  return op("Slice", {Operand::activation(x), Operand::argument({start}), Operand::argument({end}),
                      Operand::argument({axis}), Operand::argument({step})});
}

ModelBuilder::Tensor ModelBuilder::reshape(const Tensor& x, const Shape& target) {
  return op("Reshape", {Operand::activation(x), Operand::argument(target)});
}

ModelBuilder::Tensor ModelBuilder::flatten(const Tensor& x, int64_t axis) {
  return unary("Flatten", x, OpAttributes{}.set("axis", axis));
}

ModelBuilder::Tensor ModelBuilder::transpose(const Tensor& x, const Shape& perm) {
  return unary("Transpose", x, OpAttributes{}.set("perm", perm));
}

ModelBuilder::Tensor ModelBuilder::squeeze(const Tensor& x, const Shape& axes) {
  return op("Squeeze", {Operand::activation(x), Operand::argument(axes)});
}

ModelBuilder::Tensor ModelBuilder::unsqueeze(const Tensor& x, const Shape& axes) {
  return op("Unsqueeze", {Operand::activation(x), Operand::argument(axes)});
}

ModelBuilder::Tensor ModelBuilder::identity(const Tensor& x) { return unary("Identity", x); }

ModelBuilder::Tensor ModelBuilder::dropout(const Tensor& x) { return unary("Dropout", x); }

ModelBuilder::Tensor ModelBuilder::pad(const Tensor& x, const Shape& pads) {
  return op("Pad", {Operand::activation(x), Operand::argument(pads)});
}

ModelBuilder::Tensor ModelBuilder::resize(const Tensor& x, const std::vector<double>& scales,
                                          const std::string& mode) {
  return op("Resize", {Operand::activation(x), Operand::absent(), Operand::argument_floats(scales)},
            OpAttributes{}.set("mode", mode));
}

ModelBuilder::Tensor ModelBuilder::reduce_mean(const Tensor& x, const Shape& axes, bool keepdims) {
  return unary("ReduceMean", x, OpAttributes{}.set("axes", axes).set("keepdims", int64_t{keepdims ? 1 : 0}));
}

ModelBuilder::Tensor ModelBuilder::gather(const Tensor& data, const Tensor& indices, int64_t axis) {
  return op("Gather", {Operand::activation(data), Operand::activation(indices)},
            OpAttributes{}.set("axis", axis));
}

ModelBuilder::Tensor ModelBuilder::embedding(const Tensor& ids, int64_t vocab, int64_t dim) {
  return op("Gather", {Operand::weight({vocab, dim}), Operand::activation(ids)});
}

// ---- build ----------------------------------------------------------------------------------------

ModelCost ModelBuilder::build(int64_t batch, Precision precision) const {
  if (batch <= 0) throw ConfigError(fmt::format("model '{}': batch must be positive, got {}", name_, batch));
  // Replay every op at the new batch: inputs get dim 0 = batch, everything else is recomputed.
  std::vector<Shape> shapes(shapes_.size());
  std::vector<ModelGraph::TensorId> graph_ids(shapes_.size());
  ModelGraph graph;
  for (size_t id : inputs_) {
    shapes[id] = shapes_[id];
    if (!shapes[id].empty()) shapes[id][0] = batch;
    graph_ids[id] = graph.add_input(tensor_names_[id], shapes[id]);
  }
  for (const Node& node : nodes_) {
    const OpNode op = make_op_node(node, shapes);
    const std::vector<Shape> outs = output_shapes(op);
    LayerCost cost;
    try {
      cost = layer_cost(op, outs, precision);
    } catch (const OpError& e) {
      throw ConfigError(fmt::format("model '{}': layer '{}' ({}): {}", name_, node.name, node.op, e.what()));
    }
    std::vector<ModelGraph::TensorId> activations;
    std::vector<ModelGraph::WeightUse> weights;
    const std::vector<size_t>& buffers = buffer_inputs(node.op);
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (node.inputs[i].kind == InputKind::ACTIVATION)
        activations.push_back(graph_ids[node.inputs[i].tensor]);
      if (node.inputs[i].kind == InputKind::WEIGHT) {
        const bool learnable = std::find(buffers.begin(), buffers.end(), i) == buffers.end();
        weights.push_back({graph.add_weight(fmt::format("{}.w{}", node.name, i), node.inputs[i].shape),
                           learnable});
      }
    }
    std::vector<std::pair<std::string, Shape>> named;
    for (size_t i = 0; i < outs.size() && i < node.outputs.size(); ++i) {
      shapes[node.outputs[i]] = outs[i];
      named.emplace_back(tensor_names_[node.outputs[i]], outs[i]);
    }
    const auto ids = graph.add_layer(std::move(cost), activations, weights, named);
    for (size_t i = 0; i < ids.size(); ++i) graph_ids[node.outputs[i]] = ids[i];
  }
  for (size_t id : outputs_) graph.mark_output(graph_ids[id]);
  return graph.finish(name_, precision);
}

}  // namespace gpusim
