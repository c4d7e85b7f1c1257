// Conv, ConvTranspose and pooling: sliding-window ops on [N, C, D1..Dk] tensors.

#include <fmt/format.h>

#include "workloads/model/ops/op_table.hpp"

namespace gpusim::ops {
namespace {

/// Sliding-window geometry of a Conv or pooling node, attributes resolved to their ONNX defaults.
struct Window {
  Shape kernel, strides, dilations, pads;  // pads = [begin_1..begin_k, end_1..end_k]
  std::string auto_pad;
  bool ceil_mode = false;
};

Window read_window(const OpNode& node, size_t spatial, const Shape& default_kernel) {
  Window w;
  w.kernel = node.attrs.get_ints("kernel_shape", default_kernel);
  w.strides = node.attrs.get_ints("strides", Shape(spatial, 1));
  w.dilations = node.attrs.get_ints("dilations", Shape(spatial, 1));
  w.pads = node.attrs.get_ints("pads", Shape(2 * spatial, 0));
  w.auto_pad = node.attrs.get_string("auto_pad", "NOTSET");
  w.ceil_mode = node.attrs.get_int("ceil_mode", 0) != 0;
  if (w.kernel.size() != spatial || w.strides.size() != spatial || w.dilations.size() != spatial ||
      w.pads.size() != 2 * spatial) {
    throw OpError(fmt::format("{}: kernel_shape/strides/dilations/pads do not match {} spatial dims", node.op,
                              spatial));
  }
  for (size_t i = 0; i < spatial; ++i) {
    if (w.kernel[i] <= 0 || w.strides[i] <= 0 || w.dilations[i] <= 0) {
      throw OpError(fmt::format("{}: kernel, strides and dilations must be positive", node.op));
    }
  }
  return w;
}

int64_t ceil_div(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// Output spatial dims of a sliding window over `in` (ONNX Conv/pool rules), with ek = (k - 1) * d + 1:
///   NOTSET:                out = floor((in + pad_begin + pad_end - ek) / s) + 1   (ceil with ceil_mode)
///   SAME_UPPER/SAME_LOWER: out = ceil(in / s)
///   VALID:                 out = floor((in - ek) / s) + 1
Shape window_output(const OpNode& node, const Shape& in, const Window& w) {
  Shape out(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const int64_t ek = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (w.auto_pad == "SAME_UPPER" || w.auto_pad == "SAME_LOWER") {
      out[i] = ceil_div(in[i], w.strides[i]);
    } else if (w.auto_pad == "VALID") {
      out[i] = floor_div(in[i] - ek, w.strides[i]) + 1;
    } else if (w.auto_pad == "NOTSET" || w.auto_pad.empty()) {
      const int64_t span = in[i] + w.pads[i] + w.pads[i + in.size()] - ek;
      out[i] = (w.ceil_mode ? ceil_div(span, w.strides[i]) : floor_div(span, w.strides[i])) + 1;
    } else {
      throw OpError(fmt::format("{}: unknown auto_pad '{}'", node.op, w.auto_pad));
    }
    if (out[i] <= 0) {
      throw OpError(fmt::format("{}: window larger than the padded input {}", node.op, to_string(in)));
    }
  }
  return out;
}

double product(const Shape& s) { return element_count(s); }

// ---- Conv -----------------------------------------------------------------------------------------
// X [N, Cin, D1..Dk], W [Cout, Cin/groups, K1..Kk], optional B [Cout] -> Y [N, Cout, O1..Ok].

std::optional<std::vector<Shape>> conv_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  const Shape& w = input_shape(node, 1);
  if (x.size() < 3 || w.size() != x.size()) {
    throw OpError(
        fmt::format("Conv: input {} and weight {} must have the same rank >= 3", to_string(x), to_string(w)));
  }
  const int64_t groups = node.attrs.get_int("group", 1);
  if (groups <= 0 || x[1] != w[1] * groups || w[0] % groups != 0) {
    throw OpError(fmt::format("Conv: {} input channels do not match weight {} with {} groups", x[1],
                              to_string(w), groups));
  }
  const size_t k = x.size() - 2;
  const Window win = read_window(node, k, Shape(w.begin() + 2, w.end()));
  Shape y{x[0], w[0]};
  for (int64_t d : window_output(node, Shape(x.begin() + 2, x.end()), win)) y.push_back(d);
  return std::vector<Shape>{y};
}

// Conv: MACs = N * Cout * prod(O) * (Cin / groups) * prod(K)      (W[1] is Cin / groups)
//       FLOPs = 2 * MACs + bias adds, bias adds = N * Cout * prod(O) when B is given.
// Depth-wise (groups = Cin = Cout) is the same formula with Cin / groups = 1.
void conv_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  const Shape& w = input_shape(node, 1);
  const double per_output = product(Shape(w.begin() + 1, w.end()));  // (Cin/groups) * prod(K)
  const double outputs_n = element_count(outputs.at(0));             // N * Cout * prod(O)
  c.macs = outputs_n * per_output;
  c.flops = 2 * c.macs + (node.has_input(2) ? outputs_n : 0);
}

// ---- ConvTranspose --------------------------------------------------------------------------------
// X [N, Cin, D1..Dk], W [Cin, Cout/groups, K1..Kk], optional B [Cout] -> Y [N, Cout, O1..Ok].

std::optional<std::vector<Shape>> conv_transpose_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  const Shape& w = input_shape(node, 1);
  if (x.size() < 3 || w.size() != x.size() || x[1] != w[0]) {
    throw OpError(
        fmt::format("ConvTranspose: input {} does not match weight {}", to_string(x), to_string(w)));
  }
  const int64_t groups = node.attrs.get_int("group", 1);
  if (groups <= 0 || x[1] % groups != 0) throw OpError("ConvTranspose: bad group");
  const size_t k = x.size() - 2;
  const Window win = read_window(node, k, Shape(w.begin() + 2, w.end()));
  const Shape output_padding = node.attrs.get_ints("output_padding", Shape(k, 0));
  const Shape output_shape = node.attrs.get_ints("output_shape");
  if (output_padding.size() != k)
    throw OpError("ConvTranspose: output_padding does not match the spatial dims");
  Shape y{x[0], w[1] * groups};
  for (size_t i = 0; i < k; ++i) {
    const int64_t in = x[i + 2];
    int64_t out = 0;
    if (!output_shape.empty()) {
      // output_shape lists the spatial dims (or all dims): take the last k entries.
      if (output_shape.size() < k) throw OpError("ConvTranspose: output_shape has too few dims");
      out = output_shape[output_shape.size() - k + i];
    } else if (win.auto_pad == "SAME_UPPER" || win.auto_pad == "SAME_LOWER") {
      out = in * win.strides[i];  // out = in * s
    } else {
      // out = s * (in - 1) + output_padding + (k - 1) * d + 1 - pad_begin - pad_end
      out = win.strides[i] * (in - 1) + output_padding[i] + (win.kernel[i] - 1) * win.dilations[i] + 1 -
            win.pads[i] - win.pads[i + k];
    }
    if (out <= 0) throw OpError("ConvTranspose: non-positive output size");
    y.push_back(out);
  }
  return std::vector<Shape>{y};
}

