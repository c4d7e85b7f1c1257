#pragma once
/// Output of `gpusim profile`: per-layer and total counts, and with a device each layer's roofline time.

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "analysis/profile.hpp"

namespace gpusim {

/// What was profiled, as the user named it.
struct ProfileRequest {
  std::string label;  ///< ONNX path or zoo:NAME
  long batch = 1;
  Precision precision = Precision::FP32;
};

/// Layers, totals and (with a device) roofline times as JSON.
nlohmann::ordered_json profile_json(const ProfileRequest& o, const ModelCost& m,
                                    const std::optional<ProfileDevice>& dv);

/// The layer table, the totals and (with a device) the time on it.
void print_profile(std::ostream& out, const ProfileRequest& o, const ModelCost& m,
                   const std::optional<ProfileDevice>& dv);

}  // namespace gpusim
