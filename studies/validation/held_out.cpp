#include "studies/validation/held_out.hpp"

namespace gpusim::validation {

std::vector<bool> held_out_kernels(const std::vector<KernelRow>& kernels) {
  std::vector<bool> held;
  int l2_index = 0;
  for (const auto& k : kernels) {
    held.push_back(k.kernel == "gemm_bf16" || (k.kernel == "stream_l2" && l2_index++ % 2 == 1));
  }
  return held;
}

bool held_out_steady(const KernelRow& k) { return k.kernel == "stream_l2"; }

bool held_out_pair(const PairRow& p) { return p.pair == "compute+memory"; }

bool held_out_model(const ModelRow& m) { return m.batch == 32; }

bool held_out_model_pair(const ModelPairRow& p) {
  return is_face_model(p.model_a) || is_face_model(p.model_b);
}

bool is_face_model(const std::string& model) { return model.rfind("fr_", 0) == 0; }

}  // namespace gpusim::validation
