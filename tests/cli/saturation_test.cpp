// Saturation and impossibility verdicts as a user meets them: `gpusim run` and `gpusim compare` on one T4 and
// one workload of a single compute-bound kernel whose time is computed here from the datasheet.
//
// T4 fp32: 8.1 TFLOP/s x 0.65 (the catalog's compute efficiency) = 5.265 TFLOP/s. A request is one kernel of
// 52.65 GFLOP (and 1 MB of traffic: 1 MB / (320 GB/s x 0.8) = 3.9 us, far below): 10 ms, plus the 4.43 us
// launch (7050 GPU cycles at 1590 MHz), so 10.00443 ms alone on the device (printed as 10.004 ms) and at most
// 1 / 10.00443 ms = 99.96 requests per second. Power and
// thermal limits are off, so the clock stays at boost.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

const char* kPlatform = R"(nodes:
  - name: server0
    devices:
      - name: t4
        type: T4
contention:
  power: off
  thermal: off
)";

// One periodic stream at `rate` with SLA `sla`, 3 s simulated after a 0.5 s warm-up.
std::string workloads(const std::string& rate, const std::string& sla) {
  return "run: {duration: 3s, warmup: 0.5s, seed: 1}\n"
         "workloads:\n"
         "  - name: kernel\n"
         "    precision: fp32\n"
         "    arrival: {kind: periodic, rate: " +
         rate +
         "}\n"
         "    sla: " +
         sla +
         "\n"
         "    model: {flops: 52.65Gf, bytes: 1MB, kernels: 1}\n";
}

Outcome run(const TempDir& tmp, const std::string& rate, const std::string& sla,
            const std::string& command = "run") {
  write_file(tmp.file("platform.yaml"), kPlatform);
  write_file(tmp.file("workloads.yaml"), workloads(rate, sla));
  return gpusim(tmp, command + " " + quoted(tmp.file("platform.yaml")) + " " +
                         quoted(tmp.file("workloads.yaml")) + " --json " + quoted(tmp.file("out.json")) +
                         (command == "run" ? " --additivity off" : ""));
}

nlohmann::json json_of(const TempDir& tmp) { return nlohmann::json::parse(slurp(tmp.file("out.json"))); }

TEST(CliSaturation, OverloadIsFlaggedWithItsArrivalAndServiceRates) {
  // 120 requests per second against at most 99.96: the queue grows by about 20 per second.
  TempDir tmp;
  const Outcome o = run(tmp, "120/s", "1s");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto w = json_of(tmp)["workloads"][0];
  EXPECT_EQ(w["saturated"], true);
  const std::string reason = w["saturation"];
  // The window (2.5 s) holds exactly 300 arrivals of a periodic 120/s stream.
  ASSERT_EQ(reason.rfind("arrivals 120.0 req/s, completions ", 0), 0u) << reason;
  const double completions =
      std::stod(reason.substr(std::string("arrivals 120.0 req/s, completions ").size()));
  EXPECT_NEAR(completions, 99.96, 0.5) << reason;
  EXPECT_NE(reason.find("t4 occupied"), std::string::npos) << reason;
  // Throughput is what the device served in the window, not the window's arrivals that completed by the end
  // of the drain (120/s, and 120 x 52.65 GFLOP = 6.32 TFLOP/s: more than the T4's 5.265 can deliver).
  EXPECT_NEAR(w["throughput_rps"].get<double>(), 99.96, 0.5);
  EXPECT_LE(w["achieved_flops"].get<double>(), 5.265e12 * (1 + 1e-9));
  EXPECT_NEAR(w["achieved_flops"].get<double>(), 99.96 * 52.65e9, 0.5 * 52.65e9);
  EXPECT_NE(o.out.find("  * kernel: saturated: not a steady state (arrivals 120.0 req/s"), std::string::npos)
      << o.out;
  EXPECT_EQ(o.err.find("fastest possible latency"), std::string::npos) << o.err;
}

