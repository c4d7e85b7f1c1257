// Pure pieces of analysis/ that had no test of their own: the nearest-rank percentile, number formats, the
// additivity verdict, and the JSON and CSV tables, each on hand-made inputs whose output is worked out here.

#include <gtest/gtest.h>

#include <numeric>
#include <sstream>

#include "analysis/additivity.hpp"
#include "analysis/format.hpp"
#include "analysis/metrics.hpp"
#include "analysis/writers/json_text.hpp"
#include "analysis/writers/report.hpp"

namespace gpusim::test {
namespace {

// A result under `sharing` whose busy time adds up (`util` alone and together) and whose required TFLOP/s
// are `sum` alone and `combined` together, within `tolerance`.
AdditivityResult required_result(const std::string& sharing, double util, double sum, double combined,
                                 double tolerance, const std::string& precision = "fp16") {
  AdditivityResult r;
  r.sharing = sharing;
  r.sum = r.combined = util;
  r.ratio = 1.0;
  RequiredCompute rc;
  rc.precision = precision;
  rc.sum = sum;
  rc.combined = combined;
  rc.tolerance = tolerance;
  r.required = rc;
  return r;
}

TEST(Percentile, NearestRankOfSortedValues) {
  std::vector<double> v(100);
  std::iota(v.begin(), v.end(), 1.0);  // 1, 2, ..., 100
  EXPECT_EQ(percentile_sorted(v, 0.50), 50.0);  // ceil(0.50 x 100) = 50th value
  EXPECT_EQ(percentile_sorted(v, 0.99), 99.0);
  EXPECT_EQ(percentile_sorted(v, 1.00), 100.0);
  const std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile_sorted(ten, 0.95), 10.0);  // ceil(9.5) = 10th
  EXPECT_EQ(percentile_sorted(ten, 0.01), 1.0);   // ceil(0.1) = 1st
  EXPECT_EQ(percentile_sorted({}, 0.99), 0.0);
}

TEST(Format, DigitsBytesAndSeconds) {
  EXPECT_EQ(group_digits(221161984), "221,161,984");  // fr_feature's MACs
  EXPECT_EQ(group_digits(-1234.6), "-1,235");
  EXPECT_EQ(group_digits(999), "999");
  EXPECT_EQ(describe_bytes(512), "512 B");
  EXPECT_EQ(describe_bytes(4761344), "4.54 MiB (4,761,344 B)");  // 4761344 / 2^20 = 4.5407
  EXPECT_EQ(describe_bytes(3.0 * 1024 * 1024 * 1024), "3 GiB (3,221,225,472 B)");
  EXPECT_EQ(describe_seconds(0.0), "0 s");
  EXPECT_EQ(describe_seconds(456e-6), "456 us");
  EXPECT_EQ(describe_seconds(0.00123), "1.23 ms");
  EXPECT_EQ(describe_seconds(2.5), "2.5 s");
}

TEST(AdditivityVerdict, AboveTheSumWithSharesLargestFirst) {
  AdditivityResult r;
  r.sum = 0.50;
  r.combined = 0.57;
  r.ratio = 1.14;
  r.attribution = {{"l2", 0.04}, {"bandwidth", 0.09}, {"pcie", 0.001}, {"launch_overhead", -0.02}};
  // Shares below 0.5 % are left out; the rest sorted by size; a negative share carries a true minus sign.
  EXPECT_EQ(additivity_verdict(r),
            "combined demand is 14.0 % above the simple sum: bandwidth +9.0 %, l2 +4.0 %, "
            "launch_overhead \u22122.0 %");
}

TEST(AdditivityVerdict, UtilisationSharesWithinTheSeedsNoiseCarryTheirInterval) {
  AdditivityResult r;
  r.sum = 0.50;
  r.combined = 0.57;
  r.ratio = 1.14;
  r.attribution = {{"bandwidth", 0.09}, {"l2", 0.008}};
  // bandwidth: 9 points, far above 2 x 1 point; l2: 0.8 point, below 2 x 0.6 = 1.2 points of noise:
  // shown with [0.8 - 1.2, 0.8 + 1.2] = [-0.4, +2.0] %.
  r.attribution_se = {{"bandwidth", 0.01}, {"l2", 0.006}};
  EXPECT_EQ(utilisation_verdict(r),
            "combined demand is 14.0 % above the simple sum: bandwidth +9.0 %, l2 +0.8 % in [\u22120.4, +2.0] % "
            "(within the noise between seeds)");
}

TEST(AdditivityVerdict, WithinHalfAPercentIsEqual) {
  AdditivityResult r;
  r.sum = 0.990;
  r.combined = 0.994;
  r.ratio = 0.994 / 0.990;
  EXPECT_EQ(additivity_verdict(r), "combined demand equals the simple sum (0.994 vs 0.990, tolerance 0.5 %)");
  r.ratio = 0.75;
  EXPECT_EQ(additivity_verdict(r), "combined demand is 25.0 % below the simple sum");
  // The tolerance from the seeds' spread widens "equal".
  r.ratio = 1.03;
  r.tolerance = 0.04;
  EXPECT_EQ(utilisation_verdict(r), "combined demand equals the simple sum (0.994 vs 0.990, tolerance 4.0 %)");
}

// The co-location case of issue 15 (20 face cameras + two ResNet-50 services on one time-sliced A100): busy
// time adds up exactly, while the required fp16 TFLOP/s go from 42.98 alone to 124.10 together. The
// headline must say what its own figures say: 124.10 / 42.98 = 2.887, 188.7 % above the sum.
TEST(AdditivityVerdict, HeadlineInRequiredComputeAgreesWithItsFigures) {
  AdditivityResult r;
  r.sharing = "time-slice";
  r.sum = 0.600;
  r.combined = 0.600;
  r.ratio = 1.0;
  RequiredCompute rc;
  rc.precision = "fp16";
  rc.isolated = {{"faces", 30.00}, {"resnet50-a", 6.49}, {"resnet50-b", 6.49}};
  rc.sum = 42.98;
  rc.combined = 124.10;
  rc.tolerance = 0.04;
  r.required = rc;
  EXPECT_EQ(additivity_verdict(r),
            "together they need 124.10 fp16 TFLOP/s, 188.7 % above the sum of 42.98 alone (ratio 2.89, "
            "tolerance 4.0 %)");
  EXPECT_EQ(utilisation_verdict(r), "combined demand equals the simple sum (0.600 vs 0.600, tolerance 0.5 %)");
  EXPECT_EQ(disagreement(r),
            "busy time adds up, but waiting behind the other's time slices breaks the SLA: the GPU must be 2.89x "
            "as fast as the sum of the workloads alone");
}

TEST(AdditivityVerdict, IsolatedMigSlicesWaitForNoOnesKernels) {
  AdditivityResult r = required_result("mig", 0.4, 2.0, 2.6, 0.05);
  // 2.6 / 2.0 = 1.3x; MIG slices run apart: one speed scales them all, and only what they share can make a
  // request wait.
  EXPECT_EQ(disagreement(r),
            "busy time adds up, but one speed scales every MIG slice, also those of the workload that needs less "
            "(and what the slices share, the host link and the power budget, can make a request wait): the GPU "
            "must be 1.30x as fast as the sum of the workloads alone");
  r.sharing = "mps";
  EXPECT_NE(disagreement(r).find("waiting for the others' kernels"), std::string::npos);
  // Both workloads in one MIG instance (MIG auto may put them there): they take turns inside it.
  r.sharing = "mig";
  r.shared_instance = true;
  EXPECT_EQ(disagreement(r),
            "busy time adds up, but waiting behind the other's time slices inside their shared MIG instance "
            "breaks the SLA: the GPU must be 1.30x as fast as the sum of the workloads alone");
  // The JSON says which (under MIG only).
  EXPECT_EQ(additivity_json({r})[0].at("mig_shared_instance"), true);
  r.sharing = "time-slice";
  EXPECT_FALSE(additivity_json({r})[0].contains("mig_shared_instance"));
}

TEST(AdditivityVerdict, PeriodicPhasesDrawnFromTheSeedUnderMpsAreNamed) {
  AdditivityResult r = required_result("mps", 0.087, 2.33, 1.46, 0.044);
  r.phases_drawn = true;
  std::ostringstream text;
  print_additivity(text, {r});
  EXPECT_NE(text.str().find("    phases: the periodic streams' phases are drawn from the seed, and under MPS "
                            "requests that arrive together overlap: the utilisation view can change with the seed "
                            "(--seed), or give each workload its `phase`\n"),
            std::string::npos)
      << text.str();
  EXPECT_EQ(additivity_json({r})[0].at("mps_phases_drawn"), true);
  r.phases_drawn = false;
  std::ostringstream quiet;
  print_additivity(quiet, {r});
  EXPECT_EQ(quiet.str().find("phases:"), std::string::npos);
  r.sharing = "time-slice";
  EXPECT_FALSE(additivity_json({r})[0].contains("mps_phases_drawn"));
}

TEST(AdditivityVerdict, RequiredSharesWithinTheNoiseCarryTheirInterval) {
  AdditivityResult r;
  RequiredCompute rc;
  rc.precision = "fp16";
  rc.sum = 4.0;
  rc.combined = 5.0;
  // time_slice: 0.8 of the 1.0 gap, its interval [0.6, 1.0] excludes 0; l2: 0.05 in [-0.1, 0.2].
  rc.attribution = {{"time_slice", Share{0.8, 0.6, 1.0}}, {"l2", Share{0.05, -0.1, 0.2}}, {"pcie", std::nullopt}};
  rc.tolerance = 0.05;  // the 0.15 the shares leave is within 5 % of the sum: not shown
  r.required = rc;
  EXPECT_EQ(required_attribution(r),
            "the gap of +1.00 fp16 TFLOP/s (+25.0 % of the sum): time_slice +0.80 TFLOP/s (+20.0 %), l2 +0.05 "
            "TFLOP/s in [\u22120.10, +0.20] (within the searches' noise), pcie unknown (with it off no speed up to "
            "64x meets every SLA)");
  r.required->attribution.clear();
  EXPECT_EQ(required_attribution(r), "");
}

TEST(AdditivityVerdict, AShareThatRoundsToZeroReadsPlusZero) {
  // -0.001 TFLOP/s shows as +0.00 (its sign is that of the value as shown), not as -0.00; its interval
  // [-0.2, +0.2] keeps its signs.
  AdditivityResult r;
  RequiredCompute rc;
  rc.precision = "fp16";
  rc.sum = 4.0;
  rc.combined = 5.0;
  rc.attribution = {{"time_slice", Share{1.0, 0.9, 1.1}}, {"bandwidth", Share{-0.001, -0.2, 0.2}}};
  rc.tolerance = 0.05;
  r.required = rc;
  EXPECT_EQ(required_attribution(r),
            "the gap of +1.00 fp16 TFLOP/s (+25.0 % of the sum): time_slice +1.00 TFLOP/s (+25.0 %), bandwidth "
            "+0.00 TFLOP/s in [\u22120.20, +0.20] (within the searches' noise)");
}

// Under MPS two latency-bound services need half the sum together, and no switch explains it: the rest
// (-2.00 - (-0.10) = -1.90 TFLOP/s, -47.5 % of 4.00) is named as the overlap of kernels on free SMs.
TEST(AdditivityVerdict, TheGapNoSwitchExplainsIsNamedByTheSharingMode) {
  AdditivityResult r;
  r.sharing = "mps";
  RequiredCompute rc;
  rc.precision = "fp16";
  rc.sum = 4.0;
  rc.combined = 2.0;
  rc.tolerance = 0.05;
  rc.attribution = {{"launch_overhead", Share{-0.1, -0.15, -0.05}}};
  r.required = rc;
  EXPECT_EQ(required_attribution(r),
            "the gap of \u22122.00 fp16 TFLOP/s (\u221250.0 % of the sum): launch_overhead \u22120.10 TFLOP/s "
            "(\u22122.5 %); the rest, \u22121.90 TFLOP/s (\u221247.5 %), no switch removes: kernels of the "
            "workloads running side by side on the SMs the others leave free");
  // Time-sliced, the same rest is the idle time one workload leaves to the other.
  r.sharing = "time-slice";
  EXPECT_NE(required_attribution(r).find("served in the idle time the others leave"), std::string::npos);
}

TEST(AdditivityVerdict, RequiredComputeWithinToleranceIsEqualAndNothingToReconcile) {
  const AdditivityResult r = required_result("", 0.2, 2.00, 2.06, 0.04, "fp32");  // 3 % above, inside 4 %
  EXPECT_EQ(additivity_verdict(r),
            "together they need 2.06 fp32 TFLOP/s, the sum of 2.00 alone (ratio 1.03, tolerance 4.0 %)");
  EXPECT_EQ(disagreement(r), "");
  EXPECT_EQ(compared_to_sum(1.03, 0.04), "equal");
  EXPECT_EQ(required_compared_to_sum(1.03, 0.04), "equal");
  EXPECT_EQ(compared_to_sum(1.05, 0.04), "above");
  EXPECT_EQ(compared_to_sum(0.95, 0.04), "below");
}

// Searches that ended without narrowing their figures (here a bracket with no failing speed: a tolerance of
// 136 %) draw no verdict: 2.16 / 2.48 = 0.87 would otherwise read "equal", and no sentence explains a
// disagreement that is not known.
TEST(AdditivityVerdict, SearchesThatDidNotNarrowTheFiguresDecideNothing) {
  const AdditivityResult r = required_result("mps", 0.087, 2.48, 2.16, 1.362);
  EXPECT_EQ(additivity_verdict(r),
            "together at most 2.16 fp16 TFLOP/s, alone at most 2.48 in all, but the searches did not narrow the "
            "figures within their rounds (ratio 0.87, tolerance 136 %): whether together needs the sum is "
            "undecided");
  EXPECT_EQ(disagreement(r), "");
  EXPECT_EQ(required_compared_to_sum(0.87, 1.362), "undecided");
  EXPECT_EQ(required_compared_to_sum(0.70, 0.25), "below");  // at the limit a verdict is still drawn
}

RunMetrics small_metrics() {
  RunMetrics m;
  m.window_s = 8.0;
  WorkloadMetrics w;
  w.name = "cam";
  w.streams = 2;
  w.devices = {"gpu0"};
  w.generated = 100;
  w.completed = 98;
  w.dropped = 1;
  w.unfinished = 1;
  w.throughput_rps = 12.25;  // 98 / 8 s
  w.latency = LatencyStats{0.010, 0.009, 0.015, 0.0123, 0.020};
  w.sla_s = 0.1;
  w.sla_attainment = 0.97;
  w.achieved_flops = 2.5e12;
  m.workloads.push_back(w);
  WorkloadMetrics free_running = w;
  free_running.name = "batch";
  free_running.sla_s.reset();
  free_running.sla_attainment.reset();
  m.workloads.push_back(free_running);
  DeviceMetrics d;
  d.name = "gpu0";
  d.type = "T4";
  d.node = "n0";
  d.sharing = "time-slice";
  d.streams = 2;
  d.utilization = 0.5;
  d.bandwidth_utilization = 0.25;
  d.memory_bytes = 1.5e9;
  d.memory_capacity = 16e9;
  d.kernels = 4200;
  d.occupied = 0.196;
  d.switches = 3002;
  m.devices.push_back(d);
  PowerMetrics p;
  p.name = "gpu0";
  p.type = "T4";
  p.energy_j = 400;
  p.min_clock_hz = 1.305e9;
  p.boost_clock_hz = 1.59e9;
  p.power_cap_w = 70;
  m.power.push_back(p);
  return m;
}

TEST(ReportJson, MillisecondsMegahertzAndNullsForMissingSlas) {
  const RunInfo info{"p.yaml", "w.yaml", "round-robin", 7, 10.0, 2.0, {}};
  const nlohmann::json j = report_json(info, small_metrics());
  EXPECT_EQ(j["run"]["seed"], 7);
  EXPECT_EQ(j["run"]["window_s"], 8.0);
  const auto& w = j["workloads"][0];
  EXPECT_DOUBLE_EQ(w["latency_ms"]["p99"].get<double>(), 12.3);
  EXPECT_DOUBLE_EQ(w["sla_ms"].get<double>(), 100.0);
  EXPECT_EQ(w["sla_attainment"], 0.97);
  EXPECT_TRUE(j["workloads"][1]["sla_ms"].is_null());
  EXPECT_TRUE(j["workloads"][1]["sla_attainment"].is_null());
  EXPECT_DOUBLE_EQ(j["power"][0]["min_clock_mhz"].get<double>(), 1305.0);
  EXPECT_EQ(j["devices"][0]["kernels"], 4200);
}

std::string table(const RunMetrics& m, const std::string& name) {
  for (const auto& [n, content] : csv_tables(m)) {
    if (n == name) return content;
  }
  return "(no " + name + ")";
}

TEST(CsvTables, RowsInMillisecondsAndEmptyFieldsForMissingSlas) {
  const RunMetrics m = small_metrics();
  const std::string w = table(m, "workloads.csv");
  EXPECT_NE(w.find("cam,2,100,98,1,1,12.250000,10.000000,9.000000,15.000000,12.300000,20.000000,100,0.970000,"
                   "2.500000e+12\n"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("batch,2,100,98,1,1,12.250000,10.000000,9.000000,15.000000,12.300000,20.000000,,,"), std::string::npos)
      << w;
  EXPECT_EQ(table(m, "devices.csv"),
            "name,type,node,sharing,streams,utilization,bandwidth_utilization,memory_bytes,memory_capacity_bytes,"
            "kernels,occupied,switches\ngpu0,T4,n0,time-slice,2,0.500000,0.250000,1500000000,16000000000,4200,"
            "0.196000,3002\n");
  std::vector<std::string> names;
  for (const auto& [n, content] : csv_tables(m)) names.push_back(n);
  EXPECT_EQ(names, csv_file_names());
}

// Two values that differ in the 16th significant digit (as a partitioned run and one engine may) are
// written alike; integers, strings and structure are untouched.
TEST(JsonText, NumbersKeepTwelveSignificantDigits) {
  nlohmann::json a = {{"u", 0.08574490889606133}, {"list", {1.0 / 3.0, 46.47290879003461}}, {"n", 42}, {"s", "x"}};
  nlohmann::json b = {{"u", 0.08574490889606129}, {"list", {1.0 / 3.0, 46.4729087900346}}, {"n", 42}, {"s", "x"}};
  EXPECT_EQ(json_text(a), json_text(b));
  EXPECT_EQ(json_text(a),
            "{\n  \"list\": [\n    0.333333333333,\n    46.47290879\n  ],\n  \"n\": 42,\n  \"s\": \"x\",\n  "
            "\"u\": 0.0857449088961\n}\n");
}

}  // namespace
}  // namespace gpusim::test
