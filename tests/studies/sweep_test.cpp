// The sweep's pure parts: axes read from --set (lists and inclusive ranges, with and without units), the
// paths an axis may take, and a row written to CSV and JSON and read back to the same bytes.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "analysis/writers/sweep.hpp"
#include "core/errors.hpp"
#include "studies/sweep.hpp"

namespace gpusim {
namespace {

std::vector<std::string> axis(const std::string& set) {
  const auto a = parse_sweep_axis(set);
  EXPECT_TRUE(a.has_value()) << set;
  return a ? a->values : std::vector<std::string>{};
}

TEST(SweepAxes, ListsAndInclusiveRanges) {
  EXPECT_EQ(axis("a.b=1,2,4"), (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(axis("a.b=T4, L4"), (std::vector<std::string>{"T4", "L4"}));
  EXPECT_EQ(axis("a.b=8:64:8"), (std::vector<std::string>{"8", "16", "24", "32", "40", "48", "56", "64"}));
  EXPECT_EQ(axis("a.b=8:60:8"), (std::vector<std::string>{"8", "16", "24", "32", "40", "48", "56"}));
  EXPECT_EQ(axis("a.b=10ms:30ms:10ms"), (std::vector<std::string>{"10ms", "20ms", "30ms"}));
  // 0.1 + 2 x 0.1 is 0.30000000000000004 in binary: still the inclusive stop, written as 0.3.
  EXPECT_EQ(axis("a.b=0.1:0.3:0.1"), (std::vector<std::string>{"0.1", "0.2", "0.3"}));
  EXPECT_EQ(axis("a.b=5:5:1"), (std::vector<std::string>{"5"}));
  EXPECT_FALSE(parse_sweep_axis("a.b=4").has_value());
  EXPECT_FALSE(parse_sweep_axis("a.b=5s").has_value());
}

TEST(SweepAxes, MalformedOnesAreConfigErrors) {
  for (const char* bad : {"a.b=8:64:0", "a.b=8:64:-8", "a.b=a:b:c", "a.b=1s:2:1", "a.b=64:8:8", "a.b=1,,2",
                          "a.b=1,2,1", "a.b=0:100000:1"}) {
    EXPECT_THROW(parse_sweep_axis(bad), ConfigError) << bad;
  }
}

TEST(SweepAxes, PathsOfTheSchemas) {
  for (const char* ok : {"workloads.cam.count=1", "nodes.server0.devices.gpu.type=T4", "run.duration=1s",
                         "contention.power=off", "contention.time_slice.slice=1ms",
                         "contention.power.enabled=false", "contention.power.period=1ms",
                         "nodes.s.devices.g.overrides.tdp=300W", "run.scheduler_params.alpha=1"}) {
    EXPECT_NO_THROW(check_override_path(parse_override(ok))) << ok;
  }
  for (const char* bad : {"workloads.cam.cuont=1", "run.durationx=1s", "nodes.s.devices.g.typo=1", "nodes.s.name2=x"}) {
    EXPECT_THROW(check_override_path(parse_override(bad)), ConfigError) << bad;
  }
}

SweepLayout layout() {
  SweepLayout l;
  l.platform = "p.yaml";
  l.workloads = "w.yaml";
  l.axis_paths = {"workloads.a.count"};
  l.axis_values = {{"1", "2"}};
  l.points = 2;
  l.workload_names = {"a", "b, quoted"};
  l.device_names = {"gpu0"};
  return l;
}

std::vector<SweepRow> rows() {
  SweepRow ok;
  ok.point = 0;
  ok.values = {"1"};
  ok.seed = 42;
  ok.workloads.push_back(SweepWorkload{"a", sweep_figure(1.0 / 3), 12.5, 0.75, 100, 0, false});
  ok.workloads.push_back(SweepWorkload{"b, quoted", 1e-5, sweep_figure(2.0 / 3), std::nullopt, 3e7, 4, true});
  ok.devices.push_back(SweepDevice{"gpu0", 0.5, sweep_figure(123.456789012), 1234567.5});
  SweepRow failed;
  failed.point = 1;
  failed.values = {"2"};
  failed.seed = 42;
  failed.error = "--set workloads.a.count=2: error: \"quoted\", with a comma";
  return {ok, failed};
}

TEST(SweepFiles, RowsReadBackAreWrittenAsTheSameBytes) {
  const auto dir = std::filesystem::temp_directory_path() / ("gpusim_sweep_files_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const SweepLayout l = layout();
  const std::string csv = sweep_csv(l, rows());
  const std::string json = sweep_json(l, rows());
  std::ofstream((dir / "s.csv").string()) << csv;
  std::ofstream((dir / "s.json").string()) << json;
  EXPECT_EQ(sweep_csv(l, read_sweep_csv((dir / "s.csv").string(), l)), csv);
  EXPECT_EQ(sweep_json(l, read_sweep_json((dir / "s.json").string(), l)), json);
  EXPECT_EQ(sweep_csv(l, read_sweep_json((dir / "s.json").string(), l)), csv);
  // The saturated flag of the row: b's; the error with its quotes doubled inside a quoted field.
  EXPECT_NE(csv.find(",1,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"--set workloads.a.count=2: error: \"\"quoted\"\", with a comma\""), std::string::npos) << csv;
  // Another layout: refused.
  SweepLayout other = l;
  other.axis_paths = {"workloads.a.batch"};
  EXPECT_THROW(read_sweep_csv((dir / "s.csv").string(), other), ConfigError);
  EXPECT_THROW(read_sweep_json((dir / "s.json").string(), other), ConfigError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpusim
