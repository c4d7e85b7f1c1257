// L2 hits and their loss to co-runners (see sim/l2_model.hpp).

#include "sim/l2_model.hpp"

#include <algorithm>

namespace gpusim {

Bytes reused_weights(const StageSpec& stage) {
  if (!stage.l2_weights) return Bytes{0.0};
  Bytes w{0.0};
  for (const auto& k : stage.kernels) w += k.weight_bytes;
  return w;
}

L2Residency stage_residency(const StageSpec& stage, Bytes l2, Bytes unit_weights) {
  L2Residency r;
  r.l2 = l2.v;
  r.weights = unit_weights.v;
  r.weights_reused = stage.l2_weights;
  for (const auto& k : stage.kernels) r.activations_per_sample = std::max(r.activations_per_sample, k.bytes.v);
  return r;
}

Bytes l2_footprint(const KernelSpec& k, double batch) {
  return Bytes{(k.resident ? k.working_set.v : k.bytes.v) * batch + k.weight_bytes.v};
}

double l2_hit_bytes(const KernelSpec& k, double batch, const L2Residency& r) {
  if (k.resident) return l2_footprint(k, batch).v <= r.l2 ? k.bytes.v * batch + k.weight_bytes.v : 0.0;
  const bool weights_fit = r.weights_reused && r.weights + r.activations_per_sample * batch <= r.l2;
  const double left = r.l2 - (weights_fit ? r.weights : 0.0);
  // Each input stays while what moved since it was written (the weights too, unless they are resident)
  // fits in the L2 left.
  double hits = weights_fit ? k.weight_bytes.v : 0.0;
  for (const ChainedRead& c : k.chained) {
    const double distance = c.distance.v * batch + (weights_fit ? 0.0 : c.weights.v);
    if (distance <= left) hits += c.bytes.v * batch;
  }
  return hits;
}

double L2Cost::near_share(double footprint) const {
  if (partitions <= 1 || footprint <= l2 / partitions) return 1.0;
  const double p = partitions;
  const double copies = std::clamp((l2 - footprint) / ((p - 1.0) * footprint), 0.0, 1.0);
  return 1.0 / p + (1.0 - 1.0 / p) * copies;
}

double L2Cost::of(double footprint) const {
  const double n = near_share(footprint);
  return n * near + (1.0 - n) * far;
}

L2Cost l2_cost(const DeviceSpec& d, Bytes unit_l2, bool whole_device) {
  L2Cost c;
  c.near = d.l2_hit_cost();
  c.far = d.l2_bandwidth.v > 0 ? std::min(1.0, c.near / d.l2_far_ratio) : 1.0;
  c.l2 = unit_l2.v;
  c.partitions = whole_device ? std::max(1, d.l2_partitions) : 1;
  return c;
}

double L2Interference::kept() const {
  if (!enabled_ || working_sets_.size() <= 1) return 1.0;
  double sum = 0;
  for (double w : working_sets_) sum += w;
  const double overflow = std::max(0.0, sum - l2_.v);
  return 1.0 - sensitivity_ * std::min(1.0, overflow / l2_.v);
}

}  // namespace gpusim
