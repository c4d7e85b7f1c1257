// --seeds N: Student's t quantiles against published tables, and the mean, interval and tie rule of
// hand-made per-seed values.

#include "analysis/seeds.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.hpp"

namespace gpusim::test {
namespace {

TEST(StudentT, MatchesPublishedTwoSided95PercentValues) {
  // t(0.975, dof), e.g. NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2 (3 decimals).
  const std::vector<std::pair<int, double>> published{{1, 12.706}, {2, 4.303},  {3, 3.182},  {4, 2.776},
                                                      {5, 2.571},  {9, 2.262},  {10, 2.228}, {19, 2.093},
                                                      {30, 2.042}, {60, 2.000}, {100, 1.984}};
  for (const auto& [dof, t] : published) EXPECT_NEAR(student_t_quantile(0.975, dof), t, 5e-4) << dof;
}

TEST(StudentT, OtherLevelsAndTheNormalLimit) {
  EXPECT_NEAR(student_t_quantile(0.95, 5), 2.015, 5e-4);    // one-sided 95 %
  EXPECT_NEAR(student_t_quantile(0.995, 10), 3.169, 5e-4);  // two-sided 99 %
  EXPECT_NEAR(student_t_quantile(0.5, 7), 0.0, 1e-9);       // the median
  // Many degrees of freedom: the normal quantile 1.959964 (t(0.975, 999) = 1.962 in the tables).
  EXPECT_NEAR(student_t_quantile(0.975, 999), 1.962, 5e-4);
  EXPECT_THROW(student_t_quantile(0.975, 0), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1.0, 3), std::invalid_argument);
}

TEST(SeedStat, MeanAndIntervalOfFiveValues) {
  // 10, 12, 14, 16, 18: mean 14, squares 16 + 4 + 0 + 4 + 16 = 40, sd sqrt(40 / 4) = 3.16228;
  // half width t(0.975, 4) sd / sqrt(5) = 2.776445 x 1.414214 = 3.92644.
  const SeedStat s = seed_stat({10, 12, 14, 16, 18});
  EXPECT_EQ(s.n, 5);
  EXPECT_DOUBLE_EQ(s.mean, 14.0);
  EXPECT_NEAR(s.sd, 3.16228, 1e-5);
  EXPECT_NEAR(s.half_width, 3.92644, 1e-4);
  EXPECT_NEAR(s.low(), 10.07356, 1e-4);
  EXPECT_NEAR(s.high(), 17.92644, 1e-4);
}

TEST(SeedStat, OneValueOrEqualValuesHaveNoWidth) {
  const SeedStat one = seed_stat({7.5});
  EXPECT_EQ(one.n, 1);
  EXPECT_DOUBLE_EQ(one.mean, 7.5);
  EXPECT_DOUBLE_EQ(one.half_width, 0.0);
  EXPECT_DOUBLE_EQ(seed_stat({3, 3, 3}).half_width, 0.0);
  EXPECT_EQ(seed_stat({}).n, 0);
}

TEST(SeedStat, TouchingIntervalsOverlap) {
  SeedStat a;
  a.mean = 1, a.half_width = 1;  // [0, 2]
  SeedStat b;
  b.mean = 3, b.half_width = 1;  // [2, 4]
  SeedStat c;
  c.mean = 5, c.half_width = 0.5;  // [4.5, 5.5]
  EXPECT_TRUE(overlaps(a, b));
  EXPECT_TRUE(overlaps(b, a));
  EXPECT_FALSE(overlaps(a, c));
  EXPECT_FALSE(overlaps(c, b));
}

TEST(SeedCount, WholeNumbersFromOneToTheCap) {
  EXPECT_EQ(parse_seed_count("1"), 1);
  EXPECT_EQ(parse_seed_count("30"), 30);
  EXPECT_EQ(parse_seed_count("1000"), kMaxSeeds);
  for (const char* bad : {"0", "-1", "abc", "2.5", "", "1001", "99999999999999", "3x", " 3"}) {
    try {
      parse_seed_count(bad);
      ADD_FAILURE() << bad;
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("error: --seeds '") + bad + "': must be a whole number of runs from 1 to 1000");
    }
  }
}

RunMetrics run_of(double p99_a_ms, double sla_a, double rps_a) {
  RunMetrics m;
  WorkloadMetrics a;
  a.name = "a";
  a.latency.p99 = p99_a_ms * 1e-3;
  a.sla_attainment = sla_a;
  a.throughput_rps = rps_a;
  WorkloadMetrics b;  // no SLA
  b.name = "b";
  b.latency.p99 = 0.005;
  b.throughput_rps = 10;
  m.workloads = {a, b};
  return m;
}

TEST(WorkloadSeeds, MeanAndIntervalPerWorkload) {
  // a: p99 10, 20, 30 ms: mean 20 ms, sd 10 ms, half width t(0.975, 2) 10 / sqrt(3) = 4.302653 x 5.773503
  // = 24.8414 ms. SLA 0.90, 0.95, 1.00: mean 0.95, sd 0.05, half width 0.124207. b has no SLA.
  const auto ws = workload_seeds({run_of(10, 0.90, 100), run_of(20, 0.95, 101), run_of(30, 1.00, 102)});
  ASSERT_EQ(ws.size(), 2U);
  EXPECT_EQ(ws[0].name, "a");
  EXPECT_NEAR(ws[0].p99_s.mean, 0.020, 1e-12);
  EXPECT_NEAR(ws[0].p99_s.half_width, 0.0248414, 1e-6);
  ASSERT_TRUE(ws[0].sla_attainment);
  EXPECT_NEAR(ws[0].sla_attainment->mean, 0.95, 1e-12);
  EXPECT_NEAR(ws[0].sla_attainment->half_width, 0.124207, 1e-5);
  EXPECT_NEAR(ws[0].throughput_rps.mean, 101.0, 1e-12);
  EXPECT_EQ(ws[0].p99_per_seed_s.size(), 3U);
  EXPECT_FALSE(ws[1].sla_attainment);
  EXPECT_DOUBLE_EQ(ws[1].p99_s.half_width, 0.0);
}

