#include "workloads/workload_spec.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim {

double FanoutSpec::expected() const {
  switch (kind) {
    case Kind::FIXED:
      return mean;
    case Kind::UNIFORM:
      return 0.5 * (min + max);
    case Kind::POISSON: {
      // E[min(X, max)] for X ~ Poisson(mean): sum over k < max of k P(k) + max P(X >= max).
      double p = std::exp(-mean);
      double below = 0;
      double e = 0;
      for (int k = 0; k < max; ++k) {
        e += k * p;
        below += p;
        p *= mean / (k + 1);
      }
      return e + max * (1.0 - below);
    }
  }
  return mean;
}

Flops StageSpec::flops_per_sample() const {
  Flops total;
  for (const auto& k : kernels) total += k.flops;
  return total;
}

namespace {

double expected_batch(const StreamSpec& s, const StageSpec& st) {
  if (!st.per_item) return s.batch;
  return (s.fanout ? s.fanout->expected() : 1.0) * s.batch;
}

}  // namespace

Flops StreamSpec::request_flops() const {
  Flops total;
  for (const auto& st : stages) total += st.flops_per_sample() * expected_batch(*this, st);
  return total;
}

Bytes StreamSpec::request_bytes() const {
  Bytes total;
  for (const auto& st : stages) {
    const double b = expected_batch(*this, st);
    if (b <= 0) continue;
    for (const auto& k : st.kernels) total += k.weight_bytes + k.bytes * b;
  }
  return total;
}

Bytes StreamSpec::memory_bytes() const {
  Bytes weights;
  Bytes activations;
  const int max_items = fanout ? fanout->max : 1;
  for (const auto& st : stages) {
    weights += st.weight_bytes;
    activations = std::max(activations, st.activation_bytes * stage_batch(st, max_items));
  }
  return weights + activations;
}

}  // namespace gpusim
