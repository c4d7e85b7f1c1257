// Devices simulated apart (sim/partition.hpp) give the single engine's results: the same requests in the
// same order, the same kernels and switches, and times that agree up to the rounding of SimGrid's
// remaining-work updates.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "scenario_builder.hpp"
#include "sim/partition.hpp"
#include "tests/support/command.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

// Equal, or within `rel` of each other (relative to the larger magnitude, at least 1e-300).
void expect_close(double a, double b, const char* what, std::size_t i, double rel = 1e-9) {
  EXPECT_LE(std::abs(a - b), rel * std::max({std::abs(a), std::abs(b), 1e-300})) << what << " #" << i;
}

// 12 A100s, half time-sliced and half MPS, three Poisson streams each with host copies; the clock
// throttles under a power cap, so the controller's steps matter too.
Scenario twelve_devices() {
  Scenario sc;
  DeviceSpec spec = a100(0.7, 0.9, 5e-6);
  for (int d = 0; d < 12; ++d) {
    DeviceInstance dev = device(spec, d % 2 ? SharingMode::MPS : SharingMode::TIME_SLICE, "gpu" + std::to_string(d));
    if (d % 3 == 0) dev.power_cap = Watts{150};
    sc.platform.devices.push_back(dev);
  }
  sc.workloads.run.duration = Seconds{0.5};
  sc.workloads.run.seed = 7;
  for (int s = 0; s < 3; ++s) {
    StreamSpec st = stream("s" + std::to_string(s), 2e11 * (s + 1), 2e8, 4, poisson(60.0 + 20 * s));
    st.stages.front().input_bytes = Bytes{4e6};
    st.stages.front().output_bytes = Bytes{1e5};
    st.count = 12;
    sc.workloads.streams.push_back(st);
  }
  return sc;
}

}  // namespace

