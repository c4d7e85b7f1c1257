#include "core/precision.hpp"

namespace gpusim {

const std::vector<Precision>& all_precisions() {
  static const std::vector<Precision> all{Precision::FP64, Precision::FP32, Precision::TF32, Precision::FP16,
                                          Precision::BF16, Precision::INT8, Precision::INT4};
  return all;
}

std::string_view to_string(Precision p) {
  switch (p) {
    case Precision::FP64:
      return "fp64";
    case Precision::FP32:
      return "fp32";
    case Precision::TF32:
      return "tf32";
    case Precision::FP16:
      return "fp16";
    case Precision::BF16:
      return "bf16";
    case Precision::INT8:
      return "int8";
    case Precision::INT4:
      return "int4";
  }
  return "?";
}

std::optional<Precision> parse_precision(std::string_view text) {
  for (Precision p : all_precisions()) {
    if (to_string(p) == text) return p;
  }
  return std::nullopt;
}

double bytes_per_element(Precision p) {
  switch (p) {
    case Precision::FP64:
      return 8.0;
    case Precision::FP32:
    case Precision::TF32:
      return 4.0;
    case Precision::FP16:
    case Precision::BF16:
      return 2.0;
    case Precision::INT8:
      return 1.0;
    case Precision::INT4:
      return 0.5;
  }
  return 4.0;
}

}  // namespace gpusim
