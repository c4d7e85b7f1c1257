// Host speeds, bus bandwidths and kernel costs in the engine's work units (see sim/work_units.hpp).

#include "sim/work_units.hpp"

#include <algorithm>

#include "sim/launch_geometry.hpp"

namespace gpusim {

KernelFit kernel_fit(const KernelSpec& k, double batch, Precision p, const DeviceSpec& d, double sm_fraction,
                     double share) {
  if (k.shape.kind == KernelClass::FILL) return {1.0 / share, std::min(1.0, share)};
  const int unit = unit_sms(d, sm_fraction);
  const int held = share >= 1.0 ? unit : std::min(unit, unit_sms(d, sm_fraction * share));
  const LaunchGeometry g = launch_geometry(k.shape, batch, p, d, held);
  const double held_share = static_cast<double>(held) / unit;
  return {static_cast<double>(unit) / (held * g.efficiency), held_share * g.sm_share};
}

double kernel_stretch(const KernelSpec& k, double batch, Precision p, const DeviceSpec& d, double sm_fraction,
                      double share) {
  return kernel_fit(k, batch, p, d, sm_fraction, share).stretch;
}

std::vector<std::vector<KernelCost>> kernel_costs(const StreamSpec& s, const DeviceSpec& d, double sm_fraction,
                                                  double share) {
  const double compute_rate = d.achievable(s.precision).v;
  // Batches a job of this stream can run at: its own, up to max_batch samples when batched, and for a
  // per-item stage the fan-out items of those requests.
  const int requests = s.batching ? std::max(1, s.batching->max_batch / std::max(1, s.batch)) : 1;
  const int most = s.batching ? std::max(s.batch, s.batching->max_batch) : s.batch;
  const int items = s.fanout ? s.fanout->max * requests : 0;
  std::vector<std::vector<KernelCost>> stages;
  for (const auto& stage : s.stages) {
    const int lo = stage.per_item ? 1 : s.batch;
    const int hi = std::min(stage.per_item ? std::max(items, 1) : most, lo + kMaxTabulatedBatches - 1);
    std::vector<KernelCost> costs;
    for (const auto& k : stage.kernels) {
      KernelCost c{k.flops.v / compute_rate * kWorkUnitsPerSecond, k.weight_bytes.v, k.bytes.v, lo, {}};
      c.fit.reserve(static_cast<std::size_t>(hi - lo + 1));
      for (int b = lo; b <= hi; ++b) c.fit.push_back(kernel_fit(k, b, s.precision, d, sm_fraction, share));
      costs.push_back(std::move(c));
    }
    stages.push_back(std::move(costs));
  }
  return stages;
}

std::vector<double> unit_speeds(const std::vector<Hertz>& clocks, double sm_fraction, double speed_scale) {
  std::vector<double> speeds;
  for (const auto& f : clocks) {
    speeds.push_back(kWorkUnitsPerSecond * sm_fraction * speed_scale * f.v / clocks.front().v);
  }
  return speeds;
}

ByteRate unit_bus_bandwidth(const DeviceSpec& d, double bw_fraction, double speed_scale) {
  return ByteRate{d.achievable_bandwidth().v * bw_fraction * speed_scale};
}

}  // namespace gpusim
