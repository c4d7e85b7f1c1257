// The MIG slice planner on a hand-built A100-40GB choice. Profiles, slices and instance limits are NVIDIA's
// (MIG user guide, "A100 MIG profiles"); the predicted times per profile are stated in each test.

#include <gtest/gtest.h>

#include <map>

#include "views.hpp"

namespace gpusim::test {
namespace {

const std::vector<std::string> kProfiles{"1g.5gb", "2g.10gb", "3g.20gb", "4g.20gb", "7g.40gb"};
const std::vector<int> kComputeSlices{1, 2, 3, 4, 7};
const std::vector<int> kMemorySlices{1, 2, 4, 4, 8};
const std::vector<int> kMaxInstances{7, 3, 2, 1, 1};

/// An A100-40GB left to the policy; usable memory per profile (x 0.8): 3.8, 7.8, 15.7, 15.7, 31.4 GiB.
MigChoice a100_choice(int device, bool with_slices = true) {
  MigChoice c;
  c.device = device;
  c.type = "A100-PCIe-40GB";
  c.profiles = kProfiles;
  c.profile_sms = {14, 28, 42, 56, 98};
  c.profile_memory = {4.75 * kGiB, 9.75 * kGiB, 19.62 * kGiB, 19.62 * kGiB, 39.25 * kGiB};
  c.max_instances = kMaxInstances;
  if (with_slices) {
    c.profile_compute_slices = kComputeSlices;
    c.profile_memory_slices = kMemorySlices;
  }
  c.memory_headroom = 0.8;
  return c;
}

/// A stream at 10/s of its own workload; its times per profile go into the choices (set_times).
StreamView mig_stream(int id, double memory_gib, std::optional<double> sla_ms) {
  return stream(id, id, memory_gib, 10, 0, 0, 0, 0, sla_ms);
}

/// Fills profile_time of every choice from the streams' per-profile times.
void set_times(std::vector<MigChoice>& choices, const std::vector<std::vector<double>>& times_ms) {
  for (auto& c : choices) {
    c.profile_time.assign(kProfiles.size(), {});
    for (std::size_t p = 0; p < kProfiles.size(); ++p) {
      for (const auto& t : times_ms) c.profile_time[p].push_back(Seconds{t[p] * kMs});
    }
  }
}

/// True when a partition respects the A100 budget: 7 compute slices, 8 memory slices, instance limits.
bool valid(const std::vector<std::string>& partition) {
  int compute = 0, memory = 0;
  std::map<std::string, int> count;
  for (const auto& name : partition) {
    const auto p =
        static_cast<std::size_t>(std::find(kProfiles.begin(), kProfiles.end(), name) - kProfiles.begin());
    if (p >= kProfiles.size()) return false;
    compute += kComputeSlices[p];
    memory += kMemorySlices[p];
    if (++count[name] > kMaxInstances[p]) return false;
  }
  return !partition.empty() && compute <= 7 && memory <= 8;
}

/// The units make_plan builds from a partition of device 0 (ids in partition order).
std::vector<DeviceView> slices(const std::vector<std::string>& partition) {
  std::vector<DeviceView> units;
  for (std::size_t k = 0; k < partition.size(); ++k) {
    DeviceView u = unit(static_cast<int>(k), "mig", 0);
    u.device = 0;
    u.mig_profile = partition[k];
    const auto p = static_cast<std::size_t>(std::find(kProfiles.begin(), kProfiles.end(), partition[k]) -
                                            kProfiles.begin());
    u.memory_capacity = Bytes{a100_choice(0).profile_memory[p] * 0.8};
    units.push_back(u);
  }
  return units;
}

// Three streams at 10/s: "big" needs 12 GiB (the 3g.20gb is the smallest with room); "latency" has a 20 ms
// SLA, so its predicted latency may be 16 ms (sla_fraction 0.8): 1g takes 20 ms; 2g takes 9 ms plus the
// M/D/1 wait 10 x 0.009^2 / (2 x 0.91) = 0.45 ms -> 2g.10gb; "small" (100 ms SLA) is fine on 1g.5gb
// (20 + 2.5 ms). Largest first: 3g, 2g, 1g: 6 of 7 compute and 7 of 8 memory slices.
struct ThreeStreams {
  std::vector<StreamView> streams{mig_stream(0, 2, 100.0), mig_stream(1, 12, std::nullopt),
                                  mig_stream(2, 2, 20.0)};
  std::vector<std::vector<double>> times{{20, 10, 7, 5, 3}, {40, 20, 5, 4, 2}, {20, 9, 6, 5, 4}};
};

TEST(MigPlanner, GivesEachStreamTheSmallestProfileThatFitsItsMemoryAndSla) {
  ThreeStreams t;
  std::vector<MigChoice> choices{a100_choice(0)};
  set_times(choices, t.times);
  auto p = policy("mig-planner");
  const auto partition = p->partition(t.streams, choices);
  ASSERT_EQ(partition.size(), 1u);
  EXPECT_EQ(partition[0], (std::vector<std::string>{"3g.20gb", "2g.10gb", "1g.5gb"}));
  EXPECT_TRUE(valid(partition[0]));
  // place() puts each stream on its own slice: small -> 1g (unit 2), big -> 3g (unit 0), latency -> 2g (unit
  // 1).
  std::vector<StreamView> with_times = t.streams;
  for (auto& s : with_times) s.isolated_time.assign(3, Seconds{1 * kMs});
  EXPECT_EQ(p->place(with_times, slices(partition[0])), (std::vector<int>{2, 0, 1}));
}

TEST(MigPlanner, QueueingCanCallForALargerSlice) {
  // 50/s with a 20 ms SLA (target 16 ms). On 3g.20gb a request takes 12 ms, which alone would do, but the
  // slice is 60 % busy and the M/D/1 wait is 50 x 0.012^2 / (2 x 0.4) = 9 ms: 21 ms. On 4g.20gb: 10 ms +
  // 50 x 0.01^2 / (2 x 0.5) = 5 ms = 15 ms.
  std::vector<StreamView> streams{stream(0, 0, 2, 50, 0, 0, 0, 0, 20.0)};
  std::vector<MigChoice> choices{a100_choice(0)};
  set_times(choices, {{40, 20, 12, 10, 5}});
  EXPECT_EQ(policy("mig-planner")->partition(streams, choices)[0], (std::vector<std::string>{"4g.20gb"}));
}

TEST(MigPlanner, DerivesTheSliceBudgetWhenTheEngineDoesNotGiveIt) {
  ThreeStreams t;
  std::vector<MigChoice> choices{a100_choice(0, false)};
  set_times(choices, t.times);
  EXPECT_EQ(policy("mig-planner")->partition(t.streams, choices)[0],
            (std::vector<std::string>{"3g.20gb", "2g.10gb", "1g.5gb"}));
}

TEST(MigPlanner, SmallStreamsShareASliceWhenTheBudgetRunsOut) {
  // Eight 1 GiB streams at 10/s x 20 ms = 0.2 each: seven 1g.5gb slices (the instance limit), and the
  // eighth shares the first (0.4 busy, 2 GiB of 3.8; latency 20 ms + 2 x 10 x 0.02^2 / (2 x 0.6) = 26.7 ms,
  // within 0.8 x 100 ms).
  std::vector<StreamView> streams;
  std::vector<std::vector<double>> times;
  for (int i = 0; i < 8; ++i) {
    streams.push_back(mig_stream(i, 1, 100.0));
    times.push_back({20, 10, 7, 5, 3});
  }
  std::vector<MigChoice> choices{a100_choice(0)};
  set_times(choices, times);
  auto p = policy("mig-planner");
  const auto partition = p->partition(streams, choices);
  EXPECT_EQ(partition[0], std::vector<std::string>(7, "1g.5gb"));
  EXPECT_TRUE(valid(partition[0]));
  for (auto& s : streams) s.isolated_time.assign(7, Seconds{20 * kMs});
  EXPECT_EQ(p->place(streams, slices(partition[0])), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 0}));
}

