#include "workloads/model/shape_folding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "workloads/model/ops/op_table.hpp"

namespace gpusim {
namespace {

constexpr int64_t INT64_MAX_V = std::numeric_limits<int64_t>::max();
constexpr int64_t INT64_MIN_V = std::numeric_limits<int64_t>::min();

size_t count(const Shape& s) { return static_cast<size_t>(element_count(s)); }

/// Row-major strides of `s`.
std::vector<size_t> strides_of(const Shape& s) {
  std::vector<size_t> st(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * static_cast<size_t>(s[i]);
  return st;
}

/// Calls f(multi_index, flat) for every element of `shape` in row-major order.
void for_each_index(const Shape& shape, const std::function<void(const std::vector<int64_t>&, size_t)>& f) {
  const size_t n = count(shape);
  std::vector<int64_t> idx(shape.size(), 0);
  for (size_t flat = 0; flat < n; ++flat) {
    f(idx, flat);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

/// For each element of `out`, the flat index of the element of `in` it reads under numpy broadcasting.
std::vector<size_t> broadcast_map(const Shape& in, const Shape& out) {
  const std::vector<size_t> st = strides_of(in);
  const size_t offset = out.size() - in.size();
  std::vector<size_t> map(count(out));
  for_each_index(out, [&](const std::vector<int64_t>& idx, size_t flat) {
    size_t src = 0;
    for (size_t d = 0; d < in.size(); ++d) {
      if (in[d] != 1) src += static_cast<size_t>(idx[d + offset]) * st[d];
    }
    map[flat] = src;
  });
  return map;
}

/// A tensor of `shape` made of the elements `picks` (flat indices) of `src`.
KnownTensor pick(const KnownTensor& src, const Shape& shape, const std::vector<size_t>& picks) {
  KnownTensor out{shape, {}};
  out.data.is_float = src.data.is_float;
  for (size_t p : picks) {
    if (src.data.is_float) {
      out.data.floats.push_back(src.data.floats.at(p));
    } else {
      out.data.ints.push_back(src.data.ints.at(p));
    }
  }
  return out;
}

/// The OpNode a shape function needs: inputs with their contents, argument positions marked.
OpNode node_for(const std::string& op, const OpAttributes& attrs,
                const std::vector<const KnownTensor*>& inputs, size_t num_outputs) {
  OpNode node;
  node.name = op;
  node.op = op;
  node.attrs = attrs;
  node.num_outputs = num_outputs;
  const std::vector<size_t>& args = argument_inputs(op);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == nullptr) {
      node.inputs.push_back(OpInput{InputKind::ABSENT, {}, std::nullopt});
      continue;
    }
    const bool is_arg = std::find(args.begin(), args.end(), i) != args.end();
    node.inputs.push_back(
        OpInput{is_arg ? InputKind::ARGUMENT : InputKind::ACTIVATION, inputs[i]->shape, inputs[i]->data});
  }
  return node;
}

std::vector<Shape> shapes_for(const OpNode& node) {
  auto shapes = infer_output_shapes(node);
  if (!shapes) throw OpError(node.op + ": cannot infer the shape of a constant");
  return *shapes;
}

int64_t saturate(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2e18) return INT64_MAX_V;
  if (v <= -9.2e18) return INT64_MIN_V;
  return static_cast<int64_t>(v);
}

/// Integer arithmetic that saturates instead of overflowing (shape code uses INT64_MAX as "to the end").
int64_t int_binary(const std::string& op, int64_t a, int64_t b) {
  int64_t r = 0;
  if (op == "Add") return __builtin_add_overflow(a, b, &r) ? (b > 0 ? INT64_MAX_V : INT64_MIN_V) : r;
  if (op == "Sub") return __builtin_sub_overflow(a, b, &r) ? (b < 0 ? INT64_MAX_V : INT64_MIN_V) : r;
  if (op == "Mul")
    return __builtin_mul_overflow(a, b, &r) ? ((a < 0) != (b < 0) ? INT64_MIN_V : INT64_MAX_V) : r;
  if (op == "Div") {
    if (b == 0) throw OpError("integer division by zero in a constant sub-graph");
    if (a == INT64_MIN_V && b == -1) return INT64_MAX_V;
    return a / b;  // truncation toward zero, as ONNX runtimes do
  }
  if (op == "Pow") return saturate(std::round(std::pow(static_cast<double>(a), static_cast<double>(b))));
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  if (op == "Sum") return int_binary("Add", a, b);
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "LessOrEqual") return a <= b;
  if (op == "GreaterOrEqual") return a >= b;
  if (op == "And") return (a != 0) && (b != 0);
  if (op == "Or") return (a != 0) || (b != 0);
  throw OpError(op + ": not foldable");
}

double float_binary(const std::string& op, double a, double b) {
  if (op == "Add" || op == "Sum") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Pow") return std::pow(a, b);
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  throw OpError(op + ": not foldable");
}

bool is_comparison(const std::string& op) {
  return op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" || op == "GreaterOrEqual" ||
         op == "And" || op == "Or";
}

/// Broadcast binary op; comparisons give integers (bool), otherwise float if either side is float.
KnownTensor binary(const std::string& op, const KnownTensor& a, const KnownTensor& b) {
  const Shape shape = broadcast_shapes(a.shape, b.shape);
  const auto ma = broadcast_map(a.shape, shape);
  const auto mb = broadcast_map(b.shape, shape);
  KnownTensor out{shape, {}};
  const bool as_float = !is_comparison(op) && (a.data.is_float || b.data.is_float);
  out.data.is_float = as_float;
  for (size_t i = 0; i < ma.size(); ++i) {
    if (as_float) {
      out.data.floats.push_back(float_binary(op, a.data.float_at(ma[i]), b.data.float_at(mb[i])));
    } else if (is_comparison(op) && (a.data.is_float || b.data.is_float)) {
      const double x = a.data.float_at(ma[i]), y = b.data.float_at(mb[i]);
      const bool r = op == "Equal"            ? x == y
                     : op == "Less"           ? x < y
                     : op == "Greater"        ? x > y
                     : op == "LessOrEqual"    ? x <= y
                     : op == "GreaterOrEqual" ? x >= y
                     : op == "And"            ? (x != 0 && y != 0)
                                              : (x != 0 || y != 0);
      out.data.ints.push_back(r ? 1 : 0);
    } else {
      out.data.ints.push_back(int_binary(op, a.data.int_at(ma[i]), b.data.int_at(mb[i])));
    }
  }
  return out;
}

KnownTensor unary(const std::string& op, const KnownTensor& x) {
  KnownTensor out = x;
  if (op == "Neg" || op == "Abs") {
    for (auto& v : out.data.floats) v = op == "Neg" ? -v : std::fabs(v);
    for (auto& v : out.data.ints) v = v == INT64_MIN_V ? INT64_MAX_V : (op == "Neg" ? -v : std::llabs(v));
    return out;
  }
  if (op == "Not") {
    out.data = ConstantData{};
    for (size_t i = 0; i < x.data.size(); ++i) out.data.ints.push_back(x.data.float_at(i) == 0 ? 1 : 0);
    return out;
  }
  // Sqrt, Floor, Ceil: float functions (integers pass through Floor/Ceil unchanged).
  if (!out.data.is_float && (op == "Floor" || op == "Ceil")) return out;
  out.data = ConstantData{};
  out.data.is_float = true;
  for (size_t i = 0; i < x.data.size(); ++i) {
    const double v = x.data.float_at(i);
    out.data.floats.push_back(op == "Sqrt" ? std::sqrt(v) : op == "Floor" ? std::floor(v) : std::ceil(v));
  }
  return out;
}

/// ONNX TensorProto data types that hold floating-point values.
bool is_float_type(int64_t onnx_type) {
  return onnx_type == 1 || onnx_type == 10 || onnx_type == 11 ||
         onnx_type == 16;  // FLOAT FLOAT16 DOUBLE BFLOAT16
}

KnownTensor cast(const KnownTensor& x, int64_t to) {
  KnownTensor out{x.shape, {}};
  out.data.is_float = is_float_type(to);
  for (size_t i = 0; i < x.data.size(); ++i) {
    if (out.data.is_float) {
      out.data.floats.push_back(x.data.float_at(i));
    } else if (to == 9) {  // BOOL
      out.data.ints.push_back(x.data.float_at(i) != 0 ? 1 : 0);
    } else {
      out.data.ints.push_back(x.data.int_at(i));
    }
  }
  return out;
}

KnownTensor concat(const OpAttributes& attrs, const std::vector<const KnownTensor*>& inputs,
                   const Shape& shape) {
  const size_t axis = normalize_axis(attrs.get_int("axis", 0), shape.size());
  const size_t outer = count(Shape(shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(axis)));
  KnownTensor out{shape, {}};
  out.data.is_float =
      std::any_of(inputs.begin(), inputs.end(), [](const KnownTensor* t) { return t && t->data.is_float; });
  for (size_t o = 0; o < outer; ++o) {
    for (const KnownTensor* in : inputs) {
      if (in == nullptr) continue;
      const size_t block =
          count(Shape(in->shape.begin() + static_cast<std::ptrdiff_t>(axis), in->shape.end()));
      for (size_t i = o * block; i < (o + 1) * block; ++i) {
        if (out.data.is_float) {
          out.data.floats.push_back(in->data.float_at(i));
        } else {
          out.data.ints.push_back(in->data.ints.at(i));
        }
      }
    }
  }
  return out;
}

KnownTensor gather(const OpAttributes& attrs, const KnownTensor& data, const KnownTensor& indices,
                   const Shape& shape) {
  const size_t axis = normalize_axis(attrs.get_int("axis", 0), data.shape.size());
  const size_t outer =
      count(Shape(data.shape.begin(), data.shape.begin() + static_cast<std::ptrdiff_t>(axis)));
  const size_t inner =
      count(Shape(data.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.shape.end()));
  const int64_t dim = data.shape[axis];
  std::vector<size_t> picks;
  for (size_t o = 0; o < outer; ++o) {
    for (size_t j = 0; j < indices.data.size(); ++j) {
      int64_t k = indices.data.int_at(j);
      if (k < 0) k += dim;
      if (k < 0 || k >= dim)
        throw OpError(fmt::format("Gather: index {} out of range for dim {}", indices.data.int_at(j), dim));
      for (size_t i = 0; i < inner; ++i)
        picks.push_back((o * static_cast<size_t>(dim) + static_cast<size_t>(k)) * inner + i);
    }
  }
  return pick(data, shape, picks);
}

KnownTensor slice(const OpNode& node, const KnownTensor& x, const Shape& shape) {
  const auto axes = ops::resolve_slice(node);
  if (!axes) throw OpError("Slice: unknown arguments");
  std::vector<int64_t> start(x.shape.size(), 0), step(x.shape.size(), 1);
  for (const ops::SliceAxis& a : *axes) {
    start[a.axis] = a.start;
    step[a.axis] = a.step;
  }
  const auto st = strides_of(x.shape);
  std::vector<size_t> picks;
  for_each_index(shape, [&](const std::vector<int64_t>& idx, size_t) {
    size_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d) src += static_cast<size_t>(start[d] + idx[d] * step[d]) * st[d];
    picks.push_back(src);
  });
  return pick(x, shape, picks);
}

