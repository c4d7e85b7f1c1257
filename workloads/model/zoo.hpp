#pragma once
/// The model zoo: well-known architectures described compactly in YAML (workloads/zoo/NAME.yaml:
/// stages, blocks, repeats, widths) and expanded into a ModelCost through the ModelBuilder.
///
/// A zoo entry (all keys checked; unknown keys are errors with FILE:LINE:COL):
///
///   name: resnet50                       # must match the file name
///   summary: one line on what the model is and which implementation it follows
///   input: {name: input, shape: [3, 224, 224]}   # one sample; the batch is prepended as dim 0
///   published:                           # the counts the entry is checked against (tests/unit/workloads)
///     - source: where the figure is published (document, table, tool run)
///       macs: 4.09e9                     # multiply-accumulates, optional
///       macs_tolerance: 0.02             # relative, default 0
///       params: 25557032                 # optional
///       params_tolerance: 0              # relative, default 0
///       params_convention: learnable     # learnable (the default: BatchNorm running mean/var are
///                                        # buffers, as PyTorch's parameters()) or all (params + buffers)
///       note: free text
///   layers:                              # in order; each item is one op or one block family
///     - {op: conv, out: 64, kernel: 7, stride: 2, pad: 3, bias: false, bn: true, act: relu}
///     - {block: bottleneck, blocks: 3, width: 64}
///
/// Every item also takes `name:` (its layers' name prefix; default <op or block><index>), `tap:` (keep
/// its output for a later item's `from:`) and `output: true` (its output is a graph output too; the last
/// item's always is).
/// The ops and block families, and their keys, are listed in zoo.cpp next to their readers; the
/// block builders (one per family, so each formula is written once) are in zoo_blocks.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim {

/// A published count a zoo entry cites.
struct ZooPublished {
  std::string source;
  std::optional<double> macs;
  double macs_tolerance = 0;  ///< relative
  std::optional<double> params;
  double params_tolerance = 0;    ///< relative
  bool params_with_buffers = false;  ///< true: `params` counts the buffers too (ModelCost::buffers)
  std::string note;
};

/// A zoo entry's description, without its layers.
struct ZooModelInfo {
  std::string name;
  std::string file;
  std::string summary;
  std::string input_name;
  Shape input_shape;  ///< one sample, without the batch dim
  std::vector<ZooPublished> published;
};

/// The zoo directory: $GPUSIM_ZOO when set, else the shipped workloads/zoo.
std::string zoo_dir();

/// Names of the zoo's models (the .yaml file stems in zoo_dir()), sorted.
std::vector<std::string> zoo_model_names();

/// Zoo model `name` at `batch` and `precision`. Throws ConfigError for an unknown name (listing the
/// known ones) or a bad entry (FILE:LINE:COL).
ModelCost load_zoo_model(const std::string& name, int64_t batch, Precision precision);

/// The zoo-format model in the file at `path` (any directory).
ModelCost load_zoo_file(const std::string& path, int64_t batch, Precision precision);

/// The description and published counts of zoo model `name` (layers are checked, not returned).
ZooModelInfo zoo_model_info(const std::string& name);

}  // namespace gpusim
