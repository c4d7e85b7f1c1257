#include "analysis/profile.hpp"

#include "workloads/model_source.hpp"

namespace gpusim {

FusedTime fused_time(const ModelCost& m, const DeviceView& dv, const std::string& label) {
  // The model is imported at the requested batch, so each kernel's per-sample costs already cover it.
  const StageSpec st = stage_from_cost(m, label);
  FusedTime out;
  out.kernels = st.kernels.size();
  for (const auto& k : st.kernels)
    out.roofline += roofline(k.flops_at(1), k.bytes_at(1), *dv.spec, dv.precision).time();
  out.with_launch = out.roofline + dv.spec->launch_overhead * static_cast<double>(out.kernels);
  return out;
}


}  // namespace gpusim
