#pragma once
/// Experiments of the category "models": measured models alone and published MLPerf ResNet-50 results,
/// and the stage a validated model runs as.

#include <optional>
#include <string>

#include "studies/validation/experiment.hpp"
#include "studies/validation/published.hpp"
#include "workloads/model/model_cost.hpp"

namespace gpusim::validation {

/// The stage of `model` (a zoo name, or NAME.onnx in models_dir) at batch 1, fused by gpusim's rule or one
/// kernel per layer (with `prelu_three_kernels`, each PReLU as prelu_as_three_kernels makes it), with no
/// host copies. Nothing, and why in `why`, when the model cannot be built.
std::optional<StageSpec> model_stage(const std::string& model, bool fused, Precision p,
                                     const std::string& models_dir, std::string& why,
                                     bool prelu_three_kernels = false);

/// `m` with each PReLU layer replaced by the three element-wise layers `torch.where(x > 0, x, w * x)` runs
/// (an early onnx_torch.py did: validation/measured/h200-2/README.md): x > 0 writes a byte per element,
/// w * x reads x and the slopes, the select reads the mask, x and the product; later layers read the select.
ModelCost prelu_as_three_kernels(const ModelCost& m);

/// A published MLPerf ResNet-50 result on `spec`: Offline in samples/s, SingleStream as mean latency in ms.
Experiment published_mlperf(const PublishedMlperf& m, const DeviceSpec& spec);

/// A measured model run alone (models.csv): mean latency of one batch in ms.
Experiment measured_model(const MeasuredContext& ctx, const ModelRow& m, StageSpec stage, bool held_out);

/// The GPU time of a measured model (model_kernels.csv): the busy time of one batch (ms) against the stage's
/// kernels back to back without launch gaps, and for a batch replayed from a CUDA graph the mean gap between
/// its kernels (us) against the simulated gap per kernel.
Experiment measured_model_gpu_time(const MeasuredContext& ctx, const ModelKernelsRow& k, StageSpec stage,
                                   bool held_out);

}  // namespace gpusim::validation
