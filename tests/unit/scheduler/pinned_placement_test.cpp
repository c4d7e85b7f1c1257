// Placement constraints (`placement:` in workloads.yaml) through make_plan: under every registered policy a
// pinned workload lands on its pinned unit and a listed one on its listed devices; a policy that ignores the
// constraint is stopped with a PolicyError; mig-planner spreads identical streams over the slices it opens.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "scenario_builder.hpp"
#include "scheduler/plugin.hpp"

namespace gpusim::test {
namespace {

DeviceSpec catalog_device(const std::string& type) {
  return parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/" + type + ".yaml");
}

/// A small fp32 stream (1 GFLOP and 1 MB per request at 10/s, no memory) of `count` instances.
StreamSpec small(const std::string& name, int count, std::vector<std::string> devices = {},
                 std::optional<int> slice = std::nullopt) {
  StreamSpec s = stream(name, 1e9, 1e6, 1, periodic(10));
  s.count = count;
  s.placement.devices = std::move(devices);
  s.placement.device_locs.assign(s.placement.devices.size(), SourceLoc{});
  s.placement.slice = slice;
  return s;
}

/// a100: an A100 with the fixed MIG partition [3g.20gb, 2g.10gb, 1g.5gb, 1g.5gb] (units 0 to 3, named
/// a100/3g.20gb#0, a100/2g.10gb#0, a100/1g.5gb#0, a100/1g.5gb#1); t4: a time-sliced T4 (unit 4); l4: an
/// L4 under MPS (unit 5). "listed" may run on t4 or l4, "pinned" on slice 2 of a100 only, "free" anywhere.
Scenario three_devices() {
  Scenario sc;
  DeviceInstance a = device(catalog_device("A100-PCIe-40GB"), SharingMode::MIG, "a100");
  a.mig_partition = {"3g.20gb", "2g.10gb", "1g.5gb", "1g.5gb"};
  sc.platform.devices = {a, device(catalog_device("T4"), SharingMode::TIME_SLICE, "t4"),
                         device(catalog_device("L4"), SharingMode::MPS, "l4")};
  sc.workloads.streams = {small("listed", 4, {"t4", "l4"}), small("pinned", 3, {"a100"}, 2),
                          small("free", 5)};
  return sc;
}

TEST(PinnedPlacement, EveryPolicyKeepsPinnedAndListedWorkloadsWhereTheyMayRun) {
#ifdef GPUSIM_EXAMPLE_PLUGIN_PATH
  load_scheduler_plugin(GPUSIM_EXAMPLE_PLUGIN_PATH);  // slo-pack, the example plugin, is checked too
#endif
  const Scenario sc = three_devices();
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    auto p = e->factory(Params{});
    const Plan plan = make_plan(sc, *p, e->name);
    ASSERT_EQ(plan.placements().size(), 12u) << e->name;
    for (const Placement& pl : plan.placements()) {
      const std::string& unit = plan.units()[static_cast<std::size_t>(pl.unit)].name;
      if (pl.stream.workload == 0) {
        EXPECT_TRUE(unit == "t4" || unit == "l4") << e->name << ": " << unit;
      } else if (pl.stream.workload == 1) {
        EXPECT_EQ(unit, "a100/1g.5gb#0") << e->name;
      }
    }
  }
}

TEST(PinnedPlacement, EveryPolicyKeepsAWorkloadPinnedToAMigAutoDeviceOnItsSlices) {
  // The A100 is left to the policy (`mig: auto`); the T4 is the only other unit.
  Scenario sc;
  DeviceInstance a = device(catalog_device("A100-PCIe-40GB"), SharingMode::MIG, "a100");
  a.mig_auto = true;
  sc.platform.devices = {device(catalog_device("T4"), SharingMode::TIME_SLICE, "t4"), a};
  sc.workloads.streams = {small("pinned", 3, {"a100"}), small("free", 3)};
  for (const auto* e : Registry<Scheduler>::instance().entries()) {
    auto p = e->factory(Params{});
    const Plan plan = make_plan(sc, *p, e->name);
    for (const Placement& pl : plan.placements()) {
      const Unit& u = plan.units()[static_cast<std::size_t>(pl.unit)];
      if (pl.stream.workload == 0) {
        EXPECT_EQ(u.device, 1) << e->name << ": " << u.name;
      }
    }
  }
}

/// Puts every stream on unit 0, whatever the views say.
class UnitZero : public Scheduler {
 public:
  std::vector<int> place(const std::vector<StreamView>& streams, const std::vector<DeviceView>&) override {
    return std::vector<int>(streams.size(), 0);
  }
};

TEST(PinnedPlacement, APlanOutsideThePlacementIsAPolicyError) {
  const Scenario sc = three_devices();
  UnitZero p;
  try {
    make_plan(sc, p, "unit-zero");
    FAIL() << "no error";
  } catch (const PolicyError& e) {
    EXPECT_STREQ(
        e.what(),
        "scheduler 'unit-zero' at t=0s: placed stream 'listed#0' on unit 'a100/3g.20gb#0', outside its "
        "placement (t4, l4)");
  }
}

TEST(PinnedPlacement, ThePolicySeesNoTimeOutsideThePlacement) {
  const Scenario sc = three_devices();
  // Answers like least-loaded and keeps the views make_plan gave it.
  struct Capture : public Scheduler {
    std::vector<int> place(const std::vector<StreamView>& streams,
                           const std::vector<DeviceView>& units) override {
      seen = streams;
      return make_scheduler("least-loaded", Params{})->place(streams, units);
    }
    std::vector<StreamView> seen;
  } capture;
  make_plan(sc, capture, "capture");
  ASSERT_EQ(capture.seen.size(), 12u);
  // Units: 0-3 the A100's slices, 4 t4, 5 l4. "listed" (streams 0-3) has times on 4 and 5 only; "pinned"
  // (4-6) on 2 only; "free" (7-11) everywhere.
  const std::vector<std::vector<bool>> expected{{false, false, false, false, true, true},
                                                {false, false, true, false, false, false},
                                                {true, true, true, true, true, true}};
  for (std::size_t i = 0; i < capture.seen.size(); ++i) {
    const auto& w = expected[static_cast<std::size_t>(capture.seen[i].workload_index)];
    for (std::size_t u = 0; u < w.size(); ++u) {
      EXPECT_EQ(capture.seen[i].isolated_time[u].has_value(), w[u]) << "stream " << i << " unit " << u;
    }
  }
}

TEST(MigPlannerBalance, NineteenIdenticalStreamsSpreadOverSevenSlices) {
  // Each stream: 1 GFLOP at 10/s, a fraction of a millisecond on a 1g.5gb slice, no SLA, no memory, so the
  // smallest profile suits each and an A100 opens seven of them (the instance limit). 19 = 7 x 2 + 5:
  // five slices hold 3 streams and two hold 2.
  Scenario sc;
  DeviceInstance a = device(catalog_device("A100-PCIe-40GB"), SharingMode::MIG, "a100");
  a.mig_auto = true;
  sc.platform.devices = {a};
  sc.workloads.streams = {small("cam", 19)};
  auto p = make_scheduler("mig-planner", Params{});
  const Plan plan = make_plan(sc, *p, "mig-planner");
  ASSERT_EQ(plan.units().size(), 7u);
  for (const Unit& u : plan.units()) EXPECT_EQ(u.mig_profile, "1g.5gb");
  std::vector<int> counts;
  for (int u = 0; u < 7; ++u) counts.push_back(plan.streams_on(u));
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, (std::vector<int>{2, 2, 3, 3, 3, 3, 3}));
}

}  // namespace
}  // namespace gpusim::test