KnownTensor transpose(const OpAttributes& attrs, const KnownTensor& x, const Shape& shape) {
  Shape perm = attrs.get_ints("perm");
  if (perm.empty()) {
    for (size_t i = x.shape.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  }
  const auto st = strides_of(x.shape);
  std::vector<size_t> picks;
  for_each_index(shape, [&](const std::vector<int64_t>& idx, size_t) {
    size_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      src += static_cast<size_t>(idx[d]) * st[static_cast<size_t>(perm[d])];
    picks.push_back(src);
  });
  return pick(x, shape, picks);
}

KnownTensor range(const KnownTensor& start, const KnownTensor& limit, const KnownTensor& delta) {
  KnownTensor out;
  out.data.is_float = start.data.is_float || limit.data.is_float || delta.data.is_float;
  const double s = start.data.float_at(0), l = limit.data.float_at(0), d = delta.data.float_at(0);
  if (d == 0) throw OpError("Range: delta 0");
  const double n = std::max(std::ceil((l - s) / d), 0.0);
  if (n > MAX_FOLD_ELEMENTS) throw OpError("Range: too many elements to fold");
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    if (out.data.is_float) {
      out.data.floats.push_back(s + static_cast<double>(i) * d);
    } else {
      out.data.ints.push_back(start.data.int_at(0) + i * delta.data.int_at(0));
    }
  }
  out.shape = {static_cast<int64_t>(out.data.size())};
  return out;
}

