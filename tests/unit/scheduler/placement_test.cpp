// Assignment policies on hand-built views: each expected placement is worked out in the comments from the
// stated memory sizes, rates and predicted times.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "views.hpp"

namespace gpusim::test {
namespace {

using Assignment = std::vector<int>;

TEST(BestFit, PacksThreeFiveGiBModelsOnOneSixteenGiBUnitBeforeOpeningASecond) {
  // 3 x 5 GiB = 15 GiB fits the 16 GiB unit; the fourth would need 20 GiB, so it opens the second unit.
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  std::vector<StreamView> streams;
  for (int i = 0; i < 4; ++i) streams.push_back(stream(i, i, 5, 1, 2, 1, 1, 0));
  EXPECT_EQ(policy("best-fit")->place(streams, units), (Assignment{0, 0, 0, 1}));
}

TEST(BestFit, OpensTheLargestUnitAndPacksItFirst) {
  // Units of 8 and 16 GiB: the first 5 GiB model opens the 16 GiB unit, and the next two still fit there.
  const std::vector<DeviceView> units{unit(0, "time-slice", 8), unit(1, "time-slice", 16)};
  std::vector<StreamView> streams;
  for (int i = 0; i < 3; ++i) streams.push_back(stream(i, i, 5, 1, 2, 1, 1, 0));
  EXPECT_EQ(policy("best-fit")->place(streams, units), (Assignment{1, 1, 1}));
}

TEST(BestFit, LargestFirstAndTightestUnit) {
  // 16 GiB units; models 4, 9, 7 GiB in file order. Decreasing: 9 -> unit 0 (7 left); 7 -> unit 0 (0 left);
  // 4 -> does not fit unit 0 -> opens unit 1.
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 4, 1, 2, 1, 1, 0), stream(1, 1, 9, 1, 2, 1, 1, 0),
                                        stream(2, 2, 7, 1, 2, 1, 1, 0)};
  EXPECT_EQ(policy("best-fit")->place(streams, units), (Assignment{1, 0, 0}));
}

TEST(BestFit, CountsSharedWeightsOncePerUnit) {
  // Two instances of one workload: 6 GiB each, of which 4 GiB weights. Together 6 + 2 = 8 GiB <= 10 GiB.
  const std::vector<DeviceView> units{unit(0, "time-slice", 10), unit(1, "time-slice", 10)};
  const std::vector<StreamView> streams{stream(0, 0, 6, 1, 2, 1, 1, 0, std::nullopt, 4),
                                        stream(1, 0, 6, 1, 2, 1, 1, 0, std::nullopt, 4)};
  EXPECT_EQ(policy("best-fit")->place(streams, units), (Assignment{0, 0}));
}

TEST(BestFit, AUnitIsAlsoFullAtItsUtilisationLimit) {
  // Each stream keeps a unit 60 % busy (10/s x 60 ms): two on one unit would be 120 % > 90 %.
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 1, 10, 2, 60, 60, 1), stream(1, 1, 1, 10, 2, 60, 60, 1)};
  EXPECT_EQ(policy("best-fit")->place(streams, units), (Assignment{0, 1}));
  EXPECT_EQ(policy("best-fit", params({{"max_utilization", "10"}}))->place(streams, units),
            (Assignment{0, 0}));
}

TEST(LeastLoaded, LargestFirstOnTheLeastLoadedUnit) {
  // Utilisations 0.5, 0.4, 0.3, 0.2 (10/s x 50, 40, 30, 20 ms) on two equal units, largest first:
  // 0.5 -> u0; 0.4 -> u1; 0.3 -> u1 (0.7 < 0.8); 0.2 -> u0 (0.7 = 0.7, lowest id). Loads 0.7 and 0.7.
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 1, 10, 2, 50, 50, 1), stream(1, 1, 1, 10, 2, 40, 40, 1),
                                        stream(2, 2, 1, 10, 2, 30, 30, 1), stream(3, 3, 1, 10, 2, 20, 20, 1)};
  EXPECT_EQ(policy("least-loaded")->place(streams, units), (Assignment{0, 1, 1, 0}));
}

TEST(LeastLoaded, UsesThePredictedTimeOfEachUnit) {
  // Unit 1 is twice as fast: the first stream loads it 0.1 instead of 0.2; the second then finds
  // u0 = 0.2 and u1 = 0.1 + 0.1 = 0.2, a tie that goes to the lower id.
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  auto s0 = stream(0, 0, 1, 10, 2, 20, 20, 1);
  auto s1 = stream(1, 1, 1, 10, 2, 20, 20, 1);
  s0.isolated_time.set(1, Seconds{10 * kMs});
  s1.isolated_time.set(1, Seconds{10 * kMs});
  EXPECT_EQ(policy("least-loaded")->place({s0, s1}, units), (Assignment{1, 0}));
}

