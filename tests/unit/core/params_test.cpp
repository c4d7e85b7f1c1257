// Declared parameters: one ParamDecl gives the default, the valid range and the documentation; a value
// outside the range, or not a number, is a ConfigError naming where the value came from.

#include "core/params.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/errors.hpp"
#include "tests/support/config_error.hpp"

namespace gpusim {
namespace {

const ParamDecl<double> kFraction{"sla_fraction", 0.5, {0.0, 1.0}, "share of the SLA the latency may take"};
const ParamDecl<double> kMargin{"margin", 1.0, ParamRange::positive(), "factor on the service time"};
const ParamDecl<double> kShare{"share", 1.0, ParamRange::open_below(0.0, 1.0), "share of the unit"};
const ParamDecl<int> kQueue{"max_queue", 0, {0, 100}, "waiting requests before dropping (0: never)"};

/// Params with one value from `origin`.
Params one(const std::string& key, const std::string& value,
           const std::string& origin = "workloads.yaml:9:19") {
  Params p;
  p.set(key, value, origin);
  return p;
}

TEST(ParamDecl, AnAbsentParameterTakesItsDefault) {
  EXPECT_EQ(kFraction.read(Params{}, "scheduler 'x'"), 0.5);
  EXPECT_EQ(kQueue.read(Params{}, "scheduler 'x'"), 0);
}

TEST(ParamDecl, AGivenValueWithinRangeIsRead) {
  EXPECT_EQ(kFraction.read(one("sla_fraction", "0.25"), "scheduler 'x'"), 0.25);
  EXPECT_EQ(kFraction.read(one("sla_fraction", "1"), "scheduler 'x'"), 1.0);  // closed at both ends
  EXPECT_EQ(kQueue.read(one("max_queue", "12"), "scheduler 'x'"), 12);
  EXPECT_EQ(kShare.read(one("share", "0.001"), "scheduler 'x'"), 0.001);
}

TEST(ParamDecl, AValueOutOfRangeNamesItsOrigin) {
  EXPECT_EQ(test::config_error([] { kFraction.read(one("sla_fraction", "1.5"), "scheduler 'mps-share'"); }),
            "workloads.yaml:9:19: error: scheduler 'mps-share': parameter 'sla_fraction' must be in [0, 1] "
            "(got 1.5)");
  EXPECT_EQ(test::config_error([] { kMargin.read(one("margin", "-1", "--scheduler-param"), "scheduler 'edf'"); }),
            "--scheduler-param: error: scheduler 'edf': parameter 'margin' must be positive (got -1)");
  EXPECT_EQ(test::config_error([] { kShare.read(one("share", "0"), "scheduler 'x'"); }),
            "workloads.yaml:9:19: error: scheduler 'x': parameter 'share' must be in (0, 1] (got 0)");
  EXPECT_EQ(test::config_error([] { kQueue.read(one("max_queue", "101"), "scheduler 'x'"); }),
            "workloads.yaml:9:19: error: scheduler 'x': parameter 'max_queue' must be in [0, 100] (got 101)");
}

TEST(ParamDecl, AnIntegerParameterMustBeWhole) {
  EXPECT_EQ(
      test::config_error([] { kQueue.read(one("max_queue", "2.5"), "scheduler 'x'"); }),
      "workloads.yaml:9:19: error: scheduler 'x': parameter 'max_queue' must be a whole number (got 2.5)");
  const ParamDecl<int> any{"protect", 1, {}, "unbounded, but an int"};
  EXPECT_EQ(any.read(one("protect", "-3"), "scheduler 'x'"), -3);
  EXPECT_EQ(
      test::config_error([&] { any.read(one("protect", "1e12"), "scheduler 'x'"); }),
      "workloads.yaml:9:19: error: scheduler 'x': parameter 'protect' must be in [-2147483648, 2147483647] "
      "(got 1000000000000)");
}

TEST(ParamDecl, NotANumberNamesItsOrigin) {
  EXPECT_EQ(test::config_error([] { kFraction.read(one("sla_fraction", "high"), "scheduler 'x'"); }),
            "workloads.yaml:9:19: error: parameter 'sla_fraction' must be a number (got 'high')");
}

TEST(ParamDecl, ADefaultOutsideItsRangeIsAnInternalError) {
  const ParamDecl<double> wrong{"f", 2.0, {0.0, 1.0}, "a declaration with a bug"};
  EXPECT_THROW(wrong.read(Params{}, "scheduler 'x'"), std::logic_error);
}

TEST(ParamDecl, TheDocumentationCarriesTheDefaultAsText) {
  const auto docs = param_docs(kFraction, kMargin, kQueue);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].name, "sla_fraction");
  EXPECT_EQ(docs[0].fallback, "0.5");
  EXPECT_EQ(docs[0].summary, "share of the SLA the latency may take");
  EXPECT_EQ(docs[1].fallback, "1");
  EXPECT_EQ(docs[2].name, "max_queue");
  EXPECT_EQ(docs[2].fallback, "0");
  EXPECT_TRUE(param_docs().empty());
}

TEST(ParamRange, DescribesItselfForMessages) {
  EXPECT_EQ(ParamRange::positive().describe(), "positive");
  EXPECT_EQ(ParamRange(0.01, 1.0).describe(), "in [0.01, 1]");
  EXPECT_EQ(ParamRange::open_below(0.0, 1.0).describe(), "in (0, 1]");
  EXPECT_TRUE(ParamRange().contains(-1e300));
  EXPECT_FALSE(ParamRange::positive().contains(0.0));
}

}  // namespace
}  // namespace gpusim
