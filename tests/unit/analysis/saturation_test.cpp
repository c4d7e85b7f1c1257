// Saturation verdicts on hand-made records (a FIFO queue computed in the test: rising backlog, stable, an
// M/D/1 queue at 90 % and 110 % load) and the fastest possible latency behind the impossible-SLA warning.

#include "analysis/saturation.hpp"

#include <gtest/gtest.h>

#include <random>

#include "analysis/metrics.hpp"
#include "analysis/ranking.hpp"
#include "scenario_builder.hpp"

namespace gpusim::test {
namespace {

// One periodic workload on one A100 over [0, duration), measured from t = 0.
Scenario one_workload(double duration_s) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(1, 1, 0), SharingMode::TIME_SLICE, "gpu0"));
  sc.workloads.streams.push_back(stream("w", 1e9, 1e6, 1, periodic(100)));
  sc.workloads.run.warmup = Seconds{0.0};
  sc.workloads.run.duration = Seconds{duration_s};
  return sc;
}

Plan device0_plan(const Scenario& sc) { return PlanBuilder(sc, "test").add_device(0).place_all({0}).build(); }

// Records of one FIFO server with a fixed service time: request i ends at max(arrival, previous end) +
// service. The server is occupied `occupied` of the window.
SimResult fifo(const std::vector<double>& arrivals, double service_s, double window_s,
               double occupied = 0.5) {
  SimResult r;
  r.devices.resize(1);
  r.devices[0].occupied = occupied * window_s;
  double end = 0;
  for (double a : arrivals) {
    end = std::max(a, end) + service_s;
    r.requests.push_back(RequestRecord{0, RequestStatus::COMPLETED, a, end - service_s, end});
  }
  return r;
}

// Arrivals every 10 ms from 5 ms: 1,000 in [0, 10 s).
std::vector<double> every_10ms() {
  std::vector<double> a;
  for (int i = 0; i < 1000; ++i) a.push_back(0.005 + 0.01 * i);
  return a;
}

TEST(Saturation, RisingBacklogIsFlaggedWithHandCheckedNumbers) {
  // 100 req/s into a server of 12.5 ms (80 req/s), busy from the first arrival: request i ends at
  // 5 ms + 12.5 ms x (i + 1), so 799 end before 10 s (79.9 req/s) and 1000 - 799 = 201 are left at the end.
  // The backlog grows at 20 req/s. Its mean over [0, 2.5 s): (sum over the 250 arrivals before 2.5 s of
  // 2.5 - a = 312.5, less the same over the 199 ends before 2.5 s = 247.755) / 2.5 = 25.898; over
  // [7.5 s, 10 s) likewise 175.9. The growth of 150 is above both the floor (30) and 2 % of the 750 arrivals
  // between the quarters' centres (15).
  const Scenario sc = one_workload(10.0);
  const auto v = assess_saturation(sc, device0_plan(sc), fifo(every_10ms(), 0.0125, 10.0));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_TRUE(v[0].saturated);
  EXPECT_EQ(v[0].figures.arrived, 1000u);
  EXPECT_EQ(v[0].figures.completed, 799u);
  EXPECT_NEAR(v[0].figures.backlog_first, 25.898, 1e-9);
  EXPECT_NEAR(v[0].figures.backlog_last, 175.9, 1e-9);
  EXPECT_EQ(
      v[0].reason,
      "arrivals 100.0 req/s, completions 79.9 req/s; backlog grew from 0 to 201 requests over the window "
      "(mean 25.9 in its first quarter, 175.9 in its last)");
}

TEST(Saturation, StableQueueIsNotFlagged) {
  // Service 5 ms between arrivals 10 ms apart: at most one request in the system, half the time.
  const Scenario sc = one_workload(10.0);
  const auto v = assess_saturation(sc, device0_plan(sc), fifo(every_10ms(), 0.005, 10.0));
  EXPECT_FALSE(v[0].saturated) << v[0].reason;
  EXPECT_EQ(v[0].reason, "");
  EXPECT_NEAR(v[0].figures.backlog_first, 0.5, 0.01);
  EXPECT_NEAR(v[0].figures.backlog_last, 0.5, 0.01);
}

// An M/D/1 queue of 10 ms service over 100 s (10,000 service times) at load rho.
SaturationVerdict md1(double rho) {
  const double service = 0.010;
  const Scenario sc = one_workload(100.0);
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> gap(rho / service);
  std::vector<double> arrivals;
  for (double t = gap(rng); t < 100.0; t += gap(rng)) arrivals.push_back(t);
  return assess_saturation(sc, device0_plan(sc), fifo(arrivals, service, 100.0, std::min(rho, 0.98)))[0];
}

