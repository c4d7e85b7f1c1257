#pragma once
/// Internal to the ONNX importer: graph validation (onnx_validate.cpp), decoding TensorProto contents
/// and node attributes (onnx_tensors.cpp).

#include <onnx/onnx_pb.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/model/op_cost.hpp"
#include "workloads/model/shape_folding.hpp"

namespace gpusim::onnx_detail {

/// The file is not a valid ONNX model; what() says why (the importer wraps it into its error line).
class InvalidModel : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The node's name, or "<op>_<index>" when the file leaves it empty.
std::string node_name(const onnx::NodeProto& node, int index);

/// Checks that every tensor a node or graph output reads is defined, that initializers hold the data
/// their dims need and that there is no cycle; returns the node indices in a topological order, the
/// file's order where it is one. Throws InvalidModel.
std::vector<int> validated_node_order(const onnx::GraphProto& graph);

/// Dims of a TensorProto.
Shape tensor_dims(const onnx::TensorProto& tensor);

/// Why a TensorProto's stored data does not match its dims (truncated file...); empty when it does or
/// when the data is external.
std::string check_tensor(const onnx::TensorProto& tensor);

/// Contents of a TensorProto; nothing when stored externally, of an unsupported type, or bigger than
/// MAX_FOLD_ELEMENTS.
std::optional<KnownTensor> decode_tensor(const onnx::TensorProto& tensor);

/// The node's int, float and string attributes (tensor and graph attributes are left out, except
/// ConstantOfShape's value, stored as "value" and "value_is_float").
OpAttributes convert_attributes(const onnx::NodeProto& node);

/// The value of a Constant node; nothing for sparse or string constants.
std::optional<KnownTensor> constant_value(const onnx::NodeProto& node);

/// The tensor attribute "value" of a Constant node, when it has one (shape known without decoding).
const onnx::TensorProto* constant_tensor(const onnx::NodeProto& node);

}  // namespace gpusim::onnx_detail
