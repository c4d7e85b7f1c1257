#pragma once
/// Import-time evaluation of the small constant sub-graphs exporters emit to compute shapes at run time
/// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Slice, Cast, ConstantOfShape, arithmetic on
/// constants), so every tensor of an imported model gets a static shape.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "workloads/model/op_cost.hpp"

namespace gpusim {

/// A tensor whose contents are known at import time.
struct KnownTensor {
  Shape shape;
  ConstantData data;
};

/// Largest tensor (elements) folding will produce or read; bigger constant work is left to run as a layer.
inline constexpr double MAX_FOLD_ELEMENTS = 1 << 20;

/// True when fold_constants() can evaluate `op`.
bool is_foldable(const std::string& op);

/// Evaluates `op` on known inputs (null for an absent optional input). Nothing when the op is not
/// foldable here or a tensor is too big; throws OpError when the inputs are inconsistent.
std::optional<std::vector<KnownTensor>> fold_constants(const std::string& op, const OpAttributes& attrs,
                                                       const std::vector<const KnownTensor*>& inputs,
                                                       size_t num_outputs);

}  // namespace gpusim
