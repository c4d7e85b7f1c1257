// The definition of `gpusim capacity`'s answer on the face-recognition example, checked with plain runs:
// at N lobby cameras on one T4 every workload meets its SLA at 99 % and the run is a steady state for
// every seed, and at N + 1 some seed fails. Its own binary, in the Release run only (the runs take a few
// seconds each; the sanitizer build would take minutes).

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/cli/cli_helpers.hpp"

namespace gpusim::test {
namespace {

const std::string kExample = std::string(GPUSIM_EXAMPLES_DIR) + "/face-recognition";
// Short points: 0.5 s of warm-up and 1.5 s measured (900 or more lobby requests per seed at 20+ cameras).
const std::string kShort = " --set run.warmup=0.5s --set run.duration=2s";

/// True when every workload of a `gpusim run --json` meets its SLA for 99 % of its requests (dropped and
/// unfinished ones count as misses) and the run's verdict says it is a steady state.
bool fits(const nlohmann::json& run) {
  for (const auto& w : run["workloads"]) {
    if (w["sla_attainment"].get<double>() < 0.99 || w["saturated"].get<bool>()) return false;
  }
  return true;
}

TEST(CapacityFace, AnswerFitsForEverySeedAndOneMoreDoesNot) {
  const TempDir dir;
  const std::string platform = dir.file("t4.yaml");
  std::ofstream(platform) << "nodes:\n  - name: server0\n    devices:\n      - {name: t4, type: T4}\n";
  const std::string files = quoted(platform) + " " + quoted(kExample + "/workloads.yaml");
  const Outcome c = gpusim(
      dir, "capacity " + files + " --vary lobby --seeds 2 --window 1.5s --suggest off --json -" + kShort);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const auto answer = nlohmann::json::parse(c.out);
  const long n = answer["searches"][0]["streams"].get<long>();
  ASSERT_GT(n, 5);  // a T4 holds more than a handful of 30 fps cameras (docs/capacity.md)
  const unsigned long long seed = answer["first_seed"].get<unsigned long long>();
  bool beyond_fails = false;
  for (unsigned long long s = seed; s < seed + 2; ++s) {
    for (long count : {n, n + 1}) {
      const Outcome r = gpusim(dir, "run " + files + " -q --json - --seed " + std::to_string(s) +
                                        " --set workloads.lobby.count=" + std::to_string(count) + kShort);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const bool ok = fits(nlohmann::json::parse(r.out));
      if (count == n) {
        EXPECT_TRUE(ok) << n << " cameras, seed " << s;
      }
      if (count == n + 1 && !ok) beyond_fails = true;
    }
  }
  EXPECT_TRUE(beyond_fails) << n + 1 << " cameras fit for every seed: the answer is not the largest";
}

}  // namespace
}  // namespace gpusim::test
