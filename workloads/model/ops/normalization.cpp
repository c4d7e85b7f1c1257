// Normalisation, Softmax and reductions.

#include <fmt/format.h>

#include <algorithm>

#include "workloads/model/ops/op_table.hpp"

namespace gpusim::ops {
namespace {

// BatchNormalization: X [N, C, ...], scale/B/mean/var [C] -> Y like X; training-mode extra outputs
// (running mean/var, saved mean/var) are [C].
std::optional<std::vector<Shape>> batch_norm_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  if (x.size() < 2) throw OpError(fmt::format("BatchNormalization: input {} needs rank >= 2", to_string(x)));
  for (size_t i = 1; i < 5; ++i) {
    if (node.has_input(i) && element_count(node.inputs[i].shape) != static_cast<double>(x[1])) {
      throw OpError(fmt::format("BatchNormalization: input {} has shape {}, expected [{}]", i,
                                to_string(node.inputs[i].shape), x[1]));
    }
  }
  std::vector<Shape> out{x};
  for (size_t i = 1; i < node.num_outputs; ++i) out.push_back(Shape{x[1]});
  return out;
}

// BatchNormalization (inference): y = (x - mean) / sqrt(var + eps) * scale + B, which a kernel folds
// per channel into y = a * x + b: FLOPs = 2 * numel(X). The kernel reads all four [C] tensors (weight
// bytes 4 * C); params = 2 * C (scale, B), as torchvision and thop count: mean and var are buffers.
void batch_norm_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  c.flops = 2 * element_count(input_shape(node, 0));
}

// LayerNormalization (opset 17): normalises over dims [axis, rank); outputs Y, Mean, InvStdDev, the
// last two of shape X[:axis] + [1] * (rank - axis).
std::optional<std::vector<Shape>> layer_norm_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  const size_t axis = normalize_axis(node.attrs.get_int("axis", -1), x.size());
  Shape stats = x;
  for (size_t i = axis; i < stats.size(); ++i) stats[i] = 1;
  std::vector<Shape> out{x};
  for (size_t i = 1; i < node.num_outputs; ++i) out.push_back(stats);
  return out;
}

// LayerNormalization and InstanceNormalization, per element: add into the mean (1), subtract the mean
// (1), square (1), add into the variance (1), multiply by 1/sqrt(var + eps) (1), multiply by scale (1),
// add B (1): FLOPs = 7 * numel(X) (6 without B). The per-row sqrt and divides are left out.
void norm_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  const bool bias = node.has_input(2);
  c.flops = (bias ? 7.0 : 6.0) * element_count(input_shape(node, 0));
}

// Softmax / LogSoftmax, per element: compare into the max (1), subtract the max (1), exp (1), add
// into the sum (1), divide (or subtract the log-sum) (1): FLOPs = 5 * numel(X).
void softmax_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  c.flops = 5 * element_count(input_shape(node, 0));
}

/// Axes of a Reduce* node: attribute (before opset 18) or input 1 (argument); empty means all axes
/// unless noop_with_empty_axes. Nothing when input 1 exists but its contents are unknown.
std::optional<std::vector<size_t>> reduce_axes(const OpNode& node, size_t rank) {
  std::vector<int64_t> axes = node.attrs.get_ints("axes");
  if (node.has_input(1)) {
    auto values = input_ints(node, 1);
    if (!values) return std::nullopt;
    axes = *values;
  }
  std::vector<size_t> out;
  if (axes.empty()) {
    if (node.attrs.get_int("noop_with_empty_axes", 0) != 0) return out;
    for (size_t i = 0; i < rank; ++i) out.push_back(i);
    return out;
  }
  for (int64_t a : axes) out.push_back(normalize_axis(a, rank));
  return out;
}

std::optional<std::vector<Shape>> reduce_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  const auto axes = reduce_axes(node, x.size());
  if (!axes) return std::nullopt;
  const bool keepdims = node.attrs.get_int("keepdims", 1) != 0;
  Shape y;
  for (size_t i = 0; i < x.size(); ++i) {
    const bool reduced = std::find(axes->begin(), axes->end(), i) != axes->end();
    if (!reduced) {
      y.push_back(x[i]);
    } else if (keepdims) {
      y.push_back(1);
    }
  }
  return std::vector<Shape>{y};
}

// ReduceSum / ReduceMax / ReduceMin: FLOPs = numel(X) (one add or compare per input element).
void reduce_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  c.flops = element_count(input_shape(node, 0));
}

// ReduceMean: FLOPs = numel(X) + numel(Y) (adds, then one divide per output element).
void reduce_mean_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  c.flops = element_count(input_shape(node, 0)) + element_count(outputs.at(0));
}

}  // namespace

void add_normalization_ops(OpTable& table) {
  table.add("BatchNormalization", {batch_norm_shape, batch_norm_cost, {}, {3, 4}});
  table.add("LayerNormalization", {layer_norm_shape, norm_cost, {}});
  table.add("InstanceNormalization", {same_as_input, norm_cost, {}});
  table.add("Softmax", {same_as_input, softmax_cost, {}});
  table.add("LogSoftmax", {same_as_input, softmax_cost, {}});
  table.add("ReduceMean", {reduce_shape, reduce_mean_cost, {1}});
  table.add("ReduceSum", {reduce_shape, reduce_cost, {1}});
  table.add("ReduceMax", {reduce_shape, reduce_cost, {1}});
  table.add("ReduceMin", {reduce_shape, reduce_cost, {1}});
}

}  // namespace gpusim::ops
