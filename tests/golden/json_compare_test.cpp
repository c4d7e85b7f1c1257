#include "json_compare.hpp"

#include <gtest/gtest.h>

using gpusim::golden::compare_json;
using gpusim::golden::Tolerance;
using nlohmann::json;

namespace {

// The values of tests/golden/CMakeLists.txt, written out: the cases below are chosen around them.
constexpr Tolerance TOL{1e-6, 1e-9};

const json EXPECTED = json::parse(R"({
  "run": {"scheduler": "round-robin", "seed": 42, "duration_s": 20.0},
  "workloads": [{"name": "lobby", "completed": 4320, "latency_ms": {"p99": 3.55}, "sla_ms": null}],
  "additivity": [{"verdict": "combined demand equals the simple sum", "ratio": 1.0, "busy": true}]
})");

}  // namespace

TEST(JsonCompare, IdenticalDocumentsMatch) { EXPECT_TRUE(compare_json(EXPECTED, EXPECTED, TOL).empty()); }

TEST(JsonCompare, AcceptsADifferenceWithinTheRelativeTolerance) {
  json actual = EXPECTED;
  actual["workloads"][0]["latency_ms"]["p99"] = 3.5500017;  // 1.7e-6 <= 1e-6 x 3.55 = 3.55e-6
  actual["additivity"][0]["ratio"] = 0.9999995;             // 5e-7 <= 1e-6
  EXPECT_TRUE(compare_json(EXPECTED, actual, TOL).empty());
}

TEST(JsonCompare, AcceptsADifferenceWithinTheAbsoluteFloorNearZero) {
  const json expected = {{"bandwidth", 0.0}};
  EXPECT_TRUE(compare_json(expected, json{{"bandwidth", 4e-10}}, TOL).empty());
  EXPECT_EQ(compare_json(expected, json{{"bandwidth", 2e-9}}, TOL).size(), 1u);
}

TEST(JsonCompare, DetectsAChangedNumberWithItsPathAndBothValues) {
  json actual = EXPECTED;
  actual["workloads"][0]["latency_ms"]["p99"] = 3.56;  // 0.01 > 3.55e-6
  const auto diffs = compare_json(EXPECTED, actual, TOL);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "$.workloads[0].latency_ms.p99");
  EXPECT_NE(diffs[0].message.find("expected 3.55, got 3.56"), std::string::npos) << diffs[0].message;
}

TEST(JsonCompare, IntegersMustBeExact) {
  json actual = EXPECTED;
  actual["workloads"][0]["completed"] = 4321;
  // A tolerance that would accept the change in a float.
  const auto diffs = compare_json(EXPECTED, actual, Tolerance{0.5, 10});
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "$.workloads[0].completed");
  EXPECT_EQ(diffs[0].message, "expected 4320, got 4321");
}

TEST(JsonCompare, AnIntegerWhereAFloatWasIsADifference) {
  json actual = EXPECTED;
  actual["run"]["duration_s"] = 20;
  const auto diffs = compare_json(EXPECTED, actual, TOL);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "$.run.duration_s");
  EXPECT_EQ(diffs[0].message, "expected float 20.0, got integer 20");
}

TEST(JsonCompare, DetectsAMissingAndAnUnexpectedKey) {
  json actual = EXPECTED;
  actual["run"].erase("seed");
  actual["run"]["sead"] = 42;
  const auto diffs = compare_json(EXPECTED, actual, TOL);
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0].path, "$.run.seed");
  EXPECT_EQ(diffs[0].message, "missing (expected 42)");
  EXPECT_EQ(diffs[1].path, "$.run.sead");
  EXPECT_EQ(diffs[1].message, "unexpected key (got 42)");
}

TEST(JsonCompare, DetectsAChangedString) {
  json actual = EXPECTED;
  actual["additivity"][0]["verdict"] = "combined demand is 0.1 % above the simple sum";
  const auto diffs = compare_json(EXPECTED, actual, TOL);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "$.additivity[0].verdict");
  EXPECT_EQ(diffs[0].message,
            "expected \"combined demand equals the simple sum\", "
            "got \"combined demand is 0.1 % above the simple sum\"");
}

TEST(JsonCompare, DetectsAChangedBooleanAndNull) {
  json actual = EXPECTED;
  actual["additivity"][0]["busy"] = false;
  actual["workloads"][0]["sla_ms"] = 100.0;
  const auto diffs = compare_json(EXPECTED, actual, TOL);
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0].path, "$.additivity[0].busy");
  EXPECT_EQ(diffs[1].path, "$.workloads[0].sla_ms");
  EXPECT_EQ(diffs[1].message, "expected null, got float 100.0");
}

TEST(JsonCompare, DetectsADifferentArrayLength) {
  json actual = EXPECTED;
  actual["workloads"].push_back(actual["workloads"][0]);
  const auto diffs = compare_json(EXPECTED, actual, TOL);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "$.workloads");
  EXPECT_EQ(diffs[0].message, "expected 1 elements, got 2");
}

TEST(JsonCompare, QuotesKeysThatAreNotIdentifiers) {
  const auto diffs = compare_json(json{{"p99 ms", 1}}, json{{"p99 ms", 2}}, TOL);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].path, "$[\"p99 ms\"]");
}
