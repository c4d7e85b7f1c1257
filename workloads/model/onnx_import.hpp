#pragma once
/// Import of ONNX models into a ModelCost (per-layer costs, weights, liveness, critical path).
///
/// Pipeline: parse and validate the protobuf; fix the input shapes (batch as dim 0, user shapes for
/// dynamic dims); run ONNX's own shape inference; walk the nodes in order, folding constant shape
/// sub-graphs at import time and filling any shape inference left unknown with gpusim's per-op shape
/// functions; cost every remaining node with the shared op formulas (op_cost.hpp).

#include <cstdint>
#include <map>
#include <string>

#include "core/precision.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// How to import an ONNX model.
struct OnnxImportOptions {
  int64_t batch = 1;                          ///< replaces dim 0 of every graph input
  Precision precision = Precision::FP32;      ///< element size of weights and activations
  std::map<std::string, Shape> input_shapes;  ///< input name -> dims, for inputs with dynamic dims
                                              ///< (dim 0 is still replaced by `batch`)
  bool strict = false;                        ///< an op without a cost formula is an error, not a warning
  bool onnx_shape_inference = true;           ///< false: gpusim's own shape functions only (to check them)
};

/// Imports the ONNX model at `path`. Throws ConfigError ("PATH: error: ...") for an unreadable,
/// truncated or non-ONNX file, a dynamic input dim without an entry in input_shapes, a tensor whose
/// shape cannot be determined, inconsistent shapes, or (strict) ops without a cost formula; otherwise
/// ops without a formula are listed in a warning on the "cfg" logger.
ModelCost import_onnx(const std::string& path, const OnnxImportOptions& options);

}  // namespace gpusim
