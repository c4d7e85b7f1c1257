// Data-movement and shape ops: views, copies, Slice/Gather, Pad, Resize, and the shape-only ops.
//
// Conventions:
// - Reshape, Flatten, Squeeze, Unsqueeze, Identity and Dropout (inference) are views on a GPU: the runtime
//   re-labels the input buffer, no kernel runs. They cost zero FLOPs and move zero bytes (is_view), and
//   their output shares the input's memory in the liveness analysis.
// - Transpose, Concat, Split, Pad, Expand, Tile, Cast, DepthToSpace/SpaceToDepth are real copies: zero
//   FLOPs, every input element read and every output element written.
// - Slice and Gather read only the elements they pick.
// - Constant, Shape, Size: evaluated at import time (no kernel, zero cost).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "workloads/model/ops/op_table.hpp"

namespace gpusim::ops {
namespace {

void view_cost(const OpNode&, const std::vector<Shape>&, OpCounts& c) {
  c.activation_read = 0;
  c.activation_written = 0;
  c.is_view = true;
}

void copy_cost(const OpNode&, const std::vector<Shape>&, OpCounts&) {}  // defaults: read all, write all

void no_cost(const OpNode&, const std::vector<Shape>&, OpCounts& c) {
  c.activation_read = 0;
  c.activation_written = 0;
}

/// Integer list from input i (when the node has it) or else attribute `attr`; nothing when input i
/// exists but its contents are unknown. `present` tells whether either was given.
std::optional<std::vector<int64_t>> ints_from(const OpNode& node, size_t i, const std::string& attr,
                                              bool& present) {
  present = true;
  if (node.has_input(i)) return input_ints(node, i);
  if (node.attrs.has(attr)) return node.attrs.get_ints(attr);
  present = false;
  return std::vector<int64_t>{};
}

// ---- views ----------------------------------------------------------------------------------------

// Reshape: target from input 1 (or the opset-1 attribute); 0 copies the input dim (unless allowzero),
// -1 takes what is left so the element count is unchanged.
std::optional<std::vector<Shape>> reshape_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  bool present = false;
  const auto target = ints_from(node, 1, "shape", present);
  if (!target) return std::nullopt;
  if (!present) throw OpError("Reshape needs a target shape");
  const bool allowzero = node.attrs.get_int("allowzero", 0) != 0;
  Shape y(target->size());
  std::optional<size_t> inferred;
  double known = 1;
  for (size_t i = 0; i < target->size(); ++i) {
    const int64_t t = (*target)[i];
    if (t == 0 && !allowzero) {
      if (i >= x.size())
        throw OpError(fmt::format("Reshape: 0 at position {} but the input has rank {}", i, x.size()));
      y[i] = x[i];
    } else if (t == -1) {
      if (inferred) throw OpError("Reshape: more than one -1 in the target shape");
      inferred = i;
      continue;
    } else if (t < 0) {
      throw OpError(fmt::format("Reshape: invalid target dim {}", t));
    } else {
      y[i] = t;
    }
    known *= static_cast<double>(y[i]);
  }
  const double total = element_count(x);
  if (inferred) {
    if (known == 0 || std::fmod(total, known) != 0) {
      throw OpError(fmt::format("Reshape: cannot reshape {} into {}", to_string(x), to_string(*target)));
    }
    y[*inferred] = static_cast<int64_t>(total / known);
  } else if (known != total) {
    throw OpError(fmt::format("Reshape: cannot reshape {} into {}", to_string(x), to_string(y)));
  }
  return std::vector<Shape>{y};
}

// Flatten: [prod(dims before axis), prod(dims from axis)].
std::optional<std::vector<Shape>> flatten_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  int64_t axis = node.attrs.get_int("axis", 1);
  const auto rank = static_cast<int64_t>(x.size());
  if (axis < -rank || axis > rank) throw OpError(fmt::format("Flatten: axis {} out of range", axis));
  if (axis < 0) axis += rank;
  const Shape outer(x.begin(), x.begin() + axis);
  const Shape inner(x.begin() + axis, x.end());
  return std::vector<Shape>{
      Shape{static_cast<int64_t>(element_count(outer)), static_cast<int64_t>(element_count(inner))}};
}

