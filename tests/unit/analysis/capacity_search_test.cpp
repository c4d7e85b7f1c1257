// The pure rules of `gpusim capacity`: the latency at a quantile of generated requests, the utilisation
// bracket, how a point is judged, and the counts the search simulates next, on hand-worked cases.

#include "analysis/capacity_search.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace gpusim::test {
namespace {

TEST(CapacityQuantile, NearestRankOverGeneratedRequests) {
  const std::vector<double> sorted{0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10};
  // 10 generated, 10 completed: the 9th smallest meets 90 %, the 10th 99 % (ceil(9.9) = 10).
  EXPECT_DOUBLE_EQ(latency_at_quantile(sorted, 10, 0.9), 0.09);
  EXPECT_DOUBLE_EQ(latency_at_quantile(sorted, 10, 0.99), 0.10);
  // 20 generated but 10 completed: 50 % is the 10th; 51 % needs an 11th that never finished.
  EXPECT_DOUBLE_EQ(latency_at_quantile(sorted, 20, 0.5), 0.10);
  EXPECT_TRUE(std::isinf(latency_at_quantile(sorted, 20, 0.51)));
}

TEST(CapacityBracket, SumOfWhatEachUnitHasRoomFor) {
  // Unit 0: 0.13 per stream, nothing else: floor(1 / 0.13) = 7. Unit 1: others use 0.5, 0.1 per stream:
  // floor(0.5 / 0.1) = 5. Unit 2 cannot run the workload.
  EXPECT_EQ(utilisation_bound({0.13, 0.1, std::nullopt}, {0.0, 0.5, 0.0}), 12);
  // A unit already full contributes nothing.
  EXPECT_EQ(utilisation_bound({0.1}, {1.2}), 0);
}

RunMetrics one_workload(std::uint64_t generated, std::uint64_t completed, std::uint64_t unfinished,
                        double within, double occupied, bool saturated = false) {
  RunMetrics m;
  WorkloadMetrics w;
  w.name = "cam";
  w.streams = 3;
  w.generated = generated;
  w.completed = completed;
  w.unfinished = unfinished;
  w.sla_s = 0.1;
  w.sla_attainment = within / static_cast<double>(generated);
  w.saturation.saturated = saturated;
  w.saturation.reason = saturated ? "backlog grew" : "";
  m.workloads.push_back(w);
  DeviceMetrics d;
  d.name = "gpu0";
  d.streams = 3;
  d.occupied = occupied;
  m.devices.push_back(d);
  return m;
}

TEST(CapacityJudge, MeetsOnlyWhenStableAndEverySlaHoldsAtTheQuantile) {
  const std::vector<std::vector<double>> lat{std::vector<double>(100, 0.05)};
  // 100 of 100 within the SLA, device 80 % occupied: meets.
  EXPECT_TRUE(judge_point(one_workload(100, 100, 0, 100, 0.8), lat, 0.99, 3, 1).meets);
  // 98 of 100 within: fails at 99 %, meets at 95 %; the SLA binds.
  const CapacityPoint p = judge_point(one_workload(100, 100, 0, 98, 0.8), lat, 0.99, 3, 1);
  EXPECT_FALSE(p.meets);
  EXPECT_EQ(p.binding, "sla:cam");
  EXPECT_TRUE(judge_point(one_workload(100, 100, 0, 98, 0.8), lat, 0.95, 3, 1).meets);
  // Every request within its SLA, but the run's verdict says it is not a steady state: saturation binds,
  // with the verdict's reason.
  const CapacityPoint q = judge_point(one_workload(100, 100, 0, 100, 0.995, true), lat, 0.99, 3, 1);
  EXPECT_EQ(q.binding, "saturation");
  EXPECT_EQ(q.failure, "saturated: not a steady state: 'cam': backlog grew");
}

TEST(CapacitySearch, BracketFirstThenStepsThenSplits) {
  SearchState s;
  s.hint = 20;
  s.most = 1000;
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{20, 21}));
  // Both meet: step up by an eighth of 21 (2).
  s.tried = {{20, true}, {21, true}};
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{23, 25}));
  // 23 meets, 25 fails: the gap (23, 25) has one count left.
  s.tried[23] = true;
  s.tried[25] = false;
  EXPECT_EQ(search_low(s), 23);
  EXPECT_EQ(search_high(s), 25);
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{24}));
  s.tried[24] = false;
  EXPECT_TRUE(search_done(s));
  EXPECT_EQ(search_low(s), 23);
  EXPECT_TRUE(next_counts(s, 2).empty());
}

TEST(CapacitySearch, EverythingFailsSplitsTheGapBelow) {
  SearchState s;
  s.hint = 30;
  s.tried = {{30, false}, {31, false}};
  // (0, 30) in three parts: 10 and 20.
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{10, 20}));
  s.tried[10] = false;
  s.tried[20] = false;
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{3, 7}));
  s.tried[3] = false;
  s.tried[7] = false;
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{1, 2}));
  s.tried[1] = false;
  EXPECT_TRUE(search_done(s));
  EXPECT_EQ(search_low(s), 0);
}

TEST(CapacitySearch, MemoryCapsTheCounts) {
  SearchState s;
  s.hint = 50;
  s.most = 6;                                               // 7 streams do not fit
  EXPECT_EQ(next_counts(s, 2), (std::vector<long>{5, 6}));  // the bracket clamped to what fits, and one below
  s.tried = {{5, true}, {6, true}};
  EXPECT_TRUE(search_done(s));
  EXPECT_EQ(search_low(s), 6);
}

}  // namespace
}  // namespace gpusim::test
