// The contention mechanism table: names in report order, switches by name, help text.

#include "platforms/contention_spec.hpp"

#include <gtest/gtest.h>

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
