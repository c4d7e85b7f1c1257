#pragma once
/// The held-out rule for measured data (docs/validation.md, "Held-out cases"): cases calibration may never
/// use. Published figures say it themselves (their held_out column).

#include <string>
#include <vector>

#include "studies/validation/measured.hpp"

namespace gpusim::validation {

/// One flag per row of kernels.csv: the BF16 GEMM and every second point of the L2 sweep (stream_l2 rows,
/// in file order) are held out.
std::vector<bool> held_out_kernels(const std::vector<KernelRow>& kernels);

/// Of steady.csv's kernels, the L2 stream is held out (its throughput and its steady power).
bool held_out_steady(const KernelRow& k);

/// Both compute+memory pairs are held out.
bool held_out_pair(const PairRow& p);

/// Every model run at batch 32 is held out.
bool held_out_model(const ModelRow& m);

/// Every model pair with a face model (fr_*, run with onnxruntime) in it is held out.
bool held_out_model_pair(const ModelPairRow& p);

/// Whether `model` is one of the face-recognition models (fr_*).
bool is_face_model(const std::string& model);

}  // namespace gpusim::validation
