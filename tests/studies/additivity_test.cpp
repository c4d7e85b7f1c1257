// The additivity analysis on scenarios whose answer is known without the program:
// - all mechanisms off, two independent workloads on one time-sliced device: the device is busy exactly
//   the sum of their service times (work-conserving, no switch cost), so the ratio is 1.0;
// - a compute-bound and a memory-bound workload under MPS overlap: each needs ~40 % of the device alone,
//   together their kernels run at the same time, so the device is occupied far less than 80 %;
// - two memory-bound workloads whose working sets fit L2 alone but not together: the ratio rises above
//   1, and switching the L2 mechanism off removes the rise (attribution goes to l2).

#include <gtest/gtest.h>

#include "studies/additivity.hpp"
#include "scenario_builder.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

Scenario base(SharingMode mode) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 0.0), mode));
  sc.workloads.run.duration = Seconds{4.0};
  sc.workloads.run.warmup = Seconds{0.5};
  return sc;
}

Plan plan_for(const Scenario& sc) {
  return PlanBuilder(sc, "test").add_device(0).place_all(std::vector<int>(expand_streams(sc.workloads).size(), 0)).build();
}

AdditivityOptions quick() {
  AdditivityOptions o;
  o.required_compute = false;
  o.duration = Seconds{0.0};  // the scenario's own (short) duration
  return o;
}

}  // namespace

TEST(Additivity, WithEveryMechanismOffIndependentWorkloadsAddUpExactly) {
  Scenario sc = base(SharingMode::TIME_SLICE);
  for (const auto& m : mechanism_names()) sc.platform.contention.set(m, false);
  sc.workloads.streams.push_back(stream("a", 13.65e9, 1e3, 2, poisson(100)));  // 2 ms per request, 20 %
  sc.workloads.streams.push_back(stream("b", 6.825e9, 1e3, 3, poisson(150)));  // 1.5 ms per request, 22.5 %
  const Plan plan = plan_for(sc);
  const auto res = analyse_additivity(sc, plan, nullptr, quick());
  ASSERT_EQ(res.size(), 1u);
  EXPECT_NEAR(res[0].ratio, 1.0, 0.005);
  EXPECT_TRUE(res[0].attribution.empty());  // nothing left to switch off
}

TEST(Additivity, ComputeBoundAndMemoryBoundOverlapBelowTheSum) {
  // 6 ms per request, both every 10 ms at the same instants: each occupies 60 % alone; together their
  // kernels run side by side and the device is occupied only about 60 %: ratio about 0.5.
  // (Power is off here: both at once would exceed the A100's 250 W and throttle, a separate effect.)
  Scenario sc = base(SharingMode::MPS);
  sc.platform.contention.power = false;
  std::vector<double> ticks;
  for (int i = 0; i < 395; ++i) ticks.push_back(0.05 + 0.01 * i);
  sc.workloads.streams.push_back(stream("compute", 13.65e9, 1e6, 6, at_times(ticks)));
  sc.workloads.streams.push_back(stream("memory", 1e6, 1.3995e9, 6, at_times(ticks)));
  const Plan plan = plan_for(sc);
  const auto res = analyse_additivity(sc, plan, nullptr, quick());
  ASSERT_EQ(res.size(), 1u);
  EXPECT_NEAR(res[0].isolated.at("compute"), 0.60, 0.01);
  EXPECT_NEAR(res[0].isolated.at("memory"), 0.60, 0.01);
  EXPECT_NEAR(res[0].ratio, 0.5, 0.05);
  EXPECT_NE(res[0].verdict.find("below"), std::string::npos) << res[0].verdict;
}

TEST(Additivity, MemoryBoundPairOverflowingL2IsAboveTheSumBecauseOfL2) {
  Scenario sc = base(SharingMode::MPS);
  const double ws = 30.0 * 1024 * 1024;  // each fits the A100's 40 MiB L2 alone, not with the other
  sc.workloads.streams.push_back(stream("m1", 1e6, ws, 100, periodic(200)));  // 100 x 22.5 us = 2.25 ms
  sc.workloads.streams.push_back(stream("m2", 1e6, ws, 100, periodic(200)));
  const Plan plan = plan_for(sc);
  const auto res = analyse_additivity(sc, plan, nullptr, quick());
  ASSERT_EQ(res.size(), 1u);
  EXPECT_GT(res[0].ratio, 1.02);
  ASSERT_TRUE(res[0].attribution.count("l2"));
  // Shared bandwidth alone keeps memory-bound work additive (ratio 1); the excess is the L2's.
  EXPECT_NEAR(res[0].ratio - res[0].attribution.at("l2"), 1.0, 0.01);
  // And bandwidth sharing is what stops the two from overlapping: without it the ratio falls below 1.
  EXPECT_GT(res[0].attribution.at("bandwidth"), 0.0);
}
