#pragma once
/// Numeric precisions a kernel can run in, with their element sizes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpusim {

enum class Precision { FP64, FP32, TF32, FP16, BF16, INT8, INT4 };

/// All precisions, in catalog order.
const std::vector<Precision>& all_precisions();
/// "fp32", "fp16", ...
std::string_view to_string(Precision p);
/// Inverse of to_string (lower case); nothing for an unknown name.
std::optional<Precision> parse_precision(std::string_view text);
/// Bytes per stored element: fp64 8, fp32/tf32 4, fp16/bf16 2, int8 1, int4 0.5.
double bytes_per_element(Precision p);

}  // namespace gpusim
