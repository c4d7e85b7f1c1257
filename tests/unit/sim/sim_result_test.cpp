// The records a simulating child sends to its parent: every field survives the round trip, and a
// truncated or corrupt message is refused (never read past its end, never a huge allocation).

#include "sim/sim_result.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <stdexcept>

namespace gpusim::test {
namespace {

SimResult sample_result() {
  SimResult r;
  r.requests = {{0, RequestStatus::COMPLETED, 0.5, 0.51, 0.533}, {3, RequestStatus::DROPPED, 1.25, -1, -1},
                {7, RequestStatus::UNFINISHED, 9.75, 9.8, -1}};
  r.stages = {{0, 2, 4, 0.51, 0.52}};
  r.devices = {{1.5, 0.25, 2.0, 1000, 12}, {0, 0, 0, 0, 0}};
  r.power = {{700.0, 900.0, 250.0, 71.5, 1.2e9}};
  r.samples = {{0, 0.1, 120.0, 40.0, 1.41e9, 0.5, 0.25}, {0, 0.2, 130.0, 41.0, 1.395e9, 0.6, 0.3}};
  r.end_time = 12.5;
  r.kernels = 123456789012ULL;
  r.wall_seconds = 0.75;
  r.peak_rss_kib = 16384;
  return r;
}

TEST(SimResultWire, EveryFieldSurvivesTheRoundTrip) {
  const SimResult a = sample_result();
  const SimResult b = deserialize(serialize(a));
  ASSERT_EQ(b.requests.size(), 3u);
  EXPECT_EQ(b.requests[1].stream, 3u);
  EXPECT_EQ(b.requests[1].status, RequestStatus::DROPPED);
  EXPECT_EQ(b.requests[0].finish, 0.533);
  EXPECT_EQ(b.requests[2].status, RequestStatus::UNFINISHED);
  ASSERT_EQ(b.stages.size(), 1u);
  EXPECT_EQ(b.stages[0].stage, 2);
  EXPECT_EQ(b.stages[0].batch, 4);
  ASSERT_EQ(b.devices.size(), 2u);
  EXPECT_EQ(b.devices[0].occupied, 2.0);
  EXPECT_EQ(b.devices[0].switches, 12u);
  ASSERT_EQ(b.power.size(), 1u);
  EXPECT_EQ(b.power[0].min_clock_hz, 1.2e9);
  ASSERT_EQ(b.samples.size(), 2u);
  EXPECT_EQ(b.samples[1].clock_hz, 1.395e9);
  EXPECT_EQ(b.end_time, 12.5);
  EXPECT_EQ(b.kernels, 123456789012ULL);
  EXPECT_EQ(b.wall_seconds, 0.75);
  EXPECT_EQ(b.peak_rss_kib, 16384);
}

TEST(SimResultWire, AnEmptyResultRoundTrips) {
  const SimResult b = deserialize(serialize(SimResult{}));
  EXPECT_TRUE(b.requests.empty());
  EXPECT_TRUE(b.samples.empty());
  EXPECT_EQ(b.kernels, 0u);
}

TEST(SimResultWire, EveryTruncationIsRefused) {
  const std::string bytes = serialize(sample_result());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THROW(deserialize(bytes.substr(0, n)), std::runtime_error) << "kept " << n << " bytes";
  }
}

TEST(SimResultWire, AHugeCountIsRefusedWithoutAllocating) {
  std::string bytes = serialize(sample_result());
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() / 2;
  std::memcpy(bytes.data(), &huge, sizeof huge);  // the request count comes first
  EXPECT_THROW(deserialize(bytes), std::runtime_error);
}

}  // namespace
}  // namespace gpusim::test

