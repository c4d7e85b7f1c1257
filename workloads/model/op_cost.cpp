#include "workloads/model/op_cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.hpp"
#include "workloads/model/ops/op_table.hpp"

namespace gpusim {

// ---- OpAttributes ---------------------------------------------------------------------------------

OpAttributes& OpAttributes::set(const std::string& name, int64_t value) {
  return set(name, std::vector<int64_t>{value});
}

OpAttributes& OpAttributes::set(const std::string& name, std::vector<int64_t> values) {
  ints_[name] = std::move(values);
  return *this;
}

OpAttributes& OpAttributes::set(const std::string& name, double value) {
  return set(name, std::vector<double>{value});
}

OpAttributes& OpAttributes::set(const std::string& name, std::vector<double> values) {
  floats_[name] = std::move(values);
  return *this;
}

OpAttributes& OpAttributes::set(const std::string& name, std::string value) {
  strings_[name] = std::move(value);
  return *this;
}

bool OpAttributes::has(const std::string& name) const {
  return ints_.count(name) > 0 || floats_.count(name) > 0 || strings_.count(name) > 0;
}

int64_t OpAttributes::get_int(const std::string& name, int64_t fallback) const {
  auto it = ints_.find(name);
  return it == ints_.end() || it->second.empty() ? fallback : it->second.front();
}

std::vector<int64_t> OpAttributes::get_ints(const std::string& name, std::vector<int64_t> fallback) const {
  auto it = ints_.find(name);
  return it == ints_.end() ? fallback : it->second;
}

double OpAttributes::get_float(const std::string& name, double fallback) const {
  auto it = floats_.find(name);
  return it == floats_.end() || it->second.empty() ? fallback : it->second.front();
}

std::vector<double> OpAttributes::get_floats(const std::string& name, std::vector<double> fallback) const {
  auto it = floats_.find(name);
  return it == floats_.end() ? fallback : it->second;
}

std::string OpAttributes::get_string(const std::string& name, std::string fallback) const {
  auto it = strings_.find(name);
  return it == strings_.end() ? fallback : it->second;
}

// ---- ConstantData ---------------------------------------------------------------------------------

int64_t ConstantData::int_at(size_t i) const {
  if (!is_float) return ints.at(i);
  const double v = std::trunc(floats.at(i));
  // Saturate: converting an out-of-range double to int64 is undefined behaviour.
  if (!(v > -9.2e18)) return std::numeric_limits<int64_t>::min();
  if (!(v < 9.2e18)) return std::numeric_limits<int64_t>::max();
  return static_cast<int64_t>(v);
}

double ConstantData::float_at(size_t i) const {
  return is_float ? floats.at(i) : static_cast<double>(ints.at(i));
}

std::vector<int64_t> ConstantData::as_ints() const {
  if (!is_float) return ints;
  std::vector<int64_t> out(size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = int_at(i);
  return out;
}

std::vector<double> ConstantData::as_floats() const {
  if (is_float) return floats;
  return std::vector<double>(ints.begin(), ints.end());
}

// ---- OpNode ---------------------------------------------------------------------------------------

const OpInput& OpNode::input(size_t i) const {
  static const OpInput absent{InputKind::ABSENT, {}, std::nullopt};
  return i < inputs.size() ? inputs[i] : absent;
}

bool OpNode::has_input(size_t i) const { return i < inputs.size() && inputs[i].kind != InputKind::ABSENT; }

// ---- the table ------------------------------------------------------------------------------------

namespace ops {

void OpTable::add(const std::string& op, OpSpec spec) {
  GPUSIM_CHECK(specs_.count(op) == 0, "op registered twice: " + op);
  specs_.emplace(op, std::move(spec));
}

const OpSpec* OpTable::find(std::string_view op) const {
  auto it = specs_.find(op);
  return it == specs_.end() ? nullptr : &it->second;
}

std::vector<std::string> OpTable::ops() const {
  std::vector<std::string> out;
  for (const auto& [name, spec] : specs_) out.push_back(name);
  return out;
}

const Shape& input_shape(const OpNode& node, size_t i) {
  if (!node.has_input(i)) throw OpError(fmt::format("{} needs input {}", node.op, i));
  return node.inputs[i].shape;
}

std::optional<std::vector<int64_t>> input_ints(const OpNode& node, size_t i) {
  if (!node.has_input(i) || !node.inputs[i].data) return std::nullopt;
  return node.inputs[i].data->as_ints();
}

std::optional<std::vector<double>> input_floats(const OpNode& node, size_t i) {
  if (!node.has_input(i) || !node.inputs[i].data) return std::nullopt;
  return node.inputs[i].data->as_floats();
}

std::vector<Shape> repeat_shape(const Shape& shape, size_t count) { return std::vector<Shape>(count, shape); }

std::optional<std::vector<Shape>> same_as_input(const OpNode& node) {
  return repeat_shape(input_shape(node, 0), std::max<size_t>(node.num_outputs, 1));
}

}  // namespace ops

namespace {

// Built on first use (function-local static: no static-initialisation-order issues). Each family
// registers explicitly, so nothing depends on the linker keeping self-registering objects.
const ops::OpTable& table() {
  static const ops::OpTable t = [] {
    ops::OpTable built;
    ops::add_conv_ops(built);
    ops::add_matmul_ops(built);
    ops::add_elementwise_ops(built);
    ops::add_normalization_ops(built);
    ops::add_tensor_ops(built);
    return built;
  }();
  return t;
}

}  // namespace

std::optional<std::vector<Shape>> infer_output_shapes(const OpNode& node) {
  const ops::OpSpec* spec = table().find(node.op);
  if (spec == nullptr || !spec->shape) return std::nullopt;
  return spec->shape(node);
}

LayerCost layer_cost(const OpNode& node, const std::vector<Shape>& outputs, Precision precision) {
  // Defaults: a kernel reads its activation inputs once, streams all of its weights once and writes
  // its outputs once. Formulas override where the op touches less (views, Slice, Gather).
  ops::OpCounts c;
  const std::vector<size_t>& buffers = buffer_inputs(node.op);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const OpInput& in = node.inputs[i];
    if (in.kind == InputKind::ACTIVATION) c.activation_read += element_count(in.shape);
    if (in.kind != InputKind::WEIGHT) continue;
    c.weights += element_count(in.shape);
    if (std::find(buffers.begin(), buffers.end(), i) != buffers.end()) c.buffers += element_count(in.shape);
  }
  for (const Shape& out : outputs) c.activation_written += element_count(out);
  c.weights_read = c.weights;

  LayerCost layer;
  layer.name = node.name;
  layer.op = node.op;
  layer.output_shape = outputs.empty() ? Shape{} : outputs.front();
  const ops::OpSpec* spec = table().find(node.op);
  if (spec != nullptr && spec->cost) {
    spec->cost(node, outputs, c);
  } else {
    layer.has_formula = false;
  }

  // bytes = elements x bytes per element of the requested precision
  const double b = bytes_per_element(precision);
  layer.macs = c.macs;
  layer.flops = c.flops;
  layer.params = c.weights - c.buffers;
  layer.is_view = c.is_view;
  if (!c.is_view) layer.kernel = kernel_shape(node, outputs);
  layer.weight_bytes = Bytes{c.weights * b};
  layer.bytes_read = Bytes{(c.activation_read + c.weights_read) * b};
  layer.bytes_written = Bytes{c.activation_written * b};
  layer.working_set = layer.bytes_read + layer.bytes_written;
  return layer;
}

bool has_cost_formula(std::string_view op) {
  const ops::OpSpec* spec = table().find(op);
  return spec != nullptr && static_cast<bool>(spec->cost);
}

const std::vector<size_t>& argument_inputs(std::string_view op) {
  static const std::vector<size_t> none;
  const ops::OpSpec* spec = table().find(op);
  return spec == nullptr ? none : spec->arguments;
}

const std::vector<size_t>& buffer_inputs(std::string_view op) {
  static const std::vector<size_t> none;
  const ops::OpSpec* spec = table().find(op);
  return spec == nullptr ? none : spec->buffers;
}

std::vector<std::string> costed_ops() { return table().ops(); }

}  // namespace gpusim
