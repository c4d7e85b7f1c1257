// Element-wise ops: activations, unary math, broadcast arithmetic and comparisons.
//
// Convention: FLOPs = (FLOPs per output element) x numel(output); a transcendental function (exp, erf,
// log, sqrt, pow, sin...) counts as 1. Bytes follow the defaults: activation inputs read once, output
// written once, at the precision's element size. These are memory-bound kernels on a GPU.

#include <fmt/format.h>

#include "workloads/model/ops/op_table.hpp"

namespace gpusim::ops {
namespace {

/// Cost formula: `per_element` FLOPs per output element.
CostFn per_output_element(double per_element) {
  return [per_element](const OpNode&, const std::vector<Shape>& outputs, OpCounts& c) {
    c.flops = per_element * element_count(outputs.at(0));
  };
}

/// Shape function: numpy broadcast of every present input.
std::optional<std::vector<Shape>> broadcast_all(const OpNode& node) {
  if (!node.has_input(0)) throw OpError(node.op + " needs at least one input");
  Shape out = node.inputs[0].shape;
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    if (node.has_input(i)) out = broadcast_shapes(out, node.inputs[i].shape);
  }
  return std::vector<Shape>{out};
}

/// Shape function for ops whose extra inputs are optional scalars or broadcast parameters (Clip min/max).
std::optional<std::vector<Shape>> first_input(const OpNode& node) {
  return std::vector<Shape>{input_shape(node, 0)};
}

/// Number of present inputs.
double present_inputs(const OpNode& node) {
  double n = 0;
  for (size_t i = 0; i < node.inputs.size(); ++i) n += node.has_input(i) ? 1 : 0;
  return n;
}

}  // namespace

void add_elementwise_ops(OpTable& table) {
  // Unary ops, FLOPs per element:
  //   Relu 1 (max(x, 0)); LeakyRelu 2 (compare, multiply); Elu 4 (compare, exp, subtract, multiply);
  //   Selu 5 (Elu + scale); Sigmoid 4 (negate, exp, add 1, divide); Tanh 5 ((e^2x - 1) / (e^2x + 1):
  //   multiply, exp, subtract, add, divide); HardSigmoid 4 (alpha * x + beta: 2, clamp: 2);
  //   HardSwish 5 (x * HardSigmoid(x)); Softplus 3 (exp, add 1, log); Softsign 3 (abs, add 1, divide);
  //   Gelu 5 with the erf form (x / sqrt 2, erf, add 1, multiply by x, multiply by 0.5) or 13 with the
  //   tanh approximation (x^3: 2, * 0.044715, + x, * sqrt(2/pi), tanh: 5, + 1, * x, * 0.5);
  //   Erf, Exp, Log, Sqrt, Reciprocal, Neg, Abs, Floor, Ceil, Round, Sign, Sin, Cos, Not 1 each;
  //   Clip 2 (min, max).
  struct Unary {
    const char* op;
    double flops;
  };
  for (const Unary& u :
       {Unary{"Relu", 1},     Unary{"LeakyRelu", 2}, Unary{"Elu", 4},         Unary{"Selu", 5},
        Unary{"Sigmoid", 4},  Unary{"Tanh", 5},      Unary{"HardSigmoid", 4}, Unary{"HardSwish", 5},
        Unary{"Softplus", 3}, Unary{"Softsign", 3},  Unary{"Erf", 1},         Unary{"Exp", 1},
        Unary{"Log", 1},      Unary{"Sqrt", 1},      Unary{"Reciprocal", 1},  Unary{"Neg", 1},
        Unary{"Abs", 1},      Unary{"Floor", 1},     Unary{"Ceil", 1},        Unary{"Round", 1},
        Unary{"Sign", 1},     Unary{"Sin", 1},       Unary{"Cos", 1},         Unary{"Not", 1}}) {
    table.add(u.op, {same_as_input, per_output_element(u.flops), {}});
  }
  table.add("Gelu", {same_as_input,
                     [](const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
                       const bool tanh_form = node.attrs.get_string("approximate", "none") == "tanh";
                       c.flops = (tanh_form ? 13.0 : 5.0) * element_count(outputs.at(0));
                     },
                     {}});
  // Clip: min and max are inputs 1 and 2 from opset 11 (arguments), attributes before.
  table.add("Clip", {first_input, per_output_element(2), {1, 2}});

  // PRelu: y = x < 0 ? slope * x : x, slope broadcast (usually [C, 1, 1], a weight):
  //   FLOPs = 2 * numel(Y) (compare, multiply).
  table.add("PRelu", {broadcast_all, per_output_element(2), {}});

  // Binary ops with numpy broadcasting: FLOPs = numel(Y) (one operation per output element).
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "Greater", "LessOrEqual",
                         "GreaterOrEqual", "And", "Or", "Xor"}) {
    table.add(op, {broadcast_all, per_output_element(1), {}});
  }
  // Where(cond, a, b): FLOPs = numel(Y) (one select per element).
  table.add("Where", {broadcast_all, per_output_element(1), {}});

  // Variadic Sum/Max/Min over n inputs: FLOPs = (n - 1) * numel(Y); Mean adds one divide per element.
  for (const char* op : {"Sum", "Max", "Min", "Mean"}) {
    const bool mean = std::string_view(op) == "Mean";
    table.add(op, {broadcast_all,
                   [mean](const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
                     c.flops = (present_inputs(node) - 1 + (mean ? 1 : 0)) * element_count(outputs.at(0));
                   },
                   {}});
  }
}

}  // namespace gpusim::ops
