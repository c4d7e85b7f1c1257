// `--set PATH=VALUE`: a run (and a comparison) with overrides gives the same table and JSON as the same
// command on files edited by hand, apart from the line and the JSON entry that record the overrides.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace gpusim::test {
namespace {

const std::string kQuickstart = std::string(GPUSIM_EXAMPLES_DIR) + "/quickstart/";

// `text` with its one occurrence of `from` replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Runs gpusim in `dir` on platform.yaml and workloads.yaml there (relative names, so both runs print the same
// ones), writing out.json there.
Outcome run_in(const TempDir& tmp, const std::string& dir, const std::string& args) {
  const std::string out = tmp.file("stdout");
  const std::string err = tmp.file("stderr");
  const std::string cmd = "cd " + quoted(dir) + " && " + quoted(GPUSIM_BINARY) + " " + args + " >" +
                          quoted(out) + " 2>" + quoted(err) + " </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

// The two directories: set/ holds the example's files as they are, edited/ the files with the overrides'
// changes made by hand (count 4 -> 6, duration 20s -> 5s, power contention off).
void make_inputs(const TempDir& tmp) {
  std::filesystem::create_directories(tmp.file("set"));
  std::filesystem::create_directories(tmp.file("edited"));
  const std::string platform = slurp(kQuickstart + "platform.yaml");
  const std::string workloads = slurp(kQuickstart + "workloads.yaml");
  ASSERT_EQ(platform.find("contention"), std::string::npos);
  write_file(tmp.file("set/platform.yaml"), platform);
  write_file(tmp.file("set/workloads.yaml"), workloads);
  write_file(tmp.file("edited/platform.yaml"), platform + "contention:\n  power: off\n");
  write_file(tmp.file("edited/workloads.yaml"),
        edited(edited(workloads, "count: 4", "count: 6"), "duration: 20s", "duration: 5s"));
}

const std::string kSets =
    " --set workloads.resnet50.count=6 --set run.duration=5s --set contention.power=off";
const std::string kRecorded =
    "overrides: --set workloads.resnet50.count=6 --set run.duration=5s --set contention.power=off\n";
const nlohmann::json kRecordedJson = {"workloads.resnet50.count=6", "run.duration=5s",
                                      "contention.power=off"};

// `text` without its one line `line`.
std::string without_line(std::string text, const std::string& line) {
  const auto at = text.find(line);
  EXPECT_NE(at, std::string::npos) << text;
  if (at != std::string::npos) text.erase(at, line.size());
  return text;
}

TEST(SetOption, RunEqualsTheEditedFiles) {
  TempDir tmp;
  make_inputs(tmp);
  const std::string args = "run platform.yaml workloads.yaml --additivity off -q --json out.json";
  const Outcome by_set = run_in(tmp, tmp.file("set"), args + kSets);
  ASSERT_EQ(by_set.exit_code, 0) << by_set.err;
  const Outcome by_file = run_in(tmp, tmp.file("edited"), args);
  ASSERT_EQ(by_file.exit_code, 0) << by_file.err;
  EXPECT_EQ(without_line(by_set.out, kRecorded), by_file.out);

  nlohmann::json set_json = nlohmann::json::parse(slurp(tmp.file("set/out.json")));
  const nlohmann::json file_json = nlohmann::json::parse(slurp(tmp.file("edited/out.json")));
  EXPECT_EQ(set_json["run"]["overrides"], kRecordedJson);
  EXPECT_FALSE(file_json["run"].contains("overrides"));
  set_json["run"].erase("overrides");
  EXPECT_EQ(set_json.dump(), file_json.dump());
  // The overrides took effect: 6 streams of the one workload, 5 s simulated.
  EXPECT_EQ(set_json["workloads"][0]["streams"], 6);
  EXPECT_EQ(set_json["run"]["duration_s"], 5.0);
}

TEST(SetOption, CompareEqualsTheEditedFiles) {
  TempDir tmp;
  make_inputs(tmp);
  const std::string args = "compare platform.yaml workloads.yaml --schedulers round-robin -q --json out.json";
  const Outcome by_set = run_in(tmp, tmp.file("set"), args + kSets);
  ASSERT_EQ(by_set.exit_code, 0) << by_set.err;
  const Outcome by_file = run_in(tmp, tmp.file("edited"), args);
  ASSERT_EQ(by_file.exit_code, 0) << by_file.err;
  EXPECT_EQ(without_line(by_set.out, kRecorded), by_file.out);

  nlohmann::json set_json = nlohmann::json::parse(slurp(tmp.file("set/out.json")));
  const nlohmann::json file_json = nlohmann::json::parse(slurp(tmp.file("edited/out.json")));
  EXPECT_EQ(set_json["compare"]["overrides"], kRecordedJson);
  set_json["compare"].erase("overrides");
  EXPECT_EQ(set_json.dump(), file_json.dump());
  EXPECT_EQ(set_json["compare"]["duration_s"], 5.0);
}

TEST(SetOption, TheHtmlReportRecordsTheOverrides) {
  TempDir tmp;
  make_inputs(tmp);
  const Outcome o = run_in(tmp, tmp.file("set"),
                           "run platform.yaml workloads.yaml --additivity off -q --report out.html" + kSets);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const std::string line = kRecorded.substr(0, kRecorded.size() - 1);
  EXPECT_NE(slurp(tmp.file("set/out.html")).find("<p>" + line + "</p>"), std::string::npos);
}

TEST(SetOption, WithoutOverridesNothingIsRecorded) {
  TempDir tmp;
  make_inputs(tmp);
  const Outcome o =
      run_in(tmp, tmp.file("edited"), "run platform.yaml workloads.yaml --additivity off -q --json out.json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out.find("overrides"), std::string::npos);
  EXPECT_EQ(slurp(tmp.file("edited/out.json")).find("overrides"), std::string::npos);
}

}  // namespace
}  // namespace gpusim::test