// Two compute-heavy (c) and two memory-heavy (m) streams on two MPS units, in the order c, m, c, m.
std::vector<StreamView> compute_and_memory_streams(double rate) {
  return {stream(0, 0, 1, rate, 2, 8, 8, 0.1), stream(1, 1, 1, rate, 2, 8, 0.1, 8),
          stream(2, 2, 1, rate, 2, 8, 8, 0.1), stream(3, 3, 1, rate, 2, 8, 0.1, 8)};
}

TEST(InterferenceAware, PairsComputeHeavyWithMemoryHeavy) {
  // Each stream keeps its resource 30/s x 8 ms = 24 % busy. Round-robin puts both compute-heavy streams
  // on unit 0. Interference-aware: c0 -> u0; m1 -> u1 (an empty unit adds no slowdown); c2 beside c0 would
  // slow each by 8 ms x 0.24 / 8 ms = 0.24, beside m1 by 0.006, so u1; m3 likewise goes beside c0 on u0.
  const std::vector<DeviceView> units{unit(0, "mps", 16), unit(1, "mps", 16)};
  const auto streams = compute_and_memory_streams(30);
  EXPECT_EQ(policy("interference-aware")->place(streams, units), (Assignment{0, 1, 1, 0}));
  EXPECT_EQ(policy("round-robin")->place(streams, units), (Assignment{0, 1, 0, 1}));
}

TEST(InterferenceAware, AvoidsOverloadingOneResource) {
  // At 100/s each stream keeps its resource 80 % busy: two compute-heavy ones together need 160 %.
  const std::vector<DeviceView> units{unit(0, "mps", 16), unit(1, "mps", 16)};
  EXPECT_EQ(policy("interference-aware")->place(compute_and_memory_streams(100), units),
            (Assignment{0, 1, 1, 0}));
}

TEST(InterferenceAware, SpreadsQueueingOnTimeSlicedUnits) {
  // Time-sliced units serve one request at a time: the M/D/1 slowdown 1 + rho / (2 (1 - rho)) grows with
  // the total load, whatever the streams' kinds, so four equal streams split two and two.
  const std::vector<DeviceView> units{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  EXPECT_EQ(policy("interference-aware")->place(compute_and_memory_streams(30), units),
            (Assignment{0, 1, 0, 1}));
}

TEST(MpsShare, SharesAreTheNeedsScaledToTheDevice) {
  // A is compute-bound: T = tc = 4 ms, 100/s, SLA 20 ms -> target 0.8 x 20 = 16 ms. With a share f = 1/x
  // its service is 4x ms and rho = 0.4x; the M/D/1 latency 4x (2 - 0.4x) / (2 (1 - 0.4x)) = 16 ms gives
  // x^2 - 13x + 20 = 0, x = (13 - sqrt(89)) / 2, so A needs f = 2 / (13 - sqrt(89)) = 0.5609.
  // B is memory-bound (no compute term): no share helps it, it needs the minimum, 0.05.
  // The needs sum to 0.6109 < 1: each share is its need / 0.6109.
  const double need_a = 2 / (13 - std::sqrt(89.0));
  const std::vector<DeviceView> units{unit(0, "mps", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 1, 100, 1, 4, 4, 0, 20.0),
                                        stream(1, 1, 1, 10, 1, 2, 0, 2, 20.0)};
  auto p = policy("mps-share");
  const auto placement = p->place(streams, units);
  ASSERT_EQ(placement, (Assignment{0, 0}));
  const auto shares = p->mps_shares(streams, units, placement);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_NEAR(shares[0], need_a / (need_a + 0.05), 1e-9);
  EXPECT_NEAR(shares[1], 0.05 / (need_a + 0.05), 1e-9);
}

TEST(MpsShare, PlacesSoThatTheNeededSharesFit) {
  // Nearly idle streams (1e-6/s: no queueing) with T = tc and a 6.25 ms SLA (target 5 ms) need tc / 5 ms:
  // 0.6, 0.6, 0.3. 0.6 -> u0; 0.6 -> u1 (u0 would need 1.2); 0.3 -> u0 (0.9 either way, lowest id).
  const std::vector<DeviceView> units{unit(0, "mps", 16), unit(1, "mps", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 1, 1e-6, 2, 3, 3, 0, 6.25),
                                        stream(1, 1, 1, 1e-6, 2, 3, 3, 0, 6.25),
                                        stream(2, 2, 1, 1e-6, 2, 1.5, 1.5, 0, 6.25)};
  auto p = policy("mps-share");
  const auto placement = p->place(streams, units);
  EXPECT_EQ(placement, (Assignment{0, 1, 0}));
  const auto shares = p->mps_shares(streams, units, placement);
  EXPECT_NEAR(shares[0], 0.6 / 0.9, 1e-6);
  EXPECT_NEAR(shares[1], 1.0, 1e-12);
  EXPECT_NEAR(shares[2], 0.3 / 0.9, 1e-6);
  const std::vector<DeviceView> serial{unit(0, "time-slice", 16), unit(1, "time-slice", 16)};
  for (double f : p->mps_shares(streams, serial, placement)) EXPECT_EQ(f, 1.0);
}

TEST(MpsShare, KeepsMemoryBoundStreamsApart) {
  // m1 and m2 keep the bus 60 % busy each (50/s x 12 ms), which a share cannot limit; c needs 0.3 of the
  // SMs. m1 -> u0; m2 -> u1 (on u0 the bus would be at 1.2 / 0.9); c -> u0 (both units at 0.6 / 0.9).
  const std::vector<DeviceView> units{unit(0, "mps", 16), unit(1, "mps", 16)};
  const std::vector<StreamView> streams{stream(0, 0, 1, 50, 2, 12, 0, 12), stream(1, 1, 1, 50, 2, 12, 0, 12),
                                        stream(2, 2, 1, 1e-6, 2, 1.5, 1.5, 0, 6.25)};
  EXPECT_EQ(policy("mps-share")->place(streams, units), (Assignment{0, 1, 0}));
}

TEST(Registry, HasTheBuiltInPolicies) {
  for (const char* name : {"round-robin", "least-loaded", "best-fit", "interference-aware", "edf",
                           "mps-share", "mig-planner", "priority"}) {
    EXPECT_TRUE(Registry<Scheduler>::instance().has(name)) << name;
  }
}

TEST(Registry, UnknownNameListsTheKnownOnes) {
  try {
    policy("fastest");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown scheduler 'fastest'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("best-fit, edf, interference-aware"), std::string::npos) << msg;
  }
}

