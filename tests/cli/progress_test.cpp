// Progress on stderr (core/progress.hpp) and the simulated time in log lines: a run shows its simulated
// time to the end, a batch the simulations done; -q silences both; a bad --progress value is exit 2.

#include <gtest/gtest.h>

#include <sstream>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

std::string example(const std::string& name, const std::string& command) {
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/" + name + "/";
  return command + " " + quoted(ex + "platform.yaml") + " " + quoted(ex + "workloads.yaml");
}
std::string face(const std::string& command) { return example("face-recognition", command); }

// True when some line of `text` starts with `start` and contains each of `parts`, in order. (No <regex>:
// GCC 12 warns inside it in the sanitizer build.)
bool has_line(const std::string& text, const std::string& start, const std::vector<std::string>& parts) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(start, 0) != 0) continue;
    std::size_t at = start.size();
    bool all = true;
    for (const auto& p : parts) {
      at = line.find(p, at);
      if (at == std::string::npos) {
        all = false;
        break;
      }
      at += p.size();
    }
    if (all) return true;
  }
  return false;
}

TEST(Progress, ARunShowsItsSimulatedTimeToTheEnd) {
  TempDir dir;
  // 5 s of the face example (short under the sanitizers).
  const Outcome o = gpusim(dir, face("run") + " --additivity off --set run.duration=5s --progress always");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  // Plain lines (stderr is a file here), from the simulating process, with the simulated time.
  EXPECT_TRUE(has_line(o.err, "[sim] [info] [t=", {"s] run: ", " of 5 s simulated (", " %), ", " s elapsed, ETA "}))
      << o.err;
  // The last line of the run: up to its last event (the last frame's completion, between 4.99 and 5 s).
  EXPECT_TRUE(has_line(o.err, "[sim] [info] [t=", {"s] run: 4.99 s simulated (100 %) in ", " s"}) ||
              has_line(o.err, "[sim] [info] [t=", {"s] run: 5.00 s simulated (100 %) in ", " s"}))
      << o.err;
  // The summary after the run carries the run's simulated end.
  EXPECT_TRUE(has_line(o.err, "[sim] [info] [t=4.99", {"s] ", " kernels in "})) << o.err;
  // Lines about no simulated moment carry no time (no "[t=-]").
  EXPECT_EQ(o.err.find("[t=-]"), std::string::npos) << o.err;
}

TEST(Progress, ABatchShowsSimulationsDoneAndQuietSilencesIt) {
  TempDir dir;
  Outcome o = gpusim(dir, example("quickstart", "compare") + " --schedulers round-robin,least-loaded --progress always");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.err.find("compare: 1 of 2 simulations done (50 %)"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("compare: 2 simulations done (100 %)"), std::string::npos) << o.err;
  o = gpusim(dir, example("quickstart", "compare") + " --schedulers round-robin,least-loaded --progress always -q");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.err, "");
}

TEST(Progress, ABadValueIsOneLineAndExitCode2) {
  TempDir dir;
  const Outcome o = gpusim(dir, face("run") + " --progress sometimes");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: --progress 'sometimes': expected auto, always or never\n");
}

}  // namespace
}  // namespace gpusim::test
