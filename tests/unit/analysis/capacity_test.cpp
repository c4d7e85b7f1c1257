// The analytic capacity limits of `gpusim estimate`: the queueing bounds against the exact M/D/1
// waiting-time distribution, and hand-worked cases where utilisation, latency or memory binds.

#include "analysis/capacity.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace gpusim::test {
namespace {

/// Exact P(W <= x) of the M/D/1 queue with unit service time and load rho (Erlang, 1909):
/// (1 - rho) sum_{k=0}^{floor(x)} (rho (k - x))^k / k! e^{-rho (k - x)}.
double md1_wait_cdf(double rho, double x) {
  double sum = 0;
  double factorial = 1;
  for (int k = 0; k <= static_cast<int>(std::floor(x)); ++k) {
    if (k > 0) factorial *= k;
    const double a = rho * (k - x);
    sum += std::pow(a, k) / factorial * std::exp(-a);
  }
  return (1 - rho) * sum;
}

TEST(EstimateQueueing, LundbergBoundHoldsAndIsTight) {
  for (double rho : {0.3, 0.5, 0.7, 0.8}) {
    const double t = md1_wait_bound(rho, Seconds{1.0}, 0.01).v;
    // At most 1 % of arrivals wait longer than the bound...
    EXPECT_LE(1.0 - md1_wait_cdf(rho, t), 0.01) << rho;
    // ...and it is not loose by more than 2x: more than 1 % wait longer than half of it.
    EXPECT_GT(1.0 - md1_wait_cdf(rho, t / 2), 0.01) << rho;
  }
  // P(W > 0) = rho: at a load of 1 % or less, 99 % of arrivals do not wait.
  EXPECT_EQ(md1_wait_bound(0.01, Seconds{1.0}, 0.01).v, 0.0);
  EXPECT_TRUE(std::isinf(md1_wait_bound(1.0, Seconds{1.0}, 0.01).v));
  // Scales with the service time.
  EXPECT_DOUBLE_EQ(md1_wait_bound(0.5, Seconds{2e-3}, 0.01).v,
                   2e-3 * md1_wait_bound(0.5, Seconds{1.0}, 0.01).v);
}

CapacityInputs one_ms_at_30_per_s(double sla_s) {
  CapacityInputs in;
  in.service = Seconds{1e-3};
  in.rate = PerSecond{30.0};
  in.sla = Seconds{sla_s};
  in.weights = Bytes{1e6};
  in.activations = Bytes{1e6};
  in.usable_memory = Bytes{1e12};
  return in;
}

TEST(EstimateQueueing, UtilisationBindsWhenTheSlaExceedsThePeriod) {
  // S = 1 ms at 30/s: 33 streams keep the device 99 % busy, 34 overload it. With N x S <= period a request
  // waits for at most N - 1 others, so latency <= 33 ms <= 100 ms.
  const CapacityInputs in = one_ms_at_30_per_s(0.1);
  const CapacityBound b = analytic_streams(in);
  EXPECT_EQ(b.utilisation, 33);
  EXPECT_EQ(b.latency, 33);
  EXPECT_EQ(b.memory, 999999);  // (1e12 - 1e6) / 1e6
  EXPECT_EQ(b.streams, 33);
  EXPECT_EQ(b.limit, "utilisation");
  EXPECT_DOUBLE_EQ(latency_bound(in, 1).v, 1e-3);  // alone: no wait
  EXPECT_TRUE(std::isinf(latency_bound(in, 34).v));
}

TEST(EstimateQueueing, LatencyBindsWhenTheSlaIsShort) {
  // SLA 10 ms. The FIFO worst case alone would allow 10 streams (N x 1 ms); the M/D/1 bound allows more:
  // N = 25: rho 0.75, gamma = 0.5502 (0.75 (e^0.5502 - 1) = 0.5502), wait ln(100) / 0.5502 = 8.37 ms,
  // latency 9.37 ms; N = 26: rho 0.78, gamma = 0.4779, wait 9.64 ms, latency 10.64 ms > 10 ms.
  const CapacityInputs in = one_ms_at_30_per_s(0.010);
  const CapacityBound b = analytic_streams(in);
  EXPECT_EQ(b.latency, 25);
  EXPECT_EQ(b.streams, 25);
  EXPECT_EQ(b.limit, "latency");
  EXPECT_NEAR(latency_bound(in, 25).v, 9.37e-3, 0.02e-3);
  EXPECT_NEAR(latency_bound(in, 26).v, 10.64e-3, 0.02e-3);
}

TEST(EstimateQueueing, MemoryBinds) {
  CapacityInputs in = one_ms_at_30_per_s(0.1);
  in.usable_memory = Bytes{11.5e6};  // weights 1 MB + 10 x 1 MB fit, 11 do not
  const CapacityBound b = analytic_streams(in);
  EXPECT_EQ(b.memory, 10);
  EXPECT_EQ(b.streams, 10);
  EXPECT_EQ(b.limit, "memory");
}

}  // namespace
}  // namespace gpusim::test
