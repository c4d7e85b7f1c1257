// `gpusim capacity` as a user runs it, on a workload whose answer is worked out by hand, and every message
// for a bad option (exit 2, one line, nothing written).

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_helpers.hpp"

namespace gpusim::test {
namespace {

// One T4 (fp32: 8.1 TFLOP/s datasheet x 0.65 compute efficiency = 5.265 TFLOP/s in the catalog) and
// periodic streams of 10 requests/s, each one kernel of 68.445 GFLOP: 13.0 ms, plus a 5 us launch and a
// 25 us context switch = 13.03 ms of device time per request, 0.1303 of the GPU per stream. Power and
// thermal limits are off, so the clock stays at boost. 7 streams use 91.2 % of the GPU and, FIFO, wait at
// most 6 requests' time (78 ms): every request meets the 1 s SLA. 8 streams ask for 104.2 %: the queue
// grows without bound, so the answer is 7 and saturation binds at 8.
const char* kCapacityPlatform = R"(nodes:
  - name: n0
    devices:
      - {name: gpu, type: T4}
)";
const char* kCapacityWorkloads = R"(run: {duration: 4s, warmup: 1s, seed: 3}
workloads:
  - name: cam
    count: 1
    precision: fp32
    arrival: {kind: periodic, rate: 10/s}
    sla: 1s
    model: {flops: 68.445Gf, bytes: 1MB, weights: 1MB, kernels: 1}
)";

struct Files {
  TempDir dir;
  std::string platform = dir.file("platform.yaml");
  std::string workloads = dir.file("workloads.yaml");
  Files() {
    std::ofstream(platform) << kCapacityPlatform;
    std::ofstream(workloads) << kCapacityWorkloads;
  }
  std::string args(const std::string& extra, const std::string& vary = "cam") const {
    return "capacity " + quoted(platform) + " " + quoted(workloads) + " --vary " + vary +
           " --disable power,thermal " + extra;
  }
};

TEST(CapacityCommand, HandWorkedUtilisationLimit) {
  const Files f;
  const Outcome o = gpusim(f.dir, f.args("--window 3s --json -"));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  const auto& s = j["searches"][0];
  EXPECT_EQ(s["utilisation_bound"], 7);  // floor(1 / (10/s x 13.005 ms)): the launch, not the switch
  EXPECT_EQ(s["streams"], 7);
  EXPECT_EQ(s["binding"], "saturation");
  EXPECT_EQ(s["at_answer"][0]["workloads"][0]["sla_attainment"], 1.0);
  // 7 x 0.1303 of the GPU: occupied about 91 % (idle gaps are where no request waits).
  EXPECT_NEAR(s["at_answer"][0]["devices"][0]["occupied"].get<double>(), 0.912, 0.02);
  // Dynamic batching is tried at 8 streams but cannot help: the kernel's FLOPs grow with the batch, and
  // it saves only the launch and switch (30 us of 13.03 ms): still 104 % of the GPU, so no knob is named.
  EXPECT_FALSE(s.contains("suggestion"));
}

TEST(CapacityCommand, HandWorkedMemoryLimit) {
  // 2 GiB of activations per stream, 1 MB of weights once: 16 GiB x 0.8 headroom = 12.8 GiB holds 6 streams.
  const Files f;
  const Outcome o =
      gpusim(f.dir, f.args("--window 1s --set workloads.cam.model.activations=2GiB --suggest off --json -"));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  const auto& s = j["searches"][0];
  EXPECT_EQ(s["fit_in_memory"], 6);
  EXPECT_EQ(s["streams"], 6);
  EXPECT_EQ(s["binding"], "memory");
}

TEST(CapacityCommand, TableNamesTheAnswerAndTheBindingConstraint) {
  const Files f;
  const Outcome o = gpusim(f.dir, f.args("--window 2s --suggest off -q"));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("Streams of 'cam' on the platform"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("platform: 7 stream(s) of 'cam'. At 7:"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("At 8: saturated: not a steady state: 'cam': "), std::string::npos) << o.out;
  EXPECT_TRUE(o.err.empty()) << o.err;  // -q: no progress, no logs
}

TEST(CapacityCommand, PerDeviceTypeOneSearchEach) {
  // On an A100 (fp32 19.5 TFLOP/s x its efficiency) the same stream uses far less of the GPU: more fit.
  const Files f;
  const Outcome o =
      gpusim(f.dir, f.args("--window 1s --suggest off --per-device T4,A100-PCIe-40GB --json -"));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["searches"].size(), 2U);
  EXPECT_EQ(j["searches"][0]["device"], "T4");
  EXPECT_EQ(j["searches"][0]["streams"], 7);
  EXPECT_EQ(j["searches"][1]["device"], "A100-PCIe-40GB");
  EXPECT_GT(j["searches"][1]["streams"].get<int>(), 7);
}

TEST(CapacityCommand, AnSlaBelowTheFastestLatencyIsWarnedBeforeTheSearch) {
  // One request alone takes 13.0 ms + a 5 us launch on the T4 (above): a 10 ms SLA cannot be met, and no
  // count fits.
  const Files f;
  const Outcome o = gpusim(f.dir, f.args("--window 1s --suggest off --set workloads.cam.sla=10ms --json -"));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("warning"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("workload 'cam': SLA 10 ms is below its fastest possible latency"), std::string::npos) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["searches"][0]["streams"], 0);
  EXPECT_EQ(j["searches"][0]["binding"], "SLA of cam");
}

struct BadCase {
  const char* extra;
  const char* message;
};

TEST(CapacityCommand, BadOptionsAreOneLineAndExit2) {
  const Files f;
  const BadCase cases[] = {
      {"", "error: --vary 'nobody': no workload named 'nobody' (known: cam)"},
      {"--per-device T5", "error: --per-device: unknown device type 'T5' (known: "},
      {"--quantile 1.5", "error: --quantile 1.5: must be in (0, 1), e.g. 0.99"},
      {"--seeds 0", "error: --seeds 0: must be from 1 to 64"},
      {"--window 5", "error: --window: "},
      {"--window -1s", "error: --window -1 s: must be positive and at most 3600 s"},
      {"--max-streams 0", "error: --max-streams 0: must be from 1 to 1000000"},
  };
  for (const BadCase& c : cases) {
    const std::string json = f.dir.file("out.json");
    const std::string extra = c.extra;
    const Outcome o =
        gpusim(f.dir, f.args(extra + " --json " + quoted(json), extra.empty() ? "nobody" : "cam"));
    EXPECT_EQ(o.exit_code, 2) << c.extra << ": " << o.err;
    EXPECT_TRUE(one_line(o.err)) << c.extra << ": " << o.err;
    EXPECT_EQ(o.err.rfind(c.message, 0), 0U) << c.extra << ": " << o.err;
    EXPECT_FALSE(std::ifstream(json).good()) << c.extra;
  }
}

}  // namespace
}  // namespace gpusim::test
