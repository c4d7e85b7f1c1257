// `gpusim run --trace FILE` (docs/trace.md): a window and an event limit bound the file (and what is in it
// is valid: trace_checks.hpp); bad option values and failed writes. The whole face example's trace is
// checked in trace_face_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
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
  // One second of the face example: only events that overlap [10 s, 11 s].
  Outcome o = gpusim(dir, face_args() + " --trace " + quoted(dir.file("window.json")) + " --trace-window 10s:11s");
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
    EXPECT_GE(end, 10e6 - 1) << e.dump();
    EXPECT_LE(ts, 11e6 + 1) << e.dump();
  }
  EXPECT_GT(events, 1000U);
  // The stated bound (docs/trace.md): under 320 bytes per event, plus the names of processes and threads.
  const auto size = std::filesystem::file_size(dir.file("window.json"));
  EXPECT_LT(size, 320 * events + 16 * 1024) << events << " events";
  // A limit stops the trace and says so.
  o = gpusim(dir, face_args() + " --trace " + quoted(dir.file("limited.json")) + " --trace-max-events 5000");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("--trace-max-events 5000"), std::string::npos) << o.err;
  const json limited = json::parse(slurp(dir.file("limited.json")));
  std::size_t n = 0;
  for (const auto& e : limited.at("traceEvents")) n += e.at("ph") != "M";
  EXPECT_EQ(n, 5000U);
  EXPECT_LT(std::filesystem::file_size(dir.file("limited.json")), 320U * 5000 + 16 * 1024);
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
