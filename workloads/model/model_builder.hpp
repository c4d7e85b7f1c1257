#pragma once
/// Builds a ModelCost from a hand-described graph (tests, the model zoo), through the same shape
/// functions and cost formulas as the ONNX importer.
///
/// Shapes include the batch as dim 0 of every input; build(batch, ...) replaces it and recomputes every
/// shape, so a described architecture serves any batch. Ops that take explicit shapes (reshape) should
/// write 0 (copy) or -1 (infer) for the batch dim.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "workloads/model/model_cost.hpp"
#include "workloads/model/op_cost.hpp"

namespace gpusim {

/// Describes a model op by op; each call returns the tensors it produces.
class ModelBuilder {
 public:
  /// A tensor of the model being built, with its shape at the batch given to input().
  struct Tensor {
    size_t id = 0;
    Shape shape;
  };

  /// One input of a generic op.
  struct Operand {
    InputKind kind = InputKind::ACTIVATION;
    size_t tensor = 0;                 ///< ACTIVATION: the tensor id
    Shape shape;                       ///< WEIGHT: its shape; ARGUMENT: its shape
    std::optional<ConstantData> data;  ///< ARGUMENT: its contents

    /// A tensor produced earlier.
    static Operand activation(const Tensor& t);
    /// A weight of this shape.
    static Operand weight(Shape shape);
    /// An integer argument (Reshape's shape, Slice's starts...).
    static Operand argument(std::vector<int64_t> values);
    /// A float argument (Resize's scales).
    static Operand argument_floats(std::vector<double> values);
    /// An omitted optional input.
    static Operand absent();
  };

  /// 2-D convolution geometry beyond the square shorthand of conv().
  struct ConvSpec {
    int64_t out_channels = 0;
    Shape kernel{3, 3};
    Shape strides{1, 1};
    Shape pads{0, 0, 0, 0};  ///< begin_h, begin_w, end_h, end_w
    Shape dilations{1, 1};
    int64_t groups = 1;
    bool bias = true;
  };

  /// A builder for the model called `name`.
  explicit ModelBuilder(std::string name);

  /// Names the next op (otherwise "Op_<index>", as PyTorch's exporter does).
  ModelBuilder& name_next(std::string name);

  /// A graph input; dim 0 is the batch.
  Tensor input(const std::string& name, const Shape& shape);
  /// Marks `t` as a graph output.
  void output(const Tensor& t);

  /// Any op in ONNX terms; returns its outputs. Throws ConfigError when the inputs are inconsistent.
  std::vector<Tensor> add_op(const std::string& op_type, const std::vector<Operand>& inputs,
                             OpAttributes attrs = {}, size_t num_outputs = 1);
  /// add_op for single-output ops.
  Tensor op(const std::string& op_type, const std::vector<Operand>& inputs, OpAttributes attrs = {});

  /// Square 2-D convolution: weight [cout, cin/groups, k, k], bias [cout].
  Tensor conv(const Tensor& x, int64_t cout, int64_t kernel, int64_t stride = 1, int64_t pad = 0,
              int64_t groups = 1, bool bias = true, int64_t dilation = 1);
  /// 2-D convolution with explicit geometry.
  Tensor conv(const Tensor& x, const ConvSpec& spec);
  /// Depth-wise 2-D convolution (groups = channels = output channels).
  Tensor depthwise_conv(const Tensor& x, int64_t kernel, int64_t stride = 1, int64_t pad = 0,
                        bool bias = true);
  /// Square 2-D transposed convolution: weight [cin, cout/groups, k, k].
  Tensor conv_transpose(const Tensor& x, int64_t cout, int64_t kernel, int64_t stride = 1, int64_t pad = 0,
                        int64_t output_padding = 0, int64_t groups = 1, bool bias = true);
  /// Fully connected layer on [M, K] as Gemm with weight [n, K] (PyTorch layout, transB = 1), bias [n].
  Tensor gemm(const Tensor& x, int64_t n, bool bias = true);
  /// Linear layer on [..., K] as MatMul with weight [K, n], then Add of bias [n] (as exporters emit it).
  Tensor linear(const Tensor& x, int64_t n, bool bias = true);
  /// Product of two activations (attention scores and contexts).
  Tensor matmul(const Tensor& a, const Tensor& b);

  /// BatchNormalization over dim 1 (scale, bias, mean, variance weights).
  Tensor batch_norm(const Tensor& x);
  /// LayerNormalization over dims [axis, rank) with scale and bias.
  Tensor layer_norm(const Tensor& x, int64_t axis = -1);
  /// InstanceNormalization with per-channel scale and bias.
  Tensor instance_norm(const Tensor& x);

