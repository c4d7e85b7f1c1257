// Catalog entries against numbers known independently: peaks derived from units x clock x ops per clock,
// and datasheet figures written out here with their source.

#include <gtest/gtest.h>

#include <set>

#include "platforms/catalog.hpp"

using namespace gpusim;

namespace {

const Catalog& catalog() {
  static const Catalog c = Catalog::load(GPUSIM_CATALOG_DIR);
  return c;
}

const DeviceSpec& dev(const std::string& name) {
  const DeviceSpec* d = catalog().find(name);
  if (!d) throw std::runtime_error("missing catalog entry " + name);
  return *d;
}

}  // namespace

TEST(Catalog, HoldsTheDevicesTheProjectPromises) {
  for (const char* name : {"T4", "A10", "L4", "V100-SXM2-16GB", "A100-PCIe-40GB", "A100-SXM4-80GB", "H100-SXM",
                           "H100-PCIe", "H200", "P100", "RTX-3090", "RTX-4090", "GTX-1080-Ti", "Jetson-AGX-Orin"}) {
    EXPECT_NE(catalog().find(name), nullptr) << name;
  }
}

TEST(Catalog, A100PeaksFromUnitsTimesClock) {
  // NVIDIA A100 whitepaper: 6912 FP32 cores x 1.41 GHz x 2 = 19.5 TFLOPS; 108 SMs x 1024 dense FP16
  // FMA per clock x 1.41 GHz x 2 = 312 TFLOPS.
  const DeviceSpec& a = dev("A100-PCIe-40GB");
  EXPECT_NEAR(6912 * 1.41e9 * 2, a.peak(Precision::FP32)->v, 0.01 * 19.5e12);
  EXPECT_NEAR(108 * 1024 * 1.41e9 * 2, a.peak(Precision::FP16)->v, 0.01 * 312e12);
  EXPECT_DOUBLE_EQ(a.peak(Precision::FP32)->v, 19.5e12);  // datasheet
  EXPECT_DOUBLE_EQ(a.peak(Precision::FP16)->v, 312e12);   // datasheet, dense
  EXPECT_DOUBLE_EQ(a.memory_bandwidth.v, 1555e9);         // datasheet
  EXPECT_DOUBLE_EQ(a.l2_cache.v, 40.0 * 1024 * 1024);     // whitepaper: 40 MB L2
}

TEST(Catalog, DatasheetFiguresOfOtherDevices) {
  // NVIDIA T4 datasheet: 8.1 TFLOPS FP32, 65 TFLOPS FP16 (mixed), 130 TOPS INT8, 320 GB/s, 70 W.
  EXPECT_DOUBLE_EQ(dev("T4").peak(Precision::FP32)->v, 8.1e12);
  EXPECT_DOUBLE_EQ(dev("T4").peak(Precision::FP16)->v, 65e12);
  EXPECT_DOUBLE_EQ(dev("T4").peak(Precision::INT8)->v, 130e12);
  EXPECT_DOUBLE_EQ(dev("T4").memory_bandwidth.v, 320e9);
  EXPECT_DOUBLE_EQ(dev("T4").tdp.v, 70.0);
  EXPECT_FALSE(dev("T4").peak(Precision::BF16).has_value());  // Turing has no BF16
  // NVIDIA H100 SXM datasheet: 66.9 TFLOPS FP32, 3.35 TB/s, 700 W; H200: 4.8 TB/s.
  EXPECT_NEAR(dev("H100-SXM").peak(Precision::FP32)->v, 66.9e12, 0.1e12);
  EXPECT_DOUBLE_EQ(dev("H100-SXM").memory_bandwidth.v, 3350e9);
  EXPECT_DOUBLE_EQ(dev("H100-SXM").tdp.v, 700.0);
  EXPECT_DOUBLE_EQ(dev("H200").memory_bandwidth.v, 4800e9);
  // GTX 1080 Ti: 3584 cores x 1.582 GHz x 2 = 11.34 TFLOPS, 484 GB/s.
  EXPECT_NEAR(dev("GTX-1080-Ti").peak(Precision::FP32)->v, 3584 * 1.582e9 * 2, 0.02e12);
  EXPECT_DOUBLE_EQ(dev("GTX-1080-Ti").memory_bandwidth.v, 484e9);
}

TEST(Catalog, EveryFp32PeakMatchesSmsTimesLanesTimesClock) {
  for (const auto& d : catalog().devices()) {
    const double derived = d.sm_count * d.fp32_lanes_per_sm * 2.0 * d.boost_clock.v;
    EXPECT_NEAR(derived / d.peak(Precision::FP32)->v, 1.0, 0.03) << d.name;
  }
}

// The launch gap is GPU-side work counted in cycles (docs/contention.md, "Launch overhead"): 7050 cycles at
// each entry's boost clock, the 5 us of the A100's 1410 MHz; the YAML rounds to 0.01 us (T4 at 1590 MHz:
// 4.434 us -> 4.43 us).
TEST(Catalog, EveryLaunchGapIs7050CyclesAtBoost) {
  EXPECT_DOUBLE_EQ(dev("A100-PCIe-40GB").launch_overhead.v, 5e-6);
  EXPECT_DOUBLE_EQ(dev("T4").launch_overhead.v, 4.43e-6);
  for (const auto& d : catalog().devices()) {
    EXPECT_NEAR(d.launch_overhead.v * d.boost_clock.v, 7050.0, 0.005e-6 * d.boost_clock.v) << d.name;
  }
}

TEST(Catalog, EveryTensorPeakMatchesSmsTimesMacsTimesClock) {
  for (const auto& d : catalog().devices()) {
    for (const auto& [p, macs] : d.tensor_macs_per_sm_per_clock) {
      ASSERT_TRUE(d.peak(p).has_value()) << d.name << " " << to_string(p);
      const double derived = d.sm_count * macs * 2.0 * d.boost_clock.v;
      EXPECT_NEAR(derived / d.peak(p)->v, 1.0, 0.03) << d.name << " " << to_string(p);
    }
  }
}

TEST(Catalog, EveryEntryIsPhysicallyPlausibleAndSourced) {
  for (const auto& d : catalog().devices()) {
    EXPECT_FALSE(d.sources.empty()) << d.name;
    EXPECT_LT(d.idle_power, d.tdp) << d.name;
    EXPECT_GT(d.compute_efficiency, 0.0) << d.name;
    EXPECT_LE(d.compute_efficiency, 1.0) << d.name;
    EXPECT_GT(d.memory_efficiency, 0.0) << d.name;
    EXPECT_LE(d.memory_efficiency, 1.0) << d.name;
    for (const auto& m : d.mig_profiles) {
      EXPECT_LE(m.sm_count, d.sm_count) << d.name << " " << m.name;
      EXPECT_LE(m.memory, d.memory) << d.name << " " << m.name;
    }
  }
}

TEST(Catalog, A100MigProfilesFollowTheUserGuide) {
  // NVIDIA MIG user guide, A100-40GB: 1g.5gb (7 instances, 14 SMs) ... 7g.40gb (1 instance, 98 SMs).
  const DeviceSpec& a = dev("A100-PCIe-40GB");
  ASSERT_NE(a.mig_profile("1g.5gb"), nullptr);
  EXPECT_EQ(a.mig_profile("1g.5gb")->max_instances, 7);
  EXPECT_EQ(a.mig_profile("1g.5gb")->sm_count, 14);
  ASSERT_NE(a.mig_profile("7g.40gb"), nullptr);
  EXPECT_EQ(a.mig_profile("7g.40gb")->sm_count, 98);
  EXPECT_TRUE(dev("T4").mig_profiles.empty());
}