std::optional<std::vector<Shape>> squeeze_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  bool present = false;
  const auto axes = ints_from(node, 1, "axes", present);
  if (!axes) return std::nullopt;
  std::vector<bool> drop(x.size(), false);
  for (size_t i = 0; i < x.size(); ++i) drop[i] = !present && x[i] == 1;  // no axes: drop every 1
  for (int64_t a : *axes) {
    const size_t i = normalize_axis(a, x.size());
    if (x[i] != 1) throw OpError(fmt::format("Squeeze: dim {} of {} is not 1", i, to_string(x)));
    drop[i] = true;
  }
  Shape y;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!drop[i]) y.push_back(x[i]);
  }
  return std::vector<Shape>{y};
}

std::optional<std::vector<Shape>> unsqueeze_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  bool present = false;
  const auto axes = ints_from(node, 1, "axes", present);
  if (!axes) return std::nullopt;
  if (!present || axes->empty()) throw OpError("Unsqueeze needs axes");
  const size_t rank = x.size() + axes->size();
  std::vector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    const size_t i = normalize_axis(a, rank);
    if (inserted[i]) throw OpError("Unsqueeze: repeated axis");
    inserted[i] = true;
  }
  Shape y;
  size_t next = 0;
  for (size_t i = 0; i < rank; ++i) y.push_back(inserted[i] ? 1 : x[next++]);
  return std::vector<Shape>{y};
}

// ---- copies ---------------------------------------------------------------------------------------

std::optional<std::vector<Shape>> transpose_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  Shape perm = node.attrs.get_ints("perm");
  if (perm.empty()) {
    perm.resize(x.size());
    std::iota(perm.rbegin(), perm.rend(), 0);  // default: reverse the dims
  }
  Shape sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  bool valid = sorted.size() == x.size();
  for (size_t i = 0; valid && i < sorted.size(); ++i) valid = sorted[i] == static_cast<int64_t>(i);
  if (!valid) {
    throw OpError(
        fmt::format("Transpose: perm {} is not a permutation of rank {}", to_string(perm), x.size()));
  }
  Shape y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[static_cast<size_t>(perm[i])];
  return std::vector<Shape>{y};
}

std::optional<std::vector<Shape>> concat_shape(const OpNode& node) {
  Shape y = input_shape(node, 0);
  const size_t axis = normalize_axis(node.attrs.get_int("axis", 0), y.size());
  for (size_t i = 1; i < node.inputs.size(); ++i) {
    if (!node.has_input(i)) continue;
    const Shape& s = node.inputs[i].shape;
    bool ok = s.size() == y.size();
    for (size_t d = 0; ok && d < s.size(); ++d) ok = d == axis || s[d] == y[d];
    if (!ok)
      throw OpError(fmt::format("Concat: {} does not match {} on axis {}", to_string(s), to_string(y), axis));
    y[axis] += s[axis];
  }
  return std::vector<Shape>{y};
}

std::optional<std::vector<Shape>> split_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  const size_t axis = normalize_axis(node.attrs.get_int("axis", 0), x.size());
  bool present = false;
  auto sizes = ints_from(node, 1, "split", present);
  if (!sizes) return std::nullopt;
  const size_t n = std::max<size_t>(node.num_outputs, 1);
  if (sizes->empty()) {
    // Equal parts; with opset 18's num_outputs the last part may be smaller.
    const int64_t part = (x[axis] + static_cast<int64_t>(n) - 1) / static_cast<int64_t>(n);
    for (size_t i = 0; i < n; ++i) {
      sizes->push_back(std::min(part, x[axis] - part * static_cast<int64_t>(i)));
    }
  }
  if (sizes->size() != n || std::accumulate(sizes->begin(), sizes->end(), int64_t{0}) != x[axis]) {
    throw OpError(fmt::format("Split: parts {} do not add up to dim {} of {} over {} outputs",
                              to_string(*sizes), axis, to_string(x), n));
  }
  std::vector<Shape> out;
  for (int64_t s : *sizes) {
    Shape y = x;
    y[axis] = s;
    out.push_back(y);
  }
  return out;
}

