// Host speeds per pstate, bus bandwidth and kernel costs in work units
// (1e9 units per second for a whole device at boost), computed by hand.

#include "sim/work_units.hpp"

#include <gtest/gtest.h>

namespace gpusim {
namespace {

TEST(WorkUnits, UnitSpeedsFollowTheClock) {
  // Half the SMs, speed scale 2: 1e9 x 0.5 x 2 = 1e9 at boost, x 1485/1500 = 0.99e9, x 750/1500 = 0.5e9.
  const auto s = unit_speeds({Hertz{1500e6}, Hertz{1485e6}, Hertz{750e6}}, 0.5, 2.0);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_DOUBLE_EQ(s[0], 1e9);
  EXPECT_DOUBLE_EQ(s[1], 0.99e9);
  EXPECT_DOUBLE_EQ(s[2], 0.5e9);
}

TEST(WorkUnits, BusBandwidth) {
  DeviceSpec d;
  d.memory_bandwidth = ByteRate{300e9};
  d.memory_efficiency = 0.8;
  // 300 GB/s x 0.8 x 0.5 (a half-bandwidth slice) x 1 = 120 GB/s
  EXPECT_DOUBLE_EQ(unit_bus_bandwidth(d, 0.5, 1.0).v, 120e9);
}

TEST(WorkUnits, KernelCosts) {
  DeviceSpec d;
  d.peaks[Precision::FP16] = FlopRate{65e12};
  d.compute_efficiency = 0.5;  // achievable 32.5 TFLOP/s
  StreamSpec s;
  s.precision = Precision::FP16;
  StageSpec stage;
  KernelSpec k;
  k.flops = Flops{65e9};  // 65 GFLOP / 32.5 TFLOP/s = 2 ms = 2e6 units
  k.bytes = Bytes{3e5};
  k.weight_bytes = Bytes{1e6};
  stage.kernels = {k, KernelSpec{}};
  s.stages = {stage};
  const auto costs = kernel_costs(s, d);
  ASSERT_EQ(costs.size(), 1u);
  ASSERT_EQ(costs[0].size(), 2u);
  EXPECT_DOUBLE_EQ(costs[0][0].work_per_sample, 2e6);
  EXPECT_DOUBLE_EQ(costs[0][0].bytes_fixed, 1e6);
  EXPECT_DOUBLE_EQ(costs[0][0].bytes_per_sample, 3e5);
  EXPECT_DOUBLE_EQ(costs[0][1].work_per_sample, 0);
}

}  // namespace
}  // namespace gpusim
