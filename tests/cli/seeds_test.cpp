// --seeds N of `gpusim run` and `gpusim compare`: the interval printed against separate single-seed runs,
// ties of overlapping policies, the explanation of each rank, and every bad count.

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

const std::string kSeedsQuickstart = std::string(GPUSIM_EXAMPLES_DIR) + "/quickstart/";
// The quickstart (2 A100s, 4 ResNet-50 streams at 50/s each, SLA 50 ms) shortened to 3 s.
const std::string kFiles = quoted(kSeedsQuickstart + "platform.yaml") + " " +
                           quoted(kSeedsQuickstart + "workloads.yaml") +
                           " --set run.duration=3s --set run.warmup=1s -q";

TEST(SeedsOption, RunMeanIsTheMeanOfSingleSeedRuns) {
  TempDir tmp;
  const Outcome o =
      gpusim(tmp, "run " + kFiles + " --seed 7 --seeds 3 --json " + quoted(tmp.file("seeds.json")));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("seeds 7..9 (3 runs)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("95 % confidence interval across 3 seeds (Student t, 2 degrees of freedom)"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find(" ± "), std::string::npos) << o.out;
  // The same figures from three separate runs with --seed 7, 8 and 9.
  std::vector<double> p99;
  for (int seed = 7; seed <= 9; ++seed) {
    const std::string json = tmp.file("seed" + std::to_string(seed) + ".json");
    const Outcome one = gpusim(tmp, "run " + kFiles + " --additivity off --seed " + std::to_string(seed) +
                                        " --json " + quoted(json));
    ASSERT_EQ(one.exit_code, 0) << one.err;
    p99.push_back(nlohmann::json::parse(slurp(json))["workloads"][0]["latency_ms"]["p99"].get<double>());
  }
  const double mean = (p99[0] + p99[1] + p99[2]) / 3;
  double squares = 0;
  for (const double v : p99) squares += (v - mean) * (v - mean);
  const double half = 4.303 * std::sqrt(squares / 2) / std::sqrt(3.0);  // t(0.975, 2) = 4.303 (tables)
  const nlohmann::json j = nlohmann::json::parse(slurp(tmp.file("seeds.json")));
  EXPECT_EQ(j["run"]["seeds"], nlohmann::json({7, 8, 9}));
  const nlohmann::json& stat = j["workloads"][0]["p99_ms"];
  EXPECT_NEAR(stat["mean"].get<double>(), mean, 1e-9 * mean);
  EXPECT_NEAR(stat["half_width"].get<double>(), half, 1e-3 * half + 1e-12);
  EXPECT_NEAR(stat["low"].get<double>(), mean - stat["half_width"].get<double>(), 1e-9 * mean);
  for (int i = 0; i < 3; ++i)
    EXPECT_DOUBLE_EQ(j["workloads"][0]["per_seed"][i]["p99_ms"].get<double>(), p99[i]);
}

TEST(SeedsOption, OneSeedIsTheUsualRun) {
  TempDir tmp;
  const Outcome plain =
      gpusim(tmp, "run " + kFiles + " --additivity off --json " + quoted(tmp.file("plain.json")));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const Outcome one =
      gpusim(tmp, "run " + kFiles + " --additivity off --seeds 1 --json " + quoted(tmp.file("one.json")));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(plain.out, one.out);
  EXPECT_EQ(slurp(tmp.file("plain.json")), slurp(tmp.file("one.json")));
  const std::string compare = "compare " + kFiles + " --schedulers round-robin,best-fit --json ";
  const Outcome plain_cmp = gpusim(tmp, compare + quoted(tmp.file("plain_cmp.json")));
  ASSERT_EQ(plain_cmp.exit_code, 0) << plain_cmp.err;
  const Outcome one_cmp = gpusim(tmp, compare + quoted(tmp.file("one_cmp.json")) + " --seeds 1");
  ASSERT_EQ(one_cmp.exit_code, 0) << one_cmp.err;
  EXPECT_EQ(plain_cmp.out, one_cmp.out);
  EXPECT_EQ(slurp(tmp.file("plain_cmp.json")), slurp(tmp.file("one_cmp.json")));
}

TEST(SeedsOption, BadCountsAreOneLineAndExit2) {
  TempDir tmp;
  for (const std::string bad : {"0", "-1", "abc", "2.5", "1001"}) {
    for (const std::string command : {"run", "compare"}) {
      const Outcome o = gpusim(tmp, command + " " + kFiles + " --seeds=" + bad);
      EXPECT_EQ(o.exit_code, 2) << command << " " << bad;
      EXPECT_EQ(o.err, "error: --seeds '" + bad + "': must be a whole number of runs from 1 to 1000\n");
      EXPECT_EQ(o.out, "");
    }
  }
  const Outcome separate = gpusim(tmp, "run " + kFiles + " --seeds 0");
  EXPECT_EQ(separate.exit_code, 2);
  EXPECT_EQ(separate.err, "error: --seeds '0': must be a whole number of runs from 1 to 1000\n");
}

TEST(SeedsOption, OutputsOfOneRunAreRefused) {
  TempDir tmp;
  const Outcome o = gpusim(tmp, "run " + kFiles + " --seeds 2 --csv " + quoted(tmp.file("csv")));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(
      o.err,
      "error: --seeds 2 with --csv: that output describes one run; give --seed S for one of the seeds, or "
      "drop it (--seeds writes the table and --json)\n");
  EXPECT_FALSE(std::filesystem::exists(tmp.file("csv")));
  const Outcome c = gpusim(tmp, "run " + kFiles + " --seeds 2 --report " + quoted(tmp.file("r.html")));
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_NE(c.err.find("--seeds 2 with --report"), std::string::npos) << c.err;
  EXPECT_FALSE(std::filesystem::exists(tmp.file("r.html")));
}

// Each request of 8 images moves 8 x 1.1 GB through an A100-PCIe-40GB's 1,555 GB/s: about 5.7 ms, so a
// stream at 50/s keeps a GPU busy 28 % of the time. Spread two and two (round-robin, least-loaded) each GPU
// is 57 % busy and the 50 ms SLA holds; best-fit with no utilisation limit packs all four onto one GPU,
// 113 % busy: its queue grows through the run and most requests miss. Round-robin and least-loaded place
// the identical streams alike (one per GPU in turn), so with the same seeds their figures, and intervals,
// are the same: a tie.
TEST(SeedsOption, CompareTiesOverlappingPoliciesAndSeparatesAnOverloadedOne) {
  TempDir tmp;
  const Outcome o = gpusim(tmp, "compare " + kFiles +
                                    " --set workloads.resnet50.model.bytes=1.1GB"
                                    " --schedulers best-fit,round-robin,least-loaded"
                                    " --scheduler-param best-fit.max_utilization=100 --seeds 3 --json " +
                                    quoted(tmp.file("cmp.json")) + " --report " + quoted(tmp.file("cmp.html")));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(slurp(tmp.file("cmp.json")));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& r : j["ranking"]) by_name[r["scheduler"].get<std::string>()] = r;
  EXPECT_EQ(by_name["round-robin"]["rank"], 1);
  EXPECT_EQ(by_name["least-loaded"]["rank"], 1);
  EXPECT_EQ(by_name["best-fit"]["rank"], 3);
  EXPECT_LT(by_name["best-fit"]["sla_attainment"]["high"].get<double>(),
            by_name["round-robin"]["sla_attainment"]["low"].get<double>());
  // Why: best-fit's four streams on one unit, the other idle, and its requests mostly waiting.
  const nlohmann::json& why = by_name["best-fit"]["why"];
  ASSERT_EQ(why["units"].size(), 1U);
  EXPECT_EQ(why["units"][0]["streams"], 4);
  EXPECT_EQ(why["idle_units"], 1);
  EXPECT_GT(why["queue_ms"].get<double>(), why["service_ms"].get<double>());
  const nlohmann::json& spread = by_name["round-robin"]["why"];
  ASSERT_EQ(spread["units"].size(), 2U);
  EXPECT_EQ(spread["units"][0]["streams"], 2);
  EXPECT_EQ(spread["units"][1]["streams"], 2);
  // The table: tied ranks, the interval note, one why line per policy.
  EXPECT_NE(o.out.find("shares the rank of the one above it"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("gpu0: 4 streams"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("idle: 1 unit; queue "), std::string::npos) << o.out;
  // The --report page draws the across-seed interval of each policy's p99: mean ± t(0.975, 2) s / sqrt(3),
  // with t = 4.302653 (Student t table, 2 degrees of freedom), from the three seeds' own p99s.
  const std::string page = slurp(tmp.file("cmp.html"));
  EXPECT_NE(page.find("Student t intervals across the runs"), std::string::npos);
  for (const std::string name : {"round-robin", "best-fit"}) {
    std::vector<double> p99;
    for (const auto& s : by_name[name]["per_seed"]) p99.push_back(s["p99_ms"].get<double>());
    ASSERT_EQ(p99.size(), 3U);
    const double mean = (p99[0] + p99[1] + p99[2]) / 3;
    const double sd = std::sqrt((std::pow(p99[0] - mean, 2) + std::pow(p99[1] - mean, 2) +
                                 std::pow(p99[2] - mean, 2)) / 2);
    const double half = 4.302653 * sd / std::sqrt(3.0);
    const std::string cell = fmt::format("<td>{:.2f} .. {:.2f}</td>", mean - half, mean + half);
    EXPECT_NE(page.find(cell), std::string::npos) << name << ": " << cell;
  }
}

TEST(SeedsOption, CompareWithoutSeedsExplainsEachRank) {
  TempDir tmp;
  const Outcome o =
      gpusim(tmp, "compare " + kFiles + " --schedulers round-robin --json " + quoted(tmp.file("cmp.json")));
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_NE(o.out.find("\nWhy ("), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("round-robin  gpu0: 2 streams, "), std::string::npos) << o.out;
  const nlohmann::json j = nlohmann::json::parse(slurp(tmp.file("cmp.json")));
  const nlohmann::json& why = j["ranking"][0]["why"];
  ASSERT_EQ(why["units"].size(), 2U);
  EXPECT_EQ(why["idle_units"], 0);
  // Every request's latency is its queueing plus its service, so their means add up to the mean latency of
  // the same run made with `gpusim run` (one workload).
  const Outcome run = gpusim(tmp, "run " + kFiles + " --scheduler round-robin --additivity off --json " +
                                      quoted(tmp.file("run.json")));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const double mean =
      nlohmann::json::parse(slurp(tmp.file("run.json")))["workloads"][0]["latency_ms"]["mean"].get<double>();
  EXPECT_GT(why["service_ms"].get<double>(), 0.0);
  EXPECT_NEAR(why["queue_ms"].get<double>() + why["service_ms"].get<double>(), mean, 1e-9 * mean);
}

}  // namespace
}  // namespace gpusim::test