TEST(Registry, ParametersAreCheckedWithTheirOrigin) {
  Params p;
  p.set("max_utilisation", "0.5", "workloads.yaml:7:5");
  try {
    policy("best-fit", p);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "workloads.yaml:7:5: error: scheduler 'best-fit' has no parameter 'max_utilisation' "
                 "(known: max_utilization)");
  }
  Params q;
  q.set("max_utilization", "-1", "--scheduler-param");
  try {
    policy("best-fit", q);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "--scheduler-param: error: scheduler 'best-fit': parameter 'max_utilization' must be "
                 "positive (got -1)");
  }
}

// Every registered policy, on a mix of streams and units, gives a valid unit to each stream and respects
// memory with weights counted once per unit and workload.
TEST(Contract, EveryPolicyPlacesWithinMemory) {
  const std::vector<DeviceView> units{unit(0, "mps", 12), unit(1, "time-slice", 20), unit(2, "mps", 8)};
  std::vector<StreamView> streams;
  for (int i = 0; i < 9; ++i) {
    streams.push_back(stream(i, i % 4, 1.0 + i % 3, 5 + i, 3, 4 + i, 2 + i, 3, 20.0 + 5 * i, 0.5));
  }
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    auto p = e->factory(Params{});
    const auto placement = p->place(streams, units);
    ASSERT_EQ(placement.size(), streams.size()) << e->name;
    std::map<int, double> used;
    std::set<std::pair<int, int>> weights;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      ASSERT_GE(placement[i], 0) << e->name;
      ASSERT_LT(placement[i], 3) << e->name;
      used[placement[i]] += streams[i].memory.v;
      if (!weights.insert({placement[i], streams[i].workload_index}).second)
        used[placement[i]] -= streams[i].weights.v;
    }
    for (const auto& [u, bytes] : used)
      EXPECT_LE(bytes, units[u].memory_capacity.v) << e->name << " unit " << u;
    for (double f : p->mps_shares(streams, units, placement)) {
      EXPECT_GT(f, 0.0) << e->name;
      EXPECT_LE(f, 1.0) << e->name;
    }
  }
}

}  // namespace
}  // namespace gpusim::test