TEST(Saturation, MD1AtNinetyPercentIsSteadyAndAtHundredTenIsNot) {
  // At 90 % the mean backlog is about 5 requests (Pollaczek-Khinchine: rho + rho^2 / (2 (1 - rho))); its
  // growth between quarters stays far below the threshold max(30, 2 % x 6,750). At 110 % it grows by about
  // (110 - 100 req/s) x 75 s = 750 requests (give or take twice the ~90 of the arrival count's noise).
  const SaturationVerdict steady = md1(0.9);
  EXPECT_FALSE(steady.saturated) << steady.reason;
  const SaturationVerdict over = md1(1.1);
  EXPECT_TRUE(over.saturated);
  EXPECT_NEAR(over.figures.backlog_last - over.figures.backlog_first, 750.0, 200.0);
}

TEST(Saturation, ThresholdsOfEachCriterion) {
  BacklogFigures f;
  f.window_s = 10;
  f.arrived = 1000;
  f.completed = 1000;
  f.backlog_first = 10;
  f.backlog_last = 40;  // growth 30: at the floor, not above it
  EXPECT_FALSE(judge_saturation(f).saturated);
  f.backlog_last = 40.5;
  EXPECT_TRUE(judge_saturation(f).saturated);
  f.backlog_last = 10;
  f.dropped = 20;  // 2 %: not above it
  EXPECT_FALSE(judge_saturation(f).saturated);
  f.dropped = 21;
  EXPECT_EQ(judge_saturation(f).reason,
            "arrivals 100.0 req/s, completions 100.0 req/s; 21 of 1000 requests (2.1 %) dropped");
  f.dropped = 0;
  f.unfinished = 30;  // the floor (30) is above 2 % of 1000 (20)
  EXPECT_FALSE(judge_saturation(f).saturated);
  f.unfinished = 31;
  EXPECT_EQ(judge_saturation(f).reason,
            "arrivals 100.0 req/s, completions 100.0 req/s; 31 of 1000 requests unfinished after the drain");
  f.unfinished = 0;
  f.busiest_unit = "gpu0";
  f.busiest_occupied = 0.989;
  EXPECT_FALSE(judge_saturation(f).saturated);
  f.busiest_occupied = 0.995;
  EXPECT_EQ(judge_saturation(f).reason,
            "arrivals 100.0 req/s, completions 100.0 req/s; gpu0 occupied 99.5 % of the window");
}

TEST(Saturation, OccupancyOfAnMpsDeviceIsNotACriterion) {
  // Under MPS contexts run side by side: a device held all the time may still have room.
  Scenario sc = one_workload(10.0);
  sc.platform.devices[0].sharing = SharingMode::MPS;
  const auto v = assess_saturation(sc, device0_plan(sc), fifo(every_10ms(), 0.005, 10.0, 1.0));
  EXPECT_FALSE(v[0].saturated) << v[0].reason;
  sc.platform.devices[0].sharing = SharingMode::TIME_SLICE;
  EXPECT_TRUE(assess_saturation(sc, device0_plan(sc), fifo(every_10ms(), 0.005, 10.0, 1.0))[0].saturated);
}

TEST(Saturation, MetricsCarryTheVerdictAndASaturatedPolicyRanksBelowASteadyOneAtEqualAttainment) {
  const Scenario sc = one_workload(10.0);
  const RunMetrics m = compute_metrics(sc, device0_plan(sc), fifo(every_10ms(), 0.0125, 10.0));
  EXPECT_TRUE(m.workloads[0].saturation.saturated);
  CompareRow steady;
  steady.scheduler = "b";
  steady.sla_attainment = 0.9;
  steady.p99_s = 0.050;
  CompareRow saturated = steady;
  saturated.scheduler = "a";
  saturated.p99_s = 0.010;  // better p99 and name, but not a steady state
  saturated.saturated = true;
  CompareRow better = saturated;
  better.scheduler = "c";
  better.sla_attainment = 0.95;  // a higher attainment still ranks first, flagged
  std::vector<CompareRow> rows{saturated, steady, better};
  rank_rows(rows);
  EXPECT_EQ(rows[0].scheduler, "c");
  EXPECT_EQ(rows[1].scheduler, "b");
  EXPECT_EQ(rows[2].scheduler, "a");
}

