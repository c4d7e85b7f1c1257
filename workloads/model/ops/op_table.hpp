#pragma once
/// Internal: the table of op specs (shape function, cost formula, argument inputs) that op_cost.cpp
/// serves, and helpers shared by the op family files in this folder.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workloads/model/op_cost.hpp"

namespace gpusim::ops {

/// Counts in elements, before the precision turns them into bytes. layer_cost() fills the defaults
/// (activation inputs read, outputs written, weights held and streamed) before the op's formula runs;
/// a formula sets macs/flops and overrides a default only where the op differs.
struct OpCounts {
  double macs = 0;
  double flops = 0;
  double activation_read = 0;     ///< elements of ACTIVATION inputs the kernel reads
  double activation_written = 0;  ///< elements of outputs the kernel writes
  double weights = 0;             ///< elements of WEIGHT inputs (params + buffers)
  double buffers = 0;             ///< of which buffers (OpSpec::buffers): in weight bytes, not in params
  double weights_read = 0;        ///< elements of weights the kernel streams
  bool is_view = false;           ///< output aliases input 0; no kernel
};

using ShapeFn = std::function<std::optional<std::vector<Shape>>(const OpNode&)>;
using CostFn = std::function<void(const OpNode&, const std::vector<Shape>&, OpCounts&)>;

/// What gpusim knows about one op type.
struct OpSpec {
  OpSpec(ShapeFn shape_fn, CostFn cost_fn, std::vector<size_t> argument_inputs = {},
         std::vector<size_t> buffer_inputs = {})
      : shape(std::move(shape_fn)),
        cost(std::move(cost_fn)),
        arguments(std::move(argument_inputs)),
        buffers(std::move(buffer_inputs)) {}

  ShapeFn shape;                  ///< output shapes (nothing: unknown argument)
  CostFn cost;                    ///< the formula
  std::vector<size_t> arguments;  ///< input positions that are arguments when constant
  std::vector<size_t> buffers;    ///< WEIGHT positions that are not learned (BatchNorm running mean/var)
};

/// Op type -> spec.
class OpTable {
 public:
  /// Registers `op`; a second registration of the same op is an internal error.
  void add(const std::string& op, OpSpec spec);
  /// The spec of `op`, or null.
  const OpSpec* find(std::string_view op) const;
  /// All registered op types, sorted.
  std::vector<std::string> ops() const;

 private:
  std::map<std::string, OpSpec, std::less<>> specs_;
};

void add_conv_ops(OpTable& table);           ///< ops/conv.cpp: Conv, ConvTranspose, pooling
void add_matmul_ops(OpTable& table);         ///< ops/matmul.cpp: Gemm, MatMul
void add_elementwise_ops(OpTable& table);    ///< ops/elementwise.cpp: activations, arithmetic
void add_normalization_ops(OpTable& table);  ///< ops/normalization.cpp: norms, Softmax, reductions
void add_tensor_ops(OpTable& table);         ///< ops/tensor.cpp: views, copies, shape ops

/// One sliced axis of a Slice node after ONNX's clamping: elements start, start + step, ... (count of them).
struct SliceAxis {
  size_t axis = 0;
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = 0;
};
/// The sliced axes of a Slice node (opset 1-9 attributes or opset 10+ inputs); nothing when an input
/// argument is unknown. Throws OpError when inconsistent. Shared by the shape function and folding.
std::optional<std::vector<SliceAxis>> resolve_slice(const OpNode& node);

/// Shape of input i; throws OpError when the node lacks it.
const Shape& input_shape(const OpNode& node, size_t i);
/// Integer contents of input i when the node has it and it is known.
std::optional<std::vector<int64_t>> input_ints(const OpNode& node, size_t i);
/// Float contents of input i when the node has it and it is known.
std::optional<std::vector<double>> input_floats(const OpNode& node, size_t i);
/// `count` copies of `shape`.
std::vector<Shape> repeat_shape(const Shape& shape, size_t count);
/// Shape function: every output has input 0's shape.
std::optional<std::vector<Shape>> same_as_input(const OpNode& node);

}  // namespace gpusim::ops
