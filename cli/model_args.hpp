#pragma once
/// Command-line arguments shared by `gpusim profile` and `gpusim estimate`: the model reference, batch,
/// precision, input shapes and device type, checked into plain values (ConfigError, exit 2, on a mistake).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "platforms/catalog.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// What names a model and how to import it.
struct ModelArgs {
  std::string model;                      ///< ONNX path or zoo:NAME
  int64_t batch = 1;                      ///< samples per request
  std::string precision = "fp32";         ///< a name from all_precisions()
  std::vector<std::string> input_shapes;  ///< NAME=DIMS, e.g. input=1x3x224x224
  std::string catalog;                    ///< device catalog directory; empty: the bundled one
};

/// The precision named by --precision; ConfigError listing the valid names otherwise.
Precision precision_arg(const std::string& text);

/// NAME=DxDxD entries of --input-shape as a map; ConfigError for a malformed or repeated entry.
std::map<std::string, Shape> input_shapes_arg(const std::vector<std::string>& entries);

/// The catalog in `dir` (the bundled one when empty).
Catalog catalog_arg(const std::string& dir);

/// The catalog entry named by --device; ConfigError listing the catalog's names otherwise, or when the
/// device has no peak for `p` (listing the precisions it supports).
const DeviceSpec& device_arg(const Catalog& catalog, const std::string& type, Precision p);

/// Imports the model at `args.batch` (or `batch` when given) and the parsed precision.
ModelCost load_model_arg(const ModelArgs& args, int64_t batch);

}  // namespace gpusim