TEST(MigPlanner, IdenticalStreamsSpreadEvenlyOverTheSlices) {
  // Nineteen 0.5 GiB streams at 10/s x 20 ms = 0.2 each on a 1g.5gb: seven 1g.5gb slices (the instance
  // limit); the other twelve join the least loaded slice, so 19 = 7 x 2 + 5 gives five slices 3 streams
  // (0.6 busy, latency 20 ms + 3 x 10 x 0.02^2 / (2 x 0.4) = 35 ms, within 0.8 x 100 ms) and two 2.
  std::vector<StreamView> streams;
  std::vector<std::vector<double>> times;
  for (int i = 0; i < 19; ++i) {
    streams.push_back(mig_stream(i, 0.5, 100.0));
    times.push_back({20, 10, 7, 5, 3});
  }
  std::vector<MigChoice> choices{a100_choice(0)};
  set_times(choices, times);
  auto p = policy("mig-planner");
  const auto partition = p->partition(streams, choices);
  EXPECT_EQ(partition[0], std::vector<std::string>(7, "1g.5gb"));
  for (auto& s : streams) s.isolated_time.assign(7, Seconds{20 * kMs});
  const auto placement = p->place(streams, slices(partition[0]));
  std::vector<int> counts(7, 0);
  for (int u : placement) ++counts.at(static_cast<std::size_t>(u));
  EXPECT_EQ(counts, (std::vector<int>{3, 3, 3, 3, 3, 2, 2}));
}

