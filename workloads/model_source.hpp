#pragma once
/// Turns a model reference from workloads.yaml (an ONNX path or zoo:NAME) into a stage's kernels.

#include <map>
#include <string>

#include "core/source_loc.hpp"
#include "workloads/model/model_cost.hpp"
#include "workloads/workload_spec.hpp"

namespace gpusim {

/// A model's layers grouped into kernels (the fusion rule is documented in model_source.cpp).
StageSpec stage_from_cost(const ModelCost& m, const std::string& label);

/// Sets each kernel's chained reads (sim/l2_model.hpp): the inputs its
/// layers read that earlier kernels wrote, and what the kernels in between moved. `owner[i]` is the kernel
/// that runs layer i, -1 for a layer that launches nothing (a view is its input's).
void chain_kernels(const ModelCost& m, std::vector<long> owner, std::vector<KernelSpec>& kernels);

/// Loads an ONNX file (relative to base_dir) or zoo:NAME at a batch and precision; `input_shapes` gives
/// the dims of ONNX inputs with dynamic dims (see OnnxImportOptions::input_shapes).
ModelCost load_model_cost(const std::string& ref, const std::string& base_dir, Precision p, int64_t batch,
                          const std::map<std::string, Shape>& input_shapes = {});

/// Loads `ref` (relative paths are relative to `base_dir`) at batch 1 and precision `p`, and groups its
/// layers into kernels (see fuse_layers in model_source.cpp). Errors point at `loc`.
StageSpec stage_from_model(const std::string& ref, const std::string& base_dir, Precision p, const SourceLoc& loc);

}  // namespace gpusim