std::optional<std::vector<Shape>> slice_shape(const OpNode& node) {
  const auto axes = resolve_slice(node);
  if (!axes) return std::nullopt;
  Shape y = input_shape(node, 0);
  for (const SliceAxis& a : *axes) y[a.axis] = a.count;
  return std::vector<Shape>{y};
}

// Slice reads only the picked elements: read = write = numel(Y).
void slice_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  const double picked = element_count(outputs.at(0));
  c.activation_read = node.input(0).kind == InputKind::ACTIVATION ? picked : 0;
  c.weights_read = node.input(0).kind == InputKind::WEIGHT ? picked : 0;
}

// Pad: y[i] = x[i] + pad_begin[i] + pad_end[i] (pads from input 1 from opset 11, else attributes).
std::optional<std::vector<Shape>> pad_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  bool present = false;
  auto pads = ints_from(node, 1, node.attrs.has("paddings") ? "paddings" : "pads", present);
  if (!pads) return std::nullopt;
  std::vector<size_t> axes(x.size());
  std::iota(axes.begin(), axes.end(), 0);
  if (node.has_input(3)) {  // opset 18: axes
    auto a = input_ints(node, 3);
    if (!a) return std::nullopt;
    axes.clear();
    for (int64_t v : *a) axes.push_back(normalize_axis(v, x.size()));
  }
  if (pads->size() != 2 * axes.size())
    throw OpError(fmt::format("Pad: {} pads for {} axes", pads->size(), axes.size()));
  Shape y = x;
  for (size_t j = 0; j < axes.size(); ++j) y[axes[j]] += (*pads)[j] + (*pads)[j + axes.size()];
  for (int64_t d : y) {
    if (d < 0) throw OpError("Pad: negative output size");
  }
  return std::vector<Shape>{y};
}

// Resize / Upsample: y = sizes when given, else y[i] = floor(x[i] * scales[i]).
// Upsample-7: scales attribute; Upsample-9 and Resize-10: scales = input 1;
// Resize-11+: inputs roi (1), scales (2), sizes (3).
std::optional<std::vector<Shape>> resize_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  std::vector<double> scales;
  std::vector<int64_t> sizes;
  const bool two_inputs = node.inputs.size() <= 2;
  const size_t scales_at = two_inputs ? 1 : 2;
  if (node.has_input(scales_at)) {
    auto s = input_floats(node, scales_at);
    if (!s) return std::nullopt;
    scales = *s;
  } else if (node.attrs.has("scales")) {
    scales = node.attrs.get_floats("scales");
  }
  if (!two_inputs && node.has_input(3)) {
    auto s = input_ints(node, 3);
    if (!s) return std::nullopt;
    sizes = *s;
  }
  if (!sizes.empty()) {
    if (sizes.size() != x.size()) throw OpError("Resize: sizes do not match the input rank");
    return std::vector<Shape>{sizes};
  }
  if (scales.size() != x.size()) {
    throw OpError(fmt::format("{}: {} scales for an input of rank {}", node.op, scales.size(), x.size()));
  }
  Shape y(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    y[i] = static_cast<int64_t>(std::floor(static_cast<double>(x[i]) * scales[i]));
  return std::vector<Shape>{y};
}