const std::set<std::string, std::less<>>& foldable_ops() {
  static const std::set<std::string, std::less<>> ops{"Identity",  "Reshape",     "Flatten",
                                                      "Squeeze",   "Unsqueeze",   "Cast",
                                                      "Concat",    "Gather",      "Slice",
                                                      "Transpose", "Expand",      "ConstantOfShape",
                                                      "Range",     "Where",       "Add",
                                                      "Sub",       "Mul",         "Div",
                                                      "Pow",       "Max",         "Min",
                                                      "Sum",       "Equal",       "Less",
                                                      "Greater",   "LessOrEqual", "GreaterOrEqual",
                                                      "And",       "Or",          "Neg",
                                                      "Abs",       "Not",         "Sqrt",
                                                      "Floor",     "Ceil"};
  return ops;
}

}  // namespace

bool is_foldable(const std::string& op) { return foldable_ops().count(op) > 0; }

std::optional<std::vector<KnownTensor>> fold_constants(const std::string& op, const OpAttributes& attrs,
                                                       const std::vector<const KnownTensor*>& inputs,
                                                       size_t num_outputs) {
  if (!is_foldable(op)) return std::nullopt;
  for (const KnownTensor* in : inputs) {
    if (in != nullptr && element_count(in->shape) > MAX_FOLD_ELEMENTS) return std::nullopt;
  }
  auto need = [&](size_t i) -> const KnownTensor& {
    if (i >= inputs.size() || inputs[i] == nullptr) throw OpError(fmt::format("{} needs input {}", op, i));
    return *inputs[i];
  };
  if (op == "Range") return std::vector<KnownTensor>{range(need(0), need(1), need(2))};
  if (op == "ConstantOfShape") {
    const Shape shape = need(0).data.as_ints();
    if (element_count(shape) > MAX_FOLD_ELEMENTS) return std::nullopt;
    KnownTensor out{shape, {}};
    out.data.is_float = attrs.get_int("value_is_float", 1) != 0;
    const double v = attrs.get_float("value", 0.0);
    if (out.data.is_float) {
      out.data.floats.assign(count(shape), v);
    } else {
      out.data.ints.assign(count(shape), saturate(v));
    }
    return std::vector<KnownTensor>{out};
  }
  const OpNode node = node_for(op, attrs, inputs, num_outputs);
  const std::vector<Shape> shapes = shapes_for(node);
  if (element_count(shapes.at(0)) > MAX_FOLD_ELEMENTS) return std::nullopt;
  const Shape& shape = shapes.front();
  KnownTensor result;
  if (op == "Identity" || op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze") {
    result = KnownTensor{shape, need(0).data};
  } else if (op == "Cast") {
    result = cast(need(0), attrs.get_int("to", 1));
  } else if (op == "Concat") {
    result = concat(attrs, inputs, shape);
  } else if (op == "Gather") {
    result = gather(attrs, need(0), need(1), shape);
  } else if (op == "Slice") {
    result = slice(node, need(0), shape);
  } else if (op == "Transpose") {
    result = transpose(attrs, need(0), shape);
  } else if (op == "Expand") {
    result = pick(need(0), shape, broadcast_map(need(0).shape, shape));
  } else if (op == "Where") {
    const KnownTensor& c = need(0);
    const KnownTensor& a = need(1);
    const KnownTensor& b = need(2);
    const auto mc = broadcast_map(c.shape, shape), ma = broadcast_map(a.shape, shape),
               mb = broadcast_map(b.shape, shape);
    result = KnownTensor{shape, {}};
    result.data.is_float = a.data.is_float || b.data.is_float;
    for (size_t i = 0; i < mc.size(); ++i) {
      const bool take_a = c.data.float_at(mc[i]) != 0;
      if (result.data.is_float) {
        result.data.floats.push_back(take_a ? a.data.float_at(ma[i]) : b.data.float_at(mb[i]));
      } else {
        result.data.ints.push_back(take_a ? a.data.int_at(ma[i]) : b.data.int_at(mb[i]));
      }
    }
  } else if (op == "Neg" || op == "Abs" || op == "Not" || op == "Sqrt" || op == "Floor" || op == "Ceil") {
    result = unary(op, need(0));
  } else {
    // Binary and variadic arithmetic: fold left over the present inputs.
    result = need(0);
    for (size_t i = 1; i < inputs.size(); ++i) {
      if (inputs[i] != nullptr) result = binary(op, result, *inputs[i]);
    }
  }
  result.shape = shape;
  return std::vector<KnownTensor>{result};
}

}  // namespace gpusim