CompareRow seed_row(double sla, double p99_ms) {
  CompareRow r;
  r.sla_attainment = sla;
  r.p99_s = p99_ms * 1e-3;
  r.throughput_rps = 100;
  r.queue_s = p99_ms * 1e-4;
  r.service_s = 0.002;
  return r;
}

SeedCompareRow policy(const std::string& name, const std::vector<std::pair<double, double>>& runs) {
  std::vector<CompareRow> rows;
  for (const auto& [sla, p99] : runs) rows.push_back(seed_row(sla, p99));
  return seed_compare_row(name, rows);
}

int rank_of(const std::vector<SeedCompareRow>& rows, const std::string& name) {
  for (const auto& r : rows) {
    if (r.scheduler == name) return r.rank;
  }
  return -1;
}

TEST(SeedRanking, OverlappingAttainmentTiesAndApartAttainmentDoesNot) {
  // a: SLA 0.99, 0.995, 1.00 -> [0.983, 1.007]; b: 0.98, 0.99, 1.00 -> [0.965, 1.015]: overlap, tied
  // (p99 intervals overlap too). c: 0.50, 0.51, 0.52 -> [0.485, 0.535]: apart below both.
  std::vector<SeedCompareRow> rows{policy("c", {{0.50, 10}, {0.51, 11}, {0.52, 12}}),
                                   policy("b", {{0.98, 10}, {0.99, 11}, {1.00, 12}}),
                                   policy("a", {{0.99, 10}, {0.995, 11}, {1.00, 12}})};
  rank_seed_rows(rows);
  EXPECT_EQ(rows[0].scheduler, "a");
  EXPECT_EQ(rank_of(rows, "a"), 1);
  EXPECT_EQ(rank_of(rows, "b"), 1);
  EXPECT_EQ(rank_of(rows, "c"), 3);
}

TEST(SeedRanking, EqualAttainmentGoesToP99Intervals) {
  // Every SLA met (zero-width intervals at 1, overlapping): p99 10, 11, 12 ms -> [8.52, 13.48] against
  // 30, 31, 32 ms -> [28.52, 33.48]: apart; 29, 31, 33.5 ms -> [25.57, 36.77] overlaps the latter: tied.
  std::vector<SeedCompareRow> rows{policy("slow", {{1, 30}, {1, 31}, {1, 32}}),
                                   policy("fast", {{1, 10}, {1, 11}, {1, 12}}),
                                   policy("slower", {{1, 29}, {1, 31}, {1, 33.5}})};
  rank_seed_rows(rows);
  EXPECT_EQ(rank_of(rows, "fast"), 1);
  EXPECT_EQ(rank_of(rows, "slow"), 2);
  EXPECT_EQ(rank_of(rows, "slower"), 2);
}

TEST(SeedRanking, KeysThatDisagreeTie) {
  // "up" has the higher mean attainment (overlapping intervals) but the p99 interval apart above the
  // other's: the evidence disagrees, so neither is ranked above the other.
  std::vector<SeedCompareRow> rows{policy("down", {{0.97, 10}, {0.98, 11}, {0.99, 12}}),
                                   policy("up", {{0.98, 40}, {0.99, 41}, {1.00, 42}})};
  rank_seed_rows(rows);
  EXPECT_EQ(rows[0].scheduler, "up");
  EXPECT_EQ(rank_of(rows, "up"), 1);
  EXPECT_EQ(rank_of(rows, "down"), 1);
}

TEST(SeedRanking, ErrorsComeLastWithoutRank) {
  std::vector<SeedCompareRow> rows{SeedCompareRow{}, policy("ok", {{1, 10}, {1, 11}})};
  rows[0].scheduler = "broken";
  rows[0].error = "seed 43: placed 0 streams";
  rank_seed_rows(rows);
  EXPECT_EQ(rows[0].scheduler, "ok");
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_EQ(rows[1].rank, 0);
}

TEST(SeedCompareRow, WhyIsAveragedOverSeeds) {
  // Queueing 1.0 and 3.0 ms over two seeds: 2.0 ms; occupancy 0.4 and 0.6: 0.5; switches 10 and 13: 12
  // (11.5 rounded to nearest, half away from zero).
  std::vector<CompareRow> runs{seed_row(1, 10), seed_row(1, 30)};
  for (auto& r : runs) r.metrics.devices.resize(1);
  runs[0].metrics.devices[0].occupied = 0.4;
  runs[1].metrics.devices[0].occupied = 0.6;
  runs[0].metrics.devices[0].switches = 10;
  runs[1].metrics.devices[0].switches = 13;
  const SeedCompareRow r = seed_compare_row("p", runs);
  EXPECT_NEAR(r.mean.queue_s, 0.002, 1e-12);
  EXPECT_NEAR(r.mean.metrics.devices[0].occupied, 0.5, 1e-12);
  EXPECT_EQ(r.mean.metrics.devices[0].switches, 12U);
  EXPECT_NEAR(r.mean.p99_s, 0.020, 1e-12);
}

}  // namespace
}  // namespace gpusim::test