// Resize / Upsample FLOPs per output element, k = number of resized axes:
//   nearest 0; linear 3 * (2^k - 1) (a lerp a + t * (b - a) is 3, k-linear needs 2^k - 1 lerps);
//   cubic 2 * 4^k (a multiply-add per tap of the 4^k neighbourhood).
void resize_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  const Shape& x = input_shape(node, 0);
  const Shape& y = outputs.at(0);
  double k = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) k += x[i] != y[i] ? 1 : 0;
  const std::string mode = node.attrs.get_string("mode", "nearest");
  double per_element = 0;
  if (mode == "linear" || mode == "bilinear" || mode == "trilinear") per_element = 3 * (std::pow(2.0, k) - 1);
  if (mode == "cubic") per_element = 2 * std::pow(4.0, k);
  c.flops = per_element * element_count(y);
}

// Gather: Y = data[:axis] + indices + data[axis+1:].
std::optional<std::vector<Shape>> gather_shape(const OpNode& node) {
  const Shape& data = input_shape(node, 0);
  const Shape& indices = input_shape(node, 1);
  const size_t axis = normalize_axis(node.attrs.get_int("axis", 0), data.size());
  Shape y(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(axis));
  y.insert(y.end(), indices.begin(), indices.end());
  y.insert(y.end(), data.begin() + static_cast<std::ptrdiff_t>(axis) + 1, data.end());
  return std::vector<Shape>{y};
}

// Gather reads the indices and only the gathered elements of data (rows of an embedding table held as
// a weight: the whole table counts in params, only numel(Y) of it is read).
void gather_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  const double gathered = element_count(outputs.at(0));
  const double indices = element_count(input_shape(node, 1));
  c.activation_read = indices + (node.input(0).kind == InputKind::ACTIVATION ? gathered : 0);
  c.weights_read = node.input(0).kind == InputKind::WEIGHT ? gathered : 0;
}

std::optional<std::vector<Shape>> expand_shape(const OpNode& node) {
  auto target = input_ints(node, 1);
  if (!target) return std::nullopt;
  return std::vector<Shape>{broadcast_shapes(input_shape(node, 0), *target)};
}

std::optional<std::vector<Shape>> tile_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  auto repeats = input_ints(node, 1);
  if (!repeats) return std::nullopt;
  if (repeats->size() != x.size()) throw OpError("Tile: repeats do not match the input rank");
  Shape y = x;
  for (size_t i = 0; i < x.size(); ++i) y[i] *= (*repeats)[i];
  return std::vector<Shape>{y};
}

// DepthToSpace: [N, C, H, W] -> [N, C / b^2, H * b, W * b]; SpaceToDepth the inverse.
std::optional<std::vector<Shape>> depth_space_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  const int64_t b = node.attrs.get_int("blocksize", 1);
  if (x.size() != 4 || b <= 0) throw OpError(node.op + ": needs a 4-D input and a positive blocksize");
  if (node.op == "DepthToSpace") {
    if (x[1] % (b * b) != 0) throw OpError("DepthToSpace: channels not divisible by blocksize^2");
    return std::vector<Shape>{Shape{x[0], x[1] / (b * b), x[2] * b, x[3] * b}};
  }
  if (x[2] % b != 0 || x[3] % b != 0) throw OpError("SpaceToDepth: spatial dims not divisible by blocksize");
  return std::vector<Shape>{Shape{x[0], x[1] * b * b, x[2] / b, x[3] / b}};
}

// ---- shape-only ops -------------------------------------------------------------------------------

std::optional<std::vector<Shape>> shape_shape(const OpNode& node) {
  const auto rank = static_cast<int64_t>(input_shape(node, 0).size());
  int64_t start = node.attrs.get_int("start", 0), end = node.attrs.get_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return std::vector<Shape>{Shape{std::max<int64_t>(end - start, 0)}};
}

std::optional<std::vector<Shape>> size_shape(const OpNode& node) {
  input_shape(node, 0);
  return std::vector<Shape>{Shape{}};
}

std::optional<std::vector<Shape>> constant_of_shape_shape(const OpNode& node) {
  auto dims = input_ints(node, 0);
  if (!dims) return std::nullopt;
  return std::vector<Shape>{*dims};
}

}  // namespace

