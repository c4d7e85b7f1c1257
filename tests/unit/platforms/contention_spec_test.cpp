// The contention mechanism table: names in report order, switches by name, help text.

#include "platforms/contention_spec.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gpusim {
namespace {

TEST(ContentionSpec, NamesInReportOrder) {
  const std::vector<std::string> expected{"bandwidth",      "l2",   "time_slice", "power",
                                          "thermal",        "pcie", "batching",   "shared_weights",
                                          "launch_overhead", "sm_wait"};
  EXPECT_EQ(mechanism_names(), expected);
  EXPECT_EQ(mechanism_list(),
            "bandwidth, l2, time_slice, power, thermal, pcie, batching, shared_weights, launch_overhead, "
            "sm_wait");
}

TEST(ContentionSpec, WithoutSwitchesOneMechanismOffAndSchedulingOffIsKernelByKernel) {
  ContentionSpec c;
  c.slice = Seconds{4e-3};
  EXPECT_EQ(c.without("").slice.v, 4e-3);
  const ContentionSpec no_pcie = c.without("pcie");
  EXPECT_FALSE(no_pcie.pcie);
  EXPECT_TRUE(no_pcie.time_slice);
  EXPECT_EQ(no_pcie.slice.v, 4e-3);
  // Scheduling off: no switch cost, and a slice shorter than any kernel.
  const ContentionSpec no_slices = c.without("time_slice");
  EXPECT_FALSE(no_slices.time_slice);
  EXPECT_EQ(no_slices.slice.v, 1e-9);
  EXPECT_TRUE(c.time_slice);  // the original is unchanged
  EXPECT_THROW(c.without("warp_drive"), std::invalid_argument);
}

TEST(ContentionSpec, MechanismIdsFollowTheTable) {
  EXPECT_EQ(mechanism_bit("bandwidth"), mechanism_bit(MechanismId::BANDWIDTH));
  EXPECT_EQ(mechanism_bit("l2"), mechanism_bit(MechanismId::L2));
  EXPECT_EQ(mechanism_bit("time_slice"), mechanism_bit(MechanismId::TIME_SLICE));
  EXPECT_EQ(mechanism_bit("power"), mechanism_bit(MechanismId::POWER));
  EXPECT_EQ(mechanism_bit("thermal"), mechanism_bit(MechanismId::THERMAL));
  EXPECT_EQ(mechanism_bit("pcie"), mechanism_bit(MechanismId::PCIE));
  EXPECT_EQ(mechanism_bit("batching"), mechanism_bit(MechanismId::BATCHING));
  EXPECT_EQ(mechanism_bit("shared_weights"), mechanism_bit(MechanismId::SHARED_WEIGHTS));
  EXPECT_EQ(mechanism_bit("launch_overhead"), mechanism_bit(MechanismId::LAUNCH_OVERHEAD));
  EXPECT_EQ(mechanism_bit("sm_wait"), mechanism_bit(MechanismId::SM_WAIT));
  EXPECT_EQ(mechanism_bit("warp_drive"), 0u);
  EXPECT_EQ(mechanism_bit(MechanismId::SM_WAIT), 1u << 9);
}

TEST(ContentionSpec, EachNameSwitchesItsOwnFlag) {
  for (const auto& m : mechanisms()) {
    ContentionSpec c;
    ASSERT_TRUE(c.enabled(m.name)) << m.name;  // all on by default
    ASSERT_TRUE(c.set(m.name, false));
    EXPECT_FALSE(c.*(m.flag)) << m.name;
    for (const auto& other : mechanisms()) {
      if (&other == &m) continue;
      EXPECT_TRUE(c.enabled(other.name)) << m.name << " switched " << other.name;
    }
  }
  ContentionSpec c;
  c.set("l2", false);
  EXPECT_FALSE(c.l2);
  c.set("pcie", false);
  EXPECT_FALSE(c.pcie);
}

TEST(ContentionSpec, UnknownNames) {
  ContentionSpec c;
  EXPECT_FALSE(c.set("roofline", false));
  EXPECT_FALSE(c.enabled("roofline"));
}

TEST(ContentionSpec, HelpHasOneAlignedLinePerMechanism) {
  const std::string help = mechanism_help();
  EXPECT_NE(help.find("  bandwidth        co-running kernels share the memory bus"), std::string::npos)
      << help;
  EXPECT_NE(help.find("  launch_overhead  a fixed cost before each kernel\n"), std::string::npos) << help;
  std::size_t lines = 0;
  for (char ch : help) lines += ch == '\n';
  EXPECT_EQ(lines, mechanisms().size());
}

}  // namespace
}  // namespace gpusim