TEST(MigPlanner, BalancesByLoadNotByCount) {
  // "big" (12 GiB, 5 ms on 3g.20gb at 10/s: 0.05) opens a 3g.20gb; seven 1 GiB streams (20 ms on 1g.5gb:
  // 0.2; 7 ms on 3g.20gb: 0.07) open the four 1g.5gb the budget leaves (7 - 3 compute, 8 - 4 memory
  // slices). The last three join the least loaded slice once added: the 3g.20gb at 0.12, 0.19, 0.26 against
  // 0.4 on a 1g.5gb, so the 3g.20gb ends with four streams and each 1g.5gb with one.
  std::vector<StreamView> streams{mig_stream(0, 12, std::nullopt)};
  std::vector<std::vector<double>> times{{40, 20, 5, 4, 2}};
  for (int i = 1; i <= 7; ++i) {
    streams.push_back(mig_stream(i, 1, 100.0));
    times.push_back({20, 10, 7, 5, 3});
  }
  std::vector<MigChoice> choices{a100_choice(0)};
  set_times(choices, times);
  auto p = policy("mig-planner");
  const auto partition = p->partition(streams, choices);
  EXPECT_EQ(partition[0], (std::vector<std::string>{"3g.20gb", "1g.5gb", "1g.5gb", "1g.5gb", "1g.5gb"}));
  EXPECT_TRUE(valid(partition[0]));
  for (auto& s : streams) s.isolated_time.assign(5, Seconds{1 * kMs});
  EXPECT_EQ(p->place(streams, slices(partition[0])), (std::vector<int>{0, 1, 2, 3, 4, 0, 0, 0}));
}

TEST(MigPlanner, PlansAPinnedStreamOnlyOnItsDevice) {
  // Two A100s left to the policy; stream 0 may run on the second only (make_plan leaves its times on the
  // first empty, as for a workload with `placement: {device: ...}`). Its 1 ms SLA fits no slice (3 ms even
  // on 7g.40gb), so it takes the fallback, the smallest profile that fits its memory: a 1g.5gb, still on
  // the second A100. Stream 1, free, prefers the device already in use, so the first A100 is unused (the
  // whole GPU).
  std::vector<StreamView> streams{mig_stream(0, 1, 1.0), mig_stream(1, 1, 100.0)};
  std::vector<MigChoice> choices{a100_choice(0), a100_choice(1)};
  set_times(choices, {{20, 10, 7, 5, 3}, {20, 10, 7, 5, 3}});
  for (auto& per_profile : choices[0].profile_time) per_profile[0] = std::nullopt;
  const auto partition = policy("mig-planner")->partition(streams, choices);
  EXPECT_EQ(partition[0], (std::vector<std::string>{"7g.40gb"}));
  EXPECT_EQ(partition[1], (std::vector<std::string>{"1g.5gb", "1g.5gb"}));
}

TEST(MigPlanner, FillsADeviceInUseBeforeOpeningAnotherAndGivesAnUnusedOneTheWholeGpu) {
  // Three 12 GiB streams need a 3g.20gb each; an A100 holds two (instance limit 2, memory slices 8).
  std::vector<StreamView> streams;
  std::vector<std::vector<double>> times;
  for (int i = 0; i < 3; ++i) {
    streams.push_back(mig_stream(i, 12, std::nullopt));
    times.push_back({40, 20, 5, 4, 2});
  }
  std::vector<MigChoice> choices{a100_choice(0), a100_choice(1), a100_choice(2)};
  set_times(choices, times);
  const auto partition = policy("mig-planner")->partition(streams, choices);
  ASSERT_EQ(partition.size(), 3u);
  EXPECT_EQ(partition[0], (std::vector<std::string>{"3g.20gb", "3g.20gb"}));
  EXPECT_EQ(partition[1], (std::vector<std::string>{"3g.20gb"}));
  EXPECT_EQ(partition[2], (std::vector<std::string>{"7g.40gb"}));
  for (const auto& p : partition) EXPECT_TRUE(valid(p));
}

TEST(MigPlanner, FallsBackToTheSmallestProfileThatFitsTheMemoryWhenNoneMeetsTheSla) {
  // A 1 ms SLA no slice can meet (3 ms even on 7g.40gb): the 2 GiB stream gets the 1g.5gb.
  std::vector<StreamView> streams{mig_stream(0, 2, 1.0)};
  std::vector<MigChoice> choices{a100_choice(0)};
  set_times(choices, {{20, 10, 7, 5, 3}});
  EXPECT_EQ(policy("mig-planner")->partition(streams, choices)[0], (std::vector<std::string>{"1g.5gb"}));
}

}  // namespace
}  // namespace gpusim::test