TEST(FastestLatency, RooflineLaunchAndHostCopies) {
  // T4 fp32: 8.1 TFLOP/s x 0.65 = 5.265 TFLOP/s; one kernel of 52.65 GFLOP takes 10 ms, plus the 4.43 us
  // launch (7050 GPU cycles at the T4's 1590 MHz boost clock, as the catalog rounds it). Inputs of 1.575 MB
  // in and outputs of 3.15 MB out over the 15.75 GB/s host link: 0.1 ms + 0.2 ms.
  DeviceSpec t4 = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/T4.yaml");
  const DeviceInstance d = device(t4, SharingMode::TIME_SLICE, "t4");
  StreamSpec s = stream("k", 52.65e9, 1e6, 1, periodic(10));
  s.stages[0].input_bytes = Bytes{1.575e6};
  s.stages[0].output_bytes = Bytes{3.15e6};
  const Unit u = units_of(d, 0, {}).front();
  ContentionSpec c;
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 10.30443e-3, 1e-9);
  c.pcie = false;
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 10.00443e-3, 1e-9);
  c.launch_overhead = false;
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 10.0e-3, 1e-9);
}

// host.launch: ten kernels of 1 ms each (5.265 GFLOP on the T4 above), no launch gap, no copies. At 0.5 ms
// per launch the host runs ahead: only the first kernel waits, 0.5 + 10 x 1 = 10.5 ms. At 2 ms per launch
// every kernel waits for its issue: the tenth at 20 ms, done at 21 ms.
TEST(FastestLatency, HostLaunchTimeIssuesTheKernelsOneAfterAnother) {
  DeviceSpec t4 = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/T4.yaml");
  const DeviceInstance d = device(t4, SharingMode::TIME_SLICE, "t4");
  StreamSpec s = stream("k", 5.265e9, 1e3, 10, periodic(10));
  ContentionSpec c;
  c.launch_overhead = false;
  c.pcie = false;
  const Unit u = units_of(d, 0, {}).front();
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 10.0e-3, 1e-9);
  s.host_launch = Seconds{0.5e-3};
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 10.5e-3, 1e-9);
  s.host_launch = Seconds{2e-3};
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 21.0e-3, 1e-9);
}

TEST(FastestLatency, AFrameWithNoFacesSkipsThePerFaceStages) {
  // Poisson fan-out: a frame may hold no face, so the fastest request runs the first stage only.
  DeviceSpec t4 = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/T4.yaml");
  const DeviceInstance d = device(t4, SharingMode::TIME_SLICE, "t4");
  StreamSpec s = stream("k", 52.65e9, 1e6, 1, periodic(10));
  StageSpec per_face = s.stages[0];
  per_face.per_item = true;
  per_face.after = {0};
  s.stages.push_back(per_face);
  s.fanout = FanoutSpec{FanoutSpec::Kind::POISSON, 2.0, 0, 8};
  ContentionSpec c;
  c.launch_overhead = false;
  const Unit u = units_of(d, 0, {}).front();
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 10.0e-3, 1e-9);
  s.fanout = FanoutSpec{FanoutSpec::Kind::UNIFORM, 0, 2, 8};  // at least 2 faces: 10 ms + 2 x 10 ms
  EXPECT_NEAR(fastest_latency(s, d, u, c)->v, 30.0e-3, 1e-9);
}

TEST(ImpossibleSla, BelowTheFastestLatencyIsReportedJustAboveIsNot) {
  DeviceSpec t4 = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/T4.yaml");
  Scenario sc;
  sc.platform.devices.push_back(device(t4, SharingMode::TIME_SLICE, "t4"));
  sc.workloads.streams.push_back(stream("lobby", 52.65e9, 1e6, 1, periodic(10)));
  sc.workloads.streams[0].sla = Seconds{0.010};  // below 10.00443 ms
  const Plan plan = PlanBuilder(sc, "test").add_device(0).place_all({0}).build();
  const auto w = impossible_slas(sc, plan);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(
      w[0].message,
      "workload 'lobby': SLA 10 ms is below its fastest possible latency 10.004 ms on t4 (T4): every request "
      "will miss");
  sc.workloads.streams[0].sla = Seconds{0.01001};
  EXPECT_TRUE(impossible_slas(sc, plan).empty());
}

}  // namespace
}  // namespace gpusim::test
