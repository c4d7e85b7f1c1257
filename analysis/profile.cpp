#include "analysis/profile.hpp"

#include <algorithm>

#include "workloads/model_source.hpp"

namespace gpusim {

FusedTime fused_time(const ModelCost& m, const ProfileDevice& dv, const std::string& label) {
  // The model is imported at the requested batch, so each kernel's per-sample costs already cover it.
  const StageSpec st = stage_from_cost(m, label);
  FusedTime out;
  out.kernels = st.kernels.size();
  const int sms = dv.spec->sm_count;
  for (const auto& k : st.kernels) {
    const Seconds t = roofline(k.flops_at(1), k.bytes_at(1), *dv.spec, dv.precision).time();
    out.roofline += t;
    out.launched += t / launch_geometry(k.shape, 1, dv.precision, *dv.spec, sms).efficiency;
  }
  out.with_launch = out.launched + dv.spec->launch_overhead * static_cast<double>(out.kernels);
  return out;
}

LayerLaunch layer_launch(const LayerCost& l, const ProfileDevice& dv) {
  LayerLaunch out;
  out.roofline = roofline(Flops{l.flops}, l.total_bytes(), *dv.spec, dv.precision);
  out.geometry = launch_geometry(l.kernel, 1, dv.precision, *dv.spec, dv.spec->sm_count);
  out.time = out.roofline.time() / out.geometry.efficiency;
  if (out.time.v > 0) {
    const double compute = l.flops / out.time.v / dv.spec->peak(dv.precision)->v;
    const double memory = l.total_bytes().v / out.time.v / dv.spec->memory_bandwidth.v;
    out.peak_fraction = std::max(compute, memory);
  }
  return out;
}


}  // namespace gpusim