TEST(Partition, DevicesAreSplitIntoEvenContiguousGroups) {
  const auto groups = partition_devices(20, 200, false, {true, 8, 10});
  ASSERT_EQ(groups.size(), 3U);  // ceil(20 / 8)
  EXPECT_EQ(groups[0], (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(groups[1], (std::vector<int>{7, 8, 9, 10, 11, 12, 13}));
  EXPECT_EQ(groups[2], (std::vector<int>{14, 15, 16, 17, 18, 19}));
  EXPECT_EQ(partition_devices(8, 200, false, {true, 8, 10}).size(), 1U);
  EXPECT_EQ(partition_devices(20, 200, false, {false}).size(), 1U);
  EXPECT_EQ(partition_devices(9, 200, false, {true, 8, 10}).size(), 2U);
  EXPECT_EQ(partition_devices(1000, 10000, true, {true, 8, 10}).size(), 1U);  // a per-request policy keeps one engine
  EXPECT_EQ(partition_devices(1000, 10000, true, {true, 8, 10}).front().size(), 1000U);
  EXPECT_EQ(partition_devices(1000, 10000, false).size(), 32U);   // ceil(1,000 / 32)
  EXPECT_EQ(partition_devices(10000, 1, false).size(), 1U);      // one stream: nothing to spread
  EXPECT_EQ(partition_devices(10000, 400, false).size(), 5U);    // 400 / 80
}

TEST(Partition, SplitRunEqualsTheSingleEngine) {
  const Scenario sc = twelve_devices();
  PlanBuilder b(sc, "test");
  b.add_all_devices();
  const std::vector<StreamInstance> streams = expand_streams(sc.workloads);
  for (std::size_t i = 0; i < streams.size(); ++i) b.place(streams[i], static_cast<int>(i % 12));
  const Plan plan = b.build();
  SimJob one{&sc, &plan, nullptr, nullptr, PartitionRule{false}};
  SimJob split{&sc, &plan, nullptr, nullptr, PartitionRule{true, 8, 1}};
  ASSERT_EQ(partition_devices(12, 36, false).size(), 1U);  // too few streams to split by default...
  ASSERT_EQ(partition_devices(12, 36, false, {true, 8, 1}).size(), 2U);
  const std::vector<SimResult> r = simulate_all({one, split}, 2);
  const SimResult& a = r[0];
  const SimResult& p = r[1];
  ASSERT_GT(a.requests.size(), 500U);  // 36 streams x ~80/s x 0.5 s
  ASSERT_EQ(a.requests.size(), p.requests.size());
  EXPECT_EQ(a.kernels, p.kernels);
  std::size_t completed = 0;
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    EXPECT_EQ(a.requests[i].stream, p.requests[i].stream) << i;
    EXPECT_EQ(a.requests[i].status, p.requests[i].status) << i;
    EXPECT_EQ(a.requests[i].arrival, p.requests[i].arrival) << i;  // drawn per stream: exact
    expect_close(a.requests[i].start, p.requests[i].start, "start", i);
    expect_close(a.requests[i].finish, p.requests[i].finish, "finish", i);
    completed += a.requests[i].status == RequestStatus::COMPLETED;
  }
  EXPECT_GT(completed, a.requests.size() / 2);
  ASSERT_EQ(a.devices.size(), p.devices.size());
  for (std::size_t u = 0; u < a.devices.size(); ++u) {
    EXPECT_EQ(a.devices[u].kernels, p.devices[u].kernels) << u;
    EXPECT_EQ(a.devices[u].switches, p.devices[u].switches) << u;
    expect_close(a.devices[u].compute_busy, p.devices[u].compute_busy, "compute_busy", u);
    expect_close(a.devices[u].bandwidth_busy, p.devices[u].bandwidth_busy, "bandwidth_busy", u);
    expect_close(a.devices[u].occupied, p.devices[u].occupied, "occupied", u);
  }
  ASSERT_EQ(a.power.size(), p.power.size());
  for (std::size_t d = 0; d < a.power.size(); ++d) {
    expect_close(a.power[d].energy_j, p.power[d].energy_j, "energy_j", d);
    expect_close(a.power[d].energy_total_j, p.power[d].energy_total_j, "energy_total_j", d);
    expect_close(a.power[d].peak_power_w, p.power[d].peak_power_w, "peak_power_w", d);
    EXPECT_EQ(a.power[d].min_clock_hz, p.power[d].min_clock_hz) << d;
  }
  ASSERT_EQ(a.samples.size(), p.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    EXPECT_EQ(a.samples[i].device, p.samples[i].device) << i;
    EXPECT_EQ(a.samples[i].time, p.samples[i].time) << i;
    expect_close(a.samples[i].power_w, p.samples[i].power_w, "sample power", i);
  }
  expect_close(a.end_time, p.end_time, "end_time", 0);
}

using gpusim::test::slurp;

// What a user sees: `gpusim run` of 24 devices (3 partitions of 8) prints the same table and writes the
// same JSON and CSV files as the same run in one engine (GPUSIM_PARTITIONS=off).
TEST(Partition, RunOutputIsIdenticalToOneEngine) {
  const auto dir = std::filesystem::temp_directory_path() / ("gpusim_partition_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "platform.yaml") << "nodes:\n  - name: n0\n    devices:\n      - name: gpu\n"
                                          "        type: A100-PCIe-40GB\n        count: 24\n";
  std::ofstream(dir / "workloads.yaml")
      << "run: {duration: 0.5s, warmup: 0.1s, seed: 3}\nworkloads:\n  - name: cam\n    count: 240\n"
         "    arrival: {kind: poisson, rate: 30/s}\n    sla: 50ms\n    precision: fp16\n"
         "    model: {flops: 20Gf, bytes: 400MB, weights: 100MB, activations: 100MB, kernels: 10}\n";
  auto run = [&](const std::string& env, const std::string& tag) {
    const std::string cmd = env + " " + std::string(GPUSIM_BINARY) + " -q run " + (dir / "platform.yaml").string() +
                            " " + (dir / "workloads.yaml").string() + " --additivity off --json " +
                            (dir / (tag + ".json")).string() + " --csv " + (dir / tag).string() + " > " +
                            (dir / (tag + ".txt")).string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  };
  run("GPUSIM_PARTITIONS=auto", "split");
  run("GPUSIM_PARTITIONS=off", "one");
  const std::string table = slurp(dir / "split.txt");
  EXPECT_NE(table.find("gpu23"), std::string::npos);
  EXPECT_EQ(table, slurp(dir / "one.txt"));
  EXPECT_EQ(slurp(dir / "split.json"), slurp(dir / "one.json"));
  for (const auto& f : std::filesystem::directory_iterator(dir / "one")) {
    EXPECT_EQ(slurp(dir / "split" / f.path().filename()), slurp(f.path())) << f.path().filename();
  }
  std::filesystem::remove_all(dir);
}
