#pragma once
/// Per-op shape functions and cost formulas, shared by the ONNX importer and the ModelBuilder.
///
/// An op is described in ONNX terms (op type, attributes, inputs); each input is an activation, a
/// weight (a constant the kernel reads), an argument (a constant that only parameterises the op, such
/// as Reshape's target shape or Slice's starts) or absent (an omitted optional input). The formulas
/// live in ops/*.cpp, one file per op family, each documented next to its code.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/precision.hpp"
#include "workloads/model/model_cost.hpp"
#include "workloads/model/shape.hpp"

namespace gpusim {

/// Node attributes in ONNX terms; a missing attribute takes the caller's fallback (the op's default).
class OpAttributes {
 public:
  /// Sets an integer attribute (stored as a one-element list).
  OpAttributes& set(const std::string& name, int64_t value);
  /// Sets an integer-list attribute.
  OpAttributes& set(const std::string& name, std::vector<int64_t> values);
  /// Sets a float attribute.
  OpAttributes& set(const std::string& name, double value);
  /// Sets a float-list attribute.
  OpAttributes& set(const std::string& name, std::vector<double> values);
  /// Sets a string attribute.
  OpAttributes& set(const std::string& name, std::string value);

  /// True when an attribute of any kind has this name.
  bool has(const std::string& name) const;
  /// An integer attribute, or `fallback`.
  int64_t get_int(const std::string& name, int64_t fallback) const;
  /// An integer-list attribute, or `fallback`.
  std::vector<int64_t> get_ints(const std::string& name, std::vector<int64_t> fallback = {}) const;
  /// A float attribute, or `fallback`.
  double get_float(const std::string& name, double fallback) const;
  /// A float-list attribute, or `fallback`.
  std::vector<double> get_floats(const std::string& name, std::vector<double> fallback = {}) const;
  /// A string attribute, or `fallback`.
  std::string get_string(const std::string& name, std::string fallback) const;

 private:
  std::map<std::string, std::vector<int64_t>> ints_;
  std::map<std::string, std::vector<double>> floats_;
  std::map<std::string, std::string> strings_;
};

/// The contents of a constant tensor, as integers (integer and bool types) or as doubles.
struct ConstantData {
  bool is_float = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  /// Number of elements.
  size_t size() const { return is_float ? floats.size() : ints.size(); }
  /// Element i as an integer (floats truncated toward zero, saturating at the int64 range).
  int64_t int_at(size_t i) const;
  /// Element i as a double.
  double float_at(size_t i) const;
  /// All elements as integers.
  std::vector<int64_t> as_ints() const;
  /// All elements as doubles.
  std::vector<double> as_floats() const;
};

/// How an op uses one of its inputs.
enum class InputKind {
  ACTIVATION,  ///< produced at run time; its bytes are read by the kernel
  WEIGHT,      ///< constant the kernel reads (counted in params and weight bytes)
  ARGUMENT,    ///< constant that only parameterises the op (Reshape shape, Slice starts, Pad pads...)
  ABSENT,      ///< omitted optional input (ONNX empty name)
};

/// One input of an op.
struct OpInput {
  InputKind kind = InputKind::ACTIVATION;
  Shape shape;
  std::optional<ConstantData> data;  ///< contents, when known (always wanted for ARGUMENT inputs)
};

/// An op to shape and cost.
struct OpNode {
  std::string name;
  std::string op;
  std::vector<OpInput> inputs;
  OpAttributes attrs;
  size_t num_outputs = 1;  ///< outputs the node declares (Split; optional outputs of BN/Dropout/MaxPool)

  /// Input i, or an ABSENT input when the node has fewer.
  const OpInput& input(size_t i) const;
  /// True when input i exists and is not ABSENT.
  bool has_input(size_t i) const;
};

/// Output shapes of `node`. Nothing when the op has no shape function here or an argument it needs is
/// not known (e.g. Reshape to a run-time shape). Throws OpError when the inputs are inconsistent.
std::optional<std::vector<Shape>> infer_output_shapes(const OpNode& node);

/// Cost of `node` producing `outputs` at `precision`. An op without a formula gets has_formula = false,
/// zero FLOPs, its weights, and its activation inputs read and outputs written.
/// Throws OpError when the inputs are inconsistent.
LayerCost layer_cost(const OpNode& node, const std::vector<Shape>& outputs, Precision precision);

/// The shape of the kernel that runs `node` producing `outputs` (kernel_shape.cpp): Conv/ConvTranspose,
/// Gemm and MatMul as GEMMs (a depth-wise convolution as element-wise: a direct kernel over its
/// outputs); Softmax, Layer/InstanceNormalization, global pooling and Reduce* as reductions; every other
/// op element-wise over its first output. FILL when a shape it needs is missing.
KernelShape kernel_shape(const OpNode& node, const std::vector<Shape>& outputs);

/// True when `op` has a cost formula.
bool has_cost_formula(std::string_view op);

/// Input positions of `op` that are arguments, not weights, when they are constants.
const std::vector<size_t>& argument_inputs(std::string_view op);

/// Weight positions of `op` that are buffers, not learned parameters (BatchNormalization's running mean
/// and variance, inputs 3 and 4): counted in weight bytes, not in params (as torchvision and thop count).
const std::vector<size_t>& buffer_inputs(std::string_view op);

/// Every op type with a cost formula, sorted.
std::vector<std::string> costed_ops();

}  // namespace gpusim