  /// A unary element-wise op without weights ("Relu", "Sigmoid", "Erf"...).
  Tensor unary(const std::string& op, const Tensor& x, OpAttributes attrs = {});
  Tensor relu(const Tensor& x) { return unary("Relu", x); }                 ///< max(x, 0)
  Tensor sigmoid(const Tensor& x) { return unary("Sigmoid", x); }           ///< logistic
  Tensor tanh(const Tensor& x) { return unary("Tanh", x); }                 ///< hyperbolic tangent
  Tensor hard_swish(const Tensor& x) { return unary("HardSwish", x); }      ///< x * HardSigmoid(x)
  Tensor hard_sigmoid(const Tensor& x) { return unary("HardSigmoid", x); }  ///< clamp(x / 6 + 0.5)
  Tensor gelu(const Tensor& x) { return unary("Gelu", x); }                 ///< erf form
  Tensor erf(const Tensor& x) { return unary("Erf", x); }                   ///< error function
  Tensor sqrt(const Tensor& x) { return unary("Sqrt", x); }                 ///< square root
  /// LeakyRelu with slope `alpha`.
  Tensor leaky_relu(const Tensor& x, double alpha = 0.01);
  /// Clip to [lo, hi] (ReLU6 is clip(x, 0, 6)).
  Tensor clip(const Tensor& x, double lo, double hi);
  /// PRelu with one learned slope per channel (dim 1).
  Tensor prelu(const Tensor& x);

  /// A broadcast binary op of two activations ("Add", "Mul", "Sub", "Div", "Pow").
  Tensor binary(const std::string& op, const Tensor& a, const Tensor& b);
  Tensor add(const Tensor& a, const Tensor& b) { return binary("Add", a, b); }  ///< a + b
  Tensor sub(const Tensor& a, const Tensor& b) { return binary("Sub", a, b); }  ///< a - b
  Tensor mul(const Tensor& a, const Tensor& b) { return binary("Mul", a, b); }  ///< a * b
  Tensor div(const Tensor& a, const Tensor& b) { return binary("Div", a, b); }  ///< a / b
  /// A broadcast binary op of an activation and a constant of shape `constant` (a weight).
  Tensor binary_with_constant(const std::string& op, const Tensor& x, const Shape& constant);

  /// Square max pooling.
  Tensor max_pool(const Tensor& x, int64_t kernel, int64_t stride, int64_t pad = 0, bool ceil_mode = false);
  /// Square average pooling.
  Tensor avg_pool(const Tensor& x, int64_t kernel, int64_t stride, int64_t pad = 0, bool ceil_mode = false);
  /// Global average pooling to [N, C, 1, 1].
  Tensor global_avg_pool(const Tensor& x);
  /// Global max pooling to [N, C, 1, 1].
  Tensor global_max_pool(const Tensor& x);
  /// Softmax along `axis`.
  Tensor softmax(const Tensor& x, int64_t axis = -1);

  /// Concatenation along `axis`.
  Tensor concat(const std::vector<Tensor>& xs, int64_t axis);
  /// Split along `axis` into parts of `sizes`.
  std::vector<Tensor> split(const Tensor& x, int64_t axis, const std::vector<int64_t>& sizes);
  /// x[start:end:step] along `axis`.
  Tensor slice(const Tensor& x, int64_t axis, int64_t start, int64_t end, int64_t step = 1);
  /// Reshape (ONNX rules: 0 copies the input dim, -1 infers one dim).
  Tensor reshape(const Tensor& x, const Shape& target);
  /// Flatten to 2-D at `axis`.
  Tensor flatten(const Tensor& x, int64_t axis = 1);
  /// Permute the dims.
  Tensor transpose(const Tensor& x, const Shape& perm);
  /// Remove the size-1 dims `axes`.
  Tensor squeeze(const Tensor& x, const Shape& axes);
  /// Insert size-1 dims at `axes`.
  Tensor unsqueeze(const Tensor& x, const Shape& axes);
  /// Identity (a view).
  Tensor identity(const Tensor& x);
  /// Dropout at inference (a view).
  Tensor dropout(const Tensor& x);
  /// Constant zero padding, pads = [begin per dim..., end per dim...].
  Tensor pad(const Tensor& x, const Shape& pads);
  /// Resize by per-dim scales; mode "nearest", "linear" or "cubic".
  Tensor resize(const Tensor& x, const std::vector<double>& scales, const std::string& mode = "nearest");
  /// ReduceMean over `axes`.
  Tensor reduce_mean(const Tensor& x, const Shape& axes, bool keepdims = true);
  /// Gather from an activation `data` along `axis` with activation `indices`.
  Tensor gather(const Tensor& data, const Tensor& indices, int64_t axis = 0);
  /// Embedding lookup: Gather rows of a [vocab, dim] weight table with activation `ids`.
  Tensor embedding(const Tensor& ids, int64_t vocab, int64_t dim);

  /// The model at `batch` (replacing dim 0 of every input) and `precision`.
  /// Throws ConfigError when a shape no longer works at that batch.
  ModelCost build(int64_t batch, Precision precision) const;

 private:
  struct Node {
    std::string name;
    std::string op;
    std::vector<Operand> inputs;
    OpAttributes attrs;
    size_t num_outputs = 1;
    std::vector<size_t> outputs;  ///< tensor ids
  };

  /// OpNode for `node` with activation shapes from `shapes`.
  OpNode make_op_node(const Node& node, const std::vector<Shape>& shapes) const;
  /// Output shapes of `node`, or a ConfigError naming the model and the layer.
  std::vector<Shape> output_shapes(const OpNode& node) const;
  /// Channels (dim 1) of `x`, or a ConfigError.
  int64_t channels(const Tensor& x, const std::string& what) const;

  std::string name_;
  std::string next_name_;
  std::vector<Node> nodes_;
  std::vector<Shape> shapes_;  ///< tensor id -> shape at the declared batch
  std::vector<std::string> tensor_names_;
  std::vector<size_t> inputs_;
  std::vector<size_t> outputs_;
};

}  // namespace gpusim