TEST(CliSaturation, HalfLoadIsSteady) {
  // 50 requests per second of 10.00443 ms: the device is busy half the time.
  TempDir tmp;
  const Outcome o = run(tmp, "50/s", "1s");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto w = json_of(tmp)["workloads"][0];
  EXPECT_EQ(w["saturated"], false);
  EXPECT_TRUE(w["saturation"].is_null());
  EXPECT_EQ(o.out.find("saturated"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find('*'), std::string::npos) << o.out;
}

TEST(CliSaturation, CompareFlagsEachPolicyRow) {
  TempDir tmp;
  const Outcome o = run(tmp, "120/s", "1s", "compare --schedulers round-robin,least-loaded");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto j = json_of(tmp);
  ASSERT_EQ(j["ranking"].size(), 2u);
  for (const auto& row : j["ranking"]) {
    EXPECT_EQ(row["saturated"], true) << row.dump();
    EXPECT_EQ(row["workloads"][0]["saturated"], true) << row.dump();
  }
  EXPECT_NE(o.out.find("  * round-robin: kernel: saturated: not a steady state (arrivals 120.0 req/s"),
            std::string::npos)
      << o.out;
}

TEST(CliImpossibleSla, BelowTheFastestLatencyIsWarnedBeforeTheRun) {
  TempDir tmp;
  const Outcome o = run(tmp, "10/s", "10ms");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const std::string line =
      "workload 'kernel': SLA 10 ms is below its fastest possible latency 10.004 ms on t4 (T4): every "
      "request will "
      "miss";
  const auto at = o.err.find(line);
  ASSERT_NE(at, std::string::npos) << o.err;
  EXPECT_LT(at, o.err.find("simulating")) << "the warning comes before the simulation: " << o.err;
  EXPECT_EQ(json_of(tmp)["warnings"], nlohmann::json::array({line}));
  EXPECT_EQ(json_of(tmp)["workloads"][0]["sla_attainment"], 0.0);
}

TEST(CliImpossibleSla, JustAboveTheFastestLatencyIsNotWarned) {
  TempDir tmp;
  const Outcome o = run(tmp, "10/s", "10.1ms");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.err.find("fastest possible latency"), std::string::npos) << o.err;
  EXPECT_FALSE(json_of(tmp).contains("warnings"));
  EXPECT_EQ(json_of(tmp)["workloads"][0]["sla_attainment"], 1.0);
}

// host.launch as a user meets it: the same 52.65 GFLOP split into ten 1 ms kernels (each + the 4.43 us
// launch gap), the host taking 2 ms to issue each. The k-th kernel is issued at 2k ms and every kernel waits
// for its issue (1.004 ms < 2 ms), so a request takes 10 x 2 + 1 = 21 ms: an SLA of 20 ms is warned as
// impossible, the Workloads table says 2000 us per kernel and 20 ms for the ten, and the JSON carries both.
TEST(CliHostLaunch, KernelsWaitForTheHostAndTheReportSaysSo) {
  TempDir tmp;
  write_file(tmp.file("platform.yaml"), kPlatform);
  write_file(tmp.file("workloads.yaml"),
             "run: {duration: 3s, warmup: 0.5s, seed: 1}\n"
             "workloads:\n"
             "  - name: kernel\n"
             "    precision: fp32\n"
             "    arrival: {kind: periodic, rate: 10/s}\n"
             "    sla: 20ms\n"
             "    host: {launch: 2ms}\n"
             "    model: {flops: 52.65Gf, bytes: 1MB, kernels: 10}\n");
  const Outcome o =
      gpusim(tmp, "run " + quoted(tmp.file("platform.yaml")) + " " + quoted(tmp.file("workloads.yaml")) +
                      " --json " + quoted(tmp.file("out.json")) + " --additivity off");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(
      o.err.find("workload 'kernel': SLA 20 ms is below its fastest possible latency 21.000 ms on t4 (T4)"),
      std::string::npos)
      << o.err;
  EXPECT_NE(o.out.find("  kernel: the host takes 2000 us to issue each kernel: 20.00 ms for the 10 kernels"),
            std::string::npos)
      << o.out;
  const auto j = json_of(tmp);
  EXPECT_DOUBLE_EQ(j["workloads"][0]["host_ms"]["launch_per_kernel"].get<double>(), 2.0);
  EXPECT_NEAR(j["workloads"][0]["host_ms"]["launch_per_request"].get<double>(), 20.0, 1e-9);
  EXPECT_NEAR(j["workloads"][0]["latency_ms"]["mean"].get<double>(), 21.0, 1e-6);
}

}  // namespace
}  // namespace gpusim::test