// Slice: per axis, start and end are made non-negative (+ dim) and clamped, to [0, dim] for a positive
// step and to [0, dim - 1] / [-1, dim - 1] for a negative one; count = ceil((end - start) / step), >= 0.
std::optional<std::vector<SliceAxis>> resolve_slice(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  std::vector<int64_t> starts, ends, axes, steps;
  if (node.has_input(1) || node.has_input(2)) {  // opset 10+: inputs
    auto s = input_ints(node, 1), e = input_ints(node, 2);
    if (!s || !e) return std::nullopt;
    starts = *s;
    ends = *e;
    if (node.has_input(3)) {
      auto a = input_ints(node, 3);
      if (!a) return std::nullopt;
      axes = *a;
    }
    if (node.has_input(4)) {
      auto st = input_ints(node, 4);
      if (!st) return std::nullopt;
      steps = *st;
    }
  } else {  // opset 1-9: attributes
    starts = node.attrs.get_ints("starts");
    ends = node.attrs.get_ints("ends");
    axes = node.attrs.get_ints("axes");
  }
  if (axes.empty()) {
    axes.resize(starts.size());
    std::iota(axes.begin(), axes.end(), 0);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    throw OpError("Slice: starts, ends, axes and steps differ in length");
  }
  std::vector<SliceAxis> out;
  for (size_t j = 0; j < starts.size(); ++j) {
    SliceAxis a;
    a.axis = normalize_axis(axes[j], x.size());
    a.step = steps[j];
    const int64_t d = x[a.axis];
    int64_t s = starts[j], e = ends[j];
    if (a.step == 0) throw OpError("Slice: step 0");
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (a.step > 0) {
      s = std::clamp<int64_t>(s, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      a.count = e > s ? (e - s + a.step - 1) / a.step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      a.count = s > e ? (s - e - a.step - 1) / (-a.step) : 0;
    }
    a.start = s;
    out.push_back(a);
  }
  return out;
}

void add_tensor_ops(OpTable& table) {
  table.add("Reshape", {reshape_shape, view_cost, {1}});
  table.add("Flatten", {flatten_shape, view_cost, {}});
  table.add("Squeeze", {squeeze_shape, view_cost, {1}});
  table.add("Unsqueeze", {unsqueeze_shape, view_cost, {1}});
  table.add("Identity", {same_as_input, view_cost, {}});
  table.add("Dropout", {same_as_input, view_cost, {1, 2}});

  table.add("Transpose", {transpose_shape, copy_cost, {}});
  table.add("Concat", {concat_shape, copy_cost, {}});
  table.add("Split", {split_shape, copy_cost, {1}});
  table.add("Pad", {pad_shape, copy_cost, {1, 2, 3}});
  table.add("Expand", {expand_shape, copy_cost, {1}});
  table.add("Tile", {tile_shape, copy_cost, {1}});
  table.add("Cast", {same_as_input, copy_cost, {}});
  table.add("DepthToSpace", {depth_space_shape, copy_cost, {}});
  table.add("SpaceToDepth", {depth_space_shape, copy_cost, {}});
  // ConstantOfShape fills its output: no reads, numel(Y) written.
  table.add("ConstantOfShape",
            {constant_of_shape_shape,
             [](const OpNode&, const std::vector<Shape>&, OpCounts& c) { c.activation_read = 0; },
             {0}});

  table.add("Slice", {slice_shape, slice_cost, {1, 2, 3, 4}});
  table.add("Gather", {gather_shape, gather_cost, {1}});
  table.add("Resize", {resize_shape, resize_cost, {1, 2, 3}});
  table.add("Upsample", {resize_shape, resize_cost, {1}});

  table.add("Constant", {nullptr, no_cost, {}});
  table.add("Shape", {shape_shape, no_cost, {}});
  table.add("Size", {size_shape, no_cost, {}});
}

}  // namespace gpusim::ops
