// Policy parameters declared once (ParamDecl): the registered documentation carries each default, every
// default is accepted by its own range, and a value out of range is refused naming where it came from.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "scheduler/plugin.hpp"
#include "views.hpp"
#include "tests/support/config_error.hpp"

namespace gpusim::test {
namespace {

using Defaults = std::vector<std::pair<std::string, std::string>>;

TEST(DeclaredParams, TheDocsCarryEachDefault) {
  // The defaults stated in docs/schedulers.md.
  const std::map<std::string, Defaults> expected{
      {"best-fit", {{"max_utilization", "0.9"}}},
      {"edf", {{"drop_late", "1"}, {"service_margin", "1"}}},
      {"interference-aware", {{"max_utilization", "0.95"}}},
      {"least-loaded", {}},
      {"mig-planner", {{"sla_fraction", "0.8"}, {"max_utilization", "0.9"}}},
      {"mps-share", {{"sla_fraction", "0.8"}, {"max_utilization", "0.9"}, {"min_share", "0.05"}}},
      {"priority", {{"max_queue", "0"}, {"protect", "1"}}},
      {"round-robin", {}},
  };
  for (const auto& entry : expected) {
    const std::string& name = entry.first;  // a plain reference: clang 14 cannot capture a structured binding
    const auto& defaults = entry.second;
    const auto entries = Registry<Scheduler>::instance().entries();
    const auto it =
        std::find_if(entries.begin(), entries.end(), [&](const auto* e) { return e->name == name; });
    ASSERT_NE(it, entries.end()) << name;
    Defaults got;
    for (const auto& d : (*it)->params) {
      got.emplace_back(d.name, d.fallback);
      EXPECT_FALSE(d.summary.empty()) << name << " " << d.name;
    }
    EXPECT_EQ(got, defaults) << name;
  }
}

TEST(DeclaredParams, EveryDefaultLiesInItsRange) {
  // A default outside its declared range would make the constructor throw std::logic_error.
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    EXPECT_NO_THROW(make_scheduler(e->name, Params{})) << e->name;
  }
}

TEST(DeclaredParams, AValueOutOfRangeIsRefusedWithItsOrigin) {
  struct Case {
    std::string policy, key, value, message;
  };
  const std::vector<Case> cases{
      {"mps-share", "min_share", "0", "must be in [0.001, 1] (got 0)"},
      {"mps-share", "sla_fraction", "1.5", "must be in [0.01, 1] (got 1.5)"},
      {"mig-planner", "max_utilization", "2", "must be in [0.01, 1] (got 2)"},
      {"interference-aware", "max_utilization", "0", "must be in [0.01, 1] (got 0)"},
      {"best-fit", "max_utilization", "0", "must be positive (got 0)"},
      {"edf", "service_margin", "-0.5", "must be positive (got -0.5)"},
      {"edf", "drop_late", "2", "must be in [0, 1] (got 2)"},
      {"edf", "drop_late", "0.5", "must be a whole number (got 0.5)"},
      {"priority", "max_queue", "-1", "must be in [0, 1000000000] (got -1)"},
      {"priority", "protect", "1.5", "must be a whole number (got 1.5)"},
  };
  for (const auto& c : cases) {
    Params p;
    p.set(c.key, c.value, "workloads.yaml:14:20");
    EXPECT_EQ(
        config_error([&] { make_scheduler(c.policy, p); }),
        "workloads.yaml:14:20: error: scheduler '" + c.policy + "': parameter '" + c.key + "' " + c.message);
  }
}

TEST(DeclaredParams, AValueInRangeIsUsed) {
  // max_queue 1: with one request waiting, a priority-0 arrival is dropped; protect 0 keeps it.
  RequestView r;
  r.priority = 0;
  UnitState one_waiting;
  one_waiting.waiting = 1;
  EXPECT_FALSE(policy("priority", params({{"max_queue", "1"}}))->admit(r, one_waiting));
  EXPECT_TRUE(policy("priority", params({{"max_queue", "1"}, {"protect", "0"}}))->admit(r, one_waiting));
}

TEST(DeclaredParams, APluginPolicyDeclaresItsParameterOnce) {
  const std::string path = GPUSIM_TEST_PLUGIN_DECLARED_PARAMS;
  EXPECT_EQ(load_scheduler_plugin(path), std::vector<std::string>{"fixed-share"});
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    if (e->name != "fixed-share") continue;
    ASSERT_EQ(e->params.size(), 1u);
    EXPECT_EQ(e->params[0].name, "share");
    EXPECT_EQ(e->params[0].fallback, "0.5");
  }
  const std::vector<StreamView> streams{stream(0, 0, 1, 1, 1, 1, 1, 1)};
  const std::vector<DeviceView> units{unit(0, "mps", 16)};
  EXPECT_EQ(make_scheduler("fixed-share", Params{})->mps_shares(streams, units, {0}),
            std::vector<double>{0.5});
  EXPECT_EQ(make_scheduler("fixed-share", params({{"share", "0.25"}}))->mps_shares(streams, units, {0}),
            std::vector<double>{0.25});
  Params bad;
  bad.set("share", "1.5", "--scheduler-param");
  EXPECT_EQ(
      config_error([&] { make_scheduler("fixed-share", bad); }),
      "--scheduler-param: error: scheduler 'fixed-share': parameter 'share' must be in [0, 1] (got 1.5)");
}

}  // namespace
}  // namespace gpusim::test