// ConvTranspose: every input pixel scatters a (Cout/groups) x prod(K) patch:
//   MACs = N * Cin * prod(D) * (Cout / groups) * prod(K)      (W[1] is Cout / groups)
//   FLOPs = 2 * MACs + bias adds, bias adds = N * Cout * prod(O) when B is given.
void conv_transpose_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  const Shape& w = input_shape(node, 1);
  c.macs = element_count(input_shape(node, 0)) * product(Shape(w.begin() + 1, w.end()));
  c.flops = 2 * c.macs + (node.has_input(2) ? element_count(outputs.at(0)) : 0);
}

// ---- pooling --------------------------------------------------------------------------------------

std::optional<std::vector<Shape>> pool_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  if (x.size() < 3) throw OpError(fmt::format("{}: input {} needs rank >= 3", node.op, to_string(x)));
  if (!node.attrs.has("kernel_shape")) throw OpError(node.op + ": kernel_shape is required");
  const Window win = read_window(node, x.size() - 2, {});
  Shape y{x[0], x[1]};
  for (int64_t d : window_output(node, Shape(x.begin() + 2, x.end()), win)) y.push_back(d);
  return repeat_shape(y, std::max<size_t>(node.num_outputs, 1));  // MaxPool's Indices has Y's shape
}

double kernel_size(const OpNode& node) { return product(node.attrs.get_ints("kernel_shape")); }

// MaxPool: FLOPs = numel(Y) * prod(K) (one comparison per window element).
void max_pool_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  c.flops = element_count(outputs.at(0)) * kernel_size(node);
}

// AveragePool: FLOPs = numel(Y) * (prod(K) + 1) (window adds and one divide).
void average_pool_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  c.flops = element_count(outputs.at(0)) * (kernel_size(node) + 1);
}

std::optional<std::vector<Shape>> global_pool_shape(const OpNode& node) {
  const Shape& x = input_shape(node, 0);
  if (x.size() < 3) throw OpError(fmt::format("{}: input {} needs rank >= 3", node.op, to_string(x)));
  Shape y(x.size(), 1);
  y[0] = x[0];
  y[1] = x[1];
  return std::vector<Shape>{y};
}

// GlobalAveragePool: FLOPs = numel(X) + numel(Y) (one add per input element, one divide per output).
void global_average_pool_cost(const OpNode& node, const std::vector<Shape>& outputs, OpCounts& c) {
  c.flops = element_count(input_shape(node, 0)) + element_count(outputs.at(0));
}

// GlobalMaxPool: FLOPs = numel(X) (one comparison per input element).
void global_max_pool_cost(const OpNode& node, const std::vector<Shape>&, OpCounts& c) {
  c.flops = element_count(input_shape(node, 0));
}

}  // namespace

void add_conv_ops(OpTable& table) {
  table.add("Conv", {conv_shape, conv_cost, {}});
  table.add("ConvTranspose", {conv_transpose_shape, conv_transpose_cost, {}});
  table.add("MaxPool", {pool_shape, max_pool_cost, {}});
  table.add("AveragePool", {pool_shape, average_pool_cost, {}});
  table.add("GlobalAveragePool", {global_pool_shape, global_average_pool_cost, {}});
  table.add("GlobalMaxPool", {global_pool_shape, global_max_pool_cost, {}});
}

}  // namespace gpusim::ops
