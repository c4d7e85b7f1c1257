#pragma once
/// Experiments of the category "models": measured models alone and published MLPerf ResNet-50 results,
/// and the stage a validated model runs as.

#include <optional>
#include <string>

#include "studies/validation/experiment.hpp"
#include "studies/validation/published.hpp"

namespace gpusim::validation {

/// The stage of `model` (a zoo name, or NAME.onnx in models_dir) at batch 1, fused by gpusim's rule or one
/// kernel per layer, with no host copies. Nothing, and why in `why`, when the model cannot be built.
std::optional<StageSpec> model_stage(const std::string& model, bool fused, Precision p,
                                     const std::string& models_dir, std::string& why);

/// A published MLPerf ResNet-50 result on `spec`: Offline in samples/s, SingleStream as mean latency in ms.
Experiment published_mlperf(const PublishedMlperf& m, const DeviceSpec& spec);

/// A measured model run alone (models.csv): mean latency of one batch in ms.
Experiment measured_model(const MeasuredContext& ctx, const ModelRow& m, StageSpec stage, bool held_out);

}  // namespace gpusim::validation
