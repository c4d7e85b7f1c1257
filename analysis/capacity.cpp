#include "analysis/capacity.hpp"

#include <algorithm>
#include <cmath>

namespace gpusim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

Seconds md1_wait_bound(double rho, Seconds service, double miss) {
  if (rho <= miss) return Seconds{0.0};
  if (rho >= 1.0) return Seconds{kInfinity};
  // f(g) = rho (e^g - 1) - g is convex, negative just above 0 (f'(0) = rho - 1 < 0) and positive far out.
  const auto f = [rho](double g) { return rho * std::expm1(g) - g; };
  double lo = 0.0;
  double hi = 1.0;
  while (f(hi) <= 0.0) hi *= 2.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) < 0.0 ? lo : hi) = mid;
  }
  return service * (std::log(1.0 / miss) / hi);
}

Seconds latency_bound(const CapacityInputs& in, long n) {
  if (n < 1) return Seconds{0.0};
  const double rho = static_cast<double>(n) * in.rate.v * in.service.v;
  if (rho > 1.0 + 1e-12) return Seconds{kInfinity};
  const Seconds worst = in.service * static_cast<double>(n - 1);
  const Seconds md1 = md1_wait_bound(rho, in.service, in.miss);
  return in.copies + in.service + std::min(worst, md1);
}

CapacityBound analytic_streams(const CapacityInputs& in) {
  constexpr long kUnbounded = std::numeric_limits<long>::max();
  CapacityBound b;
  const double per_stream = in.rate.v * in.service.v;
  const double u = per_stream > 0 ? std::floor(1.0 / per_stream + 1e-9) : kInfinity;
  b.utilisation = u >= 1e15 ? kUnbounded : static_cast<long>(u);
  // The latency bound grows with N: bisect for the largest N that meets the SLA.
  long lo = 0;
  long hi = std::min(b.utilisation, 1L << 40) + 1;  // lo meets (or is 0), hi misses
  while (hi - lo > 1) {
    const long mid = lo + (hi - lo) / 2;
    (latency_bound(in, mid) <= in.sla ? lo : hi) = mid;
  }
  b.latency = lo;
  const Bytes room = in.usable_memory - in.weights;
  if (room.v < in.activations.v) {
    b.memory = 0;
  } else {
    b.memory = in.activations.v > 0 ? static_cast<long>(std::floor(room / in.activations)) : kUnbounded;
  }
  b.streams = std::min(b.latency, b.memory);
  b.limit = b.memory < b.latency ? "memory" : b.latency < b.utilisation ? "latency" : "utilisation";
  return b;
}

}  // namespace gpusim