namespace gpusim::test {

TEST(SimResultOrder, RequestsSortByArrivalThenStreamAndStagesFollowThem) {
  SimResult r;
  r.requests = {RequestRecord{2, RequestStatus::COMPLETED, 0.5, 0.5, 0.7},
                RequestRecord{1, RequestStatus::COMPLETED, 0.5, 0.6, 0.8},
                RequestRecord{0, RequestStatus::DROPPED, 0.1, -1, -1}};
  r.stages = {StageRecord{0, 1, 1, 0.6, 0.7}, StageRecord{0, 0, 1, 0.5, 0.6}, StageRecord{1, 0, 1, 0.6, 0.8}};
  r.samples = {Sample{1, 0.2, 10}, Sample{0, 0.2, 20}, Sample{0, 0.1, 30}};
  canonical_order(r);
  ASSERT_EQ(r.requests.size(), 3U);
  EXPECT_EQ(r.requests[0].stream, 0U);  // arrived first
  EXPECT_EQ(r.requests[1].stream, 1U);  // same arrival as stream 2: lower stream first
  EXPECT_EQ(r.requests[2].stream, 2U);
  // Old request 0 (stream 2) is now 2, old 1 (stream 1) now 1; by request, then stage.
  ASSERT_EQ(r.stages.size(), 3U);
  EXPECT_EQ(r.stages[0].request, 1U);
  EXPECT_EQ(r.stages[1].request, 2U);
  EXPECT_EQ(r.stages[1].stage, 0);
  EXPECT_EQ(r.stages[2].request, 2U);
  EXPECT_EQ(r.stages[2].stage, 1);
  EXPECT_EQ(r.samples[0].power_w, 30);  // t = 0.1
  EXPECT_EQ(r.samples[1].power_w, 20);  // t = 0.2, device 0
  EXPECT_EQ(r.samples[2].power_w, 10);  // t = 0.2, device 1
}

TEST(SimResultOrder, PartitionsMergeWithTheirOwnersRecords) {
  SimResult a, b;
  a.requests = {RequestRecord{0, RequestStatus::COMPLETED, 0.2, 0.2, 0.3}};
  a.stages = {StageRecord{0, 0, 1, 0.2, 0.3}};
  b.requests = {RequestRecord{1, RequestStatus::COMPLETED, 0.1, 0.1, 0.4}};
  b.stages = {StageRecord{0, 0, 1, 0.1, 0.4}};
  a.devices = {DeviceRecord{0.5, 0, 0, 3, 0}};  // a simulated unit 0 of device 0
  b.devices = {DeviceRecord{0.25, 0, 0, 5, 1}, DeviceRecord{0.75, 0, 0, 7, 2}};  // b units 1, 2 of device 1
  a.power = {PowerRecord{1, 2, 3, 4, 5}};
  b.power = {PowerRecord{6, 7, 8, 9, 10}};
  a.kernels = 3;
  b.kernels = 5;
  a.end_time = 0.3;
  b.end_time = 0.4;
  a.peak_rss_kib = 100;
  b.peak_rss_kib = 50;
  const SimResult m = merge_partitions({a, b}, {{0}, {1, 2}}, {{0}, {1}});
  ASSERT_EQ(m.requests.size(), 2U);
  EXPECT_EQ(m.requests[0].stream, 1U);  // arrived first
  ASSERT_EQ(m.stages.size(), 2U);
  EXPECT_EQ(m.stages[0].request, 0U);
  EXPECT_EQ(m.stages[0].finish, 0.4);  // b's stage follows b's request to index 0
  EXPECT_EQ(m.stages[1].request, 1U);
  EXPECT_EQ(m.stages[1].finish, 0.3);
  EXPECT_EQ(m.devices[0].kernels, 3U);
  EXPECT_EQ(m.devices[1].kernels, 5U);
  EXPECT_EQ(m.devices[2].kernels, 7U);
  EXPECT_EQ(m.power[0].energy_j, 1);
  EXPECT_EQ(m.power[1].energy_j, 6);
  EXPECT_EQ(m.kernels, 8U);
  EXPECT_EQ(m.end_time, 0.4);
  EXPECT_EQ(m.peak_rss_kib, 100);
  EXPECT_THROW(merge_partitions({a, b}, {{0}, {1}}, {{0}, {1}}), std::runtime_error);  // b has 2 units
}

}  // namespace gpusim::test
