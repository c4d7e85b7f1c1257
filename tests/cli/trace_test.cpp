// `gpusim run --trace FILE` (docs/trace.md): a window and an event limit bound the file (and what is in it
// is valid: trace_checks.hpp); bad option values and failed writes. The whole face example's trace is
// checked in trace_face_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_helpers.hpp"
#include "trace_checks.hpp"

namespace gpusim::test {
namespace {

using nlohmann::json;

std::string face_args() {
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/face-recognition/";
  return "run " + quoted(ex + "platform.yaml") + " " + quoted(ex + "workloads.yaml") + " --additivity off -q";
}

TEST(Trace, AWindowAndAnEventLimitBoundTheFile) {
  TempDir dir;
  // One second of the face example (4 s of it, so that the test stays short under the sanitizers): only
  // events that overlap [2 s, 3 s].
  Outcome o = gpusim(dir, face_args() + " --set run.duration=4s --trace " + quoted(dir.file("window.json")) +
                              " --trace-window 2s:3s");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const json trace = json::parse(slurp(dir.file("window.json")));
  check_events(trace.at("traceEvents"));
  std::size_t events = 0;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.at("ph") == "M") continue;
    ++events;
    if (e.at("ph") == "b" || e.at("ph") == "e") continue;  // a batching wait: its pair overlaps the window
    const double ts = e.at("ts");
    const double end = ts + (e.contains("dur") ? e.at("dur").get<double>() : 0.0);
    EXPECT_GE(end, 2e6 - 1) << e.dump();
    EXPECT_LE(ts, 3e6 + 1) << e.dump();
  }
  EXPECT_GT(events, 1000U);
  // The stated bound (docs/trace.md): under 320 bytes per event, plus the names of processes and threads.
  const auto size = std::filesystem::file_size(dir.file("window.json"));
  EXPECT_LT(size, 320 * events + 16 * 1024) << events << " events";
  // A limit stops the trace and says so (3 s of the face example hold more than 5000 events).
  o = gpusim(dir, face_args() + " --set run.duration=3s --trace " + quoted(dir.file("limited.json")) +
                      " --trace-max-events 5000");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("--trace-max-events 5000"), std::string::npos) << o.err;
  const json limited = json::parse(slurp(dir.file("limited.json")));
  std::size_t n = 0;
  for (const auto& e : limited.at("traceEvents")) n += e.at("ph") != "M";
  EXPECT_EQ(n, 5000U);
  EXPECT_LT(std::filesystem::file_size(dir.file("limited.json")), 320U * 5000 + 16 * 1024);
}

// Each kernel slice carries its launch geometry. An A100 has 108 SMs (datasheet); with one resident block
// per SM a grid of 54 blocks is one wave holding half the SMs, and one of 162 blocks is two waves (1.5
// rounded up) whose first fills every SM.
TEST(Trace, KernelSlicesCarryBlocksWavesAndOccupiedShare) {
  TempDir dir;
  std::ofstream(dir.file("platform.yaml")) << "nodes:\n  - name: n0\n    devices:\n"
                                              "      - {name: a100, type: A100-PCIe-40GB}\n";
  std::ofstream(dir.file("workloads.yaml"))
      << "run: {duration: 0.2s, drain: 1s}\nworkloads:\n"
         "  - name: half\n    arrival: {kind: periodic, rate: 10/s}\n"
         "    model: {flops: 1Gf, bytes: 10MB, blocks: 54, blocks_per_sm: 1}\n"
         "  - name: waves\n    arrival: {kind: periodic, rate: 10/s}\n"
         "    model: {flops: 1Gf, bytes: 10MB, blocks: 162, blocks_per_sm: 1}\n";
  const Outcome o = gpusim(dir, "run " + quoted(dir.file("platform.yaml")) + " " + quoted(dir.file("workloads.yaml")) +
                                    " --additivity off -q --trace " + quoted(dir.file("t.json")));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const json trace = json::parse(slurp(dir.file("t.json")));
  std::map<std::string, int> seen;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.value("cat", "") != "kernel") continue;
    const std::string name = e.at("name");
    const json& a = e.at("args");
    if (name.rfind("half", 0) == 0) {
      EXPECT_EQ(a.at("blocks").get<double>(), 54.0);
      EXPECT_EQ(a.at("waves").get<double>(), 1.0);
      EXPECT_DOUBLE_EQ(a.at("occupied").get<double>(), 0.5);
      ++seen["half"];
    } else if (name.rfind("waves", 0) == 0) {
      EXPECT_EQ(a.at("blocks").get<double>(), 162.0);
      EXPECT_EQ(a.at("waves").get<double>(), 2.0);
      EXPECT_DOUBLE_EQ(a.at("occupied").get<double>(), 1.0);
      ++seen["waves"];
    }
  }
  EXPECT_EQ(seen["half"], 2);  // arrivals in [0, 0.2 s) at 10/s
  EXPECT_EQ(seen["waves"], 2);
}

TEST(Trace, BadOptionsAreOneLineAndExitCode2) {
  TempDir dir;
  const std::string t = " --trace " + quoted(dir.file("t.json"));
  for (const std::string& bad : {t + " --trace-window 5s", t + " --trace-window 6s:5s", t + " --trace-window 1:2",
                                 t + " --trace-max-events 0", std::string(" --trace-window 1s:2s")}) {
    const Outcome o = gpusim(dir, face_args() + bad);
    EXPECT_EQ(o.exit_code, 2) << bad << "\n" << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << bad << "\n" << o.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("t.json"))) << bad;
  }
  // A folder that does not exist: refused before anything runs, nothing written.
  const Outcome o = gpusim(dir, face_args() + " --trace " + quoted(dir.file("missing/t.json")));
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_NE(o.err.find("missing/t.json"), std::string::npos) << o.err;
}

TEST(Trace, AFailedWriteIsExitCode1AndLeavesNothing) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  TempDir dir;
  // /dev/full is a device: the trace is copied into it at the end, and every write fails.
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/quickstart/";
  const Outcome o = gpusim(dir, "run " + quoted(ex + "platform.yaml") + " " + quoted(ex + "workloads.yaml") +
                                    " --additivity off -q --trace /dev/full");
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("/dev/full"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace gpusim::test
