// Issue 15's co-location case end to end: 20 face-recognition cameras and two ResNet-50 services on one
// time-sliced A100 (examples/what-if, 3 s simulated). Busy time adds up to within a few per cent, but every
// request waits behind the other service's time slices, so the SLAs need a much faster GPU: the headline
// must say "above" and agree with its own figures, the utilisation line must agree with its own ratio, and
// one sentence must say why they differ.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

TEST(ColocationFace, HeadlineAgreesWithItsOwnFigures) {
  TempDir tmp;
  const std::string ex = std::string(GPUSIM_EXAMPLES_DIR) + "/what-if/";
  const Outcome o = gpusim(tmp, "run " + quoted(ex + "platform-a100.yaml") + " " + quoted(ex + "face-resnet.yaml") +
                                    " --set workloads.lobby.count=20 --set workloads.resnet50.count=2"
                                    " --set run.duration=3s --set run.warmup=0.5s -q --json " +
                                    quoted(tmp.file("out.json")));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(tmp.file("out.json")));
  ASSERT_EQ(j["additivity"].size(), 1U);
  const nlohmann::json& a = j["additivity"][0];
  const nlohmann::json& req = a["required_tflops"];
  // Required compute: together above the sum of alone by more than the tolerance.
  const double sum = req["sum"].get<double>(), together = req["combined"].get<double>();
  const double tol = req["tolerance"].get<double>();
  double alone = 0;
  for (const auto& [name, t] : req["isolated"].items()) alone += t.get<double>();
  EXPECT_NEAR(sum, alone, 1e-9 * alone);
  ASSERT_GT(together, sum * (1 + tol));
  const std::string verdict = a["verdict"].get<std::string>();
  EXPECT_NE(verdict.find(fmt::format("together they need {:.2f} fp16 TFLOP/s", together)), std::string::npos) << verdict;
  EXPECT_NE(verdict.find(fmt::format("{:.1f} % above the sum of {:.2f} alone", (together / sum - 1) * 100, sum)),
            std::string::npos)
      << verdict;
  // Utilisation: its line says what its own ratio and tolerance say (busy time adds up to within a few per
  // cent: launch gaps of one workload are not occupied by the other's kernels alone).
  const double ratio = a["ratio"].get<double>(), utol = a["confidence"]["tolerance"].get<double>();
  EXPECT_LT(std::abs(ratio - 1), 0.1);
  const std::string expected =
      std::abs(ratio - 1) <= utol ? "combined demand equals the simple sum" : "combined demand is";
  const std::string side = std::abs(ratio - 1) <= utol ? "equals" : ratio < 1 ? "below" : "above";
  const std::string uv = a["utilisation_verdict"].get<std::string>();
  EXPECT_EQ(uv.rfind(expected, 0), 0U) << uv;
  EXPECT_NE(uv.find(side), std::string::npos) << uv;
  // The sentence that reconciles them, and the same headline in the table.
  EXPECT_NE(a["why"].get<std::string>().find("time slices"), std::string::npos) << a["why"];
  EXPECT_NE(o.out.find(verdict), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("why they differ: " + a["why"].get<std::string>()), std::string::npos) << o.out;
}

}  // namespace
}  // namespace gpusim::test
