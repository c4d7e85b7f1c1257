// apply_override on small YAML documents: the value lands at the path (list items by name), missing keys and
// mappings are created, written nodes carry the option's label, and each misuse is one located error.

#include "core/overrides.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/errors.hpp"
#include "core/yaml_reader.hpp"

namespace gpusim {
namespace {

const char* kDoc =
    "run: {duration: 10s}\n"
    "workloads:\n"
    "  - name: lobby\n"
    "    count: 2\n"
    "  - name: entrance\n"
    "    count: 1\n"
    "nodes:\n"
    "  - name: server0\n"
    "    devices:\n"
    "      - {name: gpu, type: T4}\n"
    "      - {name: big, type: A100-PCIe-40GB}\n";

std::string error_of(const std::string& text, const std::string& doc = kDoc) {
  YAML::Node root = YAML::Load(doc);
  OverrideMarks marks;
  try {
    apply_override(root, parse_override(text), marks);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ParseOverride, SplitsAtTheFirstEquals) {
  const Override o = parse_override("run.scheduler_params=a=1");
  EXPECT_EQ(o.path, "run.scheduler_params");
  EXPECT_EQ(o.value, "a=1");
  EXPECT_EQ(o.parts, (std::vector<std::string>{"run", "scheduler_params"}));
  EXPECT_EQ(o.label(), "--set run.scheduler_params=a=1");
}

TEST(ParseOverride, RejectsMalformedArguments) {
  EXPECT_EQ(error_of("workloads.lobby.count"),
            "--set workloads.lobby.count: error: expected PATH=VALUE (e.g. workloads.lobby.count=24)");
  EXPECT_EQ(error_of("workloads.lobby.count="),
            "--set workloads.lobby.count=: error: the value after '=' is empty");
  EXPECT_EQ(error_of("=3"), "--set =3: error: the path before '=' is empty");
  EXPECT_EQ(error_of("workloads..count=3"),
            "--set workloads..count=3: error: empty key in path 'workloads..count'");
}

TEST(ApplyOverride, ReplacesAValueInANamedListItem) {
  YAML::Node root = YAML::Load(kDoc);
  OverrideMarks marks;
  apply_override(root, parse_override("workloads.entrance.count=24"), marks);
  EXPECT_EQ(root["workloads"][0]["count"].Scalar(), "2");
  EXPECT_EQ(root["workloads"][1]["count"].Scalar(), "24");
  EXPECT_EQ(root["workloads"].size(), 2U);
  apply_override(root, parse_override("nodes.server0.devices.big.type=L4"), marks);
  EXPECT_EQ(root["nodes"][0]["devices"][0]["type"].Scalar(), "T4");
  EXPECT_EQ(root["nodes"][0]["devices"][1]["type"].Scalar(), "L4");
  const std::string* label = marks.label_of(root["workloads"][1]["count"]);
  ASSERT_NE(label, nullptr);
  EXPECT_EQ(*label, "--set workloads.entrance.count=24");
  EXPECT_EQ(marks.label_of(root["workloads"][0]["count"]), nullptr);
}

TEST(ApplyOverride, CreatesMissingKeysAndMappings) {
  YAML::Node root = YAML::Load(kDoc);
  OverrideMarks marks;
  apply_override(root, parse_override("run.warmup=1s"), marks);
  apply_override(root, parse_override("contention.power=off"), marks);
  apply_override(root, parse_override("contention.l2.sensitivity=0.25"), marks);
  EXPECT_EQ(root["run"]["duration"].Scalar(), "10s");
  EXPECT_EQ(root["run"]["warmup"].Scalar(), "1s");
  EXPECT_EQ(root["contention"]["power"].Scalar(), "off");
  EXPECT_EQ(root["contention"]["l2"]["sensitivity"].Scalar(), "0.25");
  ASSERT_NE(marks.label_of(root["contention"]), nullptr);
  EXPECT_EQ(*marks.label_of(root["contention"]), "--set contention.power=off");
}

TEST(ApplyOverride, LaterOverridesOfOnePathWin) {
  YAML::Node root = YAML::Load(kDoc);
  OverrideMarks marks;
  apply_override(root, parse_override("workloads.lobby.count=3"), marks);
  apply_override(root, parse_override("workloads.lobby.count=5"), marks);
  EXPECT_EQ(root["workloads"][0]["count"].Scalar(), "5");
}

TEST(ApplyOverride, NamesTheMissingItemAndTheKnownOnes) {
  EXPECT_EQ(error_of("workloads.lobbby.count=24"),
            "--set workloads.lobbby.count=24: error: no workload named 'lobbby' (known: lobby, entrance)");
  EXPECT_EQ(error_of("nodes.server0.devices.gpu0.type=L4"),
            "--set nodes.server0.devices.gpu0.type=L4: error: no device named 'gpu0' (known: gpu, big)");
}

TEST(ApplyOverride, RejectsPathsThatDoNotEndAtAValue) {
  EXPECT_EQ(error_of("workloads.lobby=3"),
            "--set workloads.lobby=3: error: 'workloads.lobby' is a workload; name one of its keys "
            "(workloads.lobby.KEY)");
  EXPECT_EQ(error_of("run=5s"), "--set run=5s: error: 'run' is a mapping; --set gives single values");
  EXPECT_EQ(error_of("workloads=5"),
            "--set workloads=5: error: 'workloads' is a list; --set gives single values");
  EXPECT_EQ(error_of("run.duration.unit=s"),
            "--set run.duration.unit=s: error: 'run.duration' is a single value, not a mapping");
}

TEST(OverrideScope, ErrorsAtWrittenNodesNameTheOption) {
  YAML::Node root = YAML::Load(kDoc);
  OverrideMarks marks;
  apply_override(root, parse_override("workloads.lobby.count=-3"), marks);
  const YAML::Node count = root["workloads"][0]["count"];
  const YAML::Node other = root["workloads"][1]["count"];
  {
    const OverrideScope scope(marks);
    EXPECT_STREQ(error_at("w.yaml", count, "'count' must be at least 1 (got -3)").what(),
                 "--set workloads.lobby.count=-3: error: 'count' must be at least 1 (got -3)");
    EXPECT_STREQ(error_at("w.yaml", other, "x").what(), "w.yaml:6:12: error: x");
    EXPECT_EQ(loc_of("w.yaml", count).str(), "--set workloads.lobby.count=-3");
  }
  EXPECT_STREQ(error_at("w.yaml", count, "x").what(), "w.yaml: error: x");  // outside the scope: no label
}

}  // namespace
}  // namespace gpusim
