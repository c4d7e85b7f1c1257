// The up-front estimate of a scenario's work and the limits check. Expected counts are hand-computed from
// the definitions: periodic and Poisson streams arrive rate x duration times on average, a trace its times
// before the end of the window, each request runs every kernel of every stage once.

#include "sim/work_estimate.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/errors.hpp"

namespace gpusim {
namespace {

StreamSpec stream(int count, double rate, int stages, int kernels_per_stage) {
  StreamSpec s;
  s.name = "w";
  s.count = count;
  s.arrival.kind = ArrivalKind::PERIODIC;
  s.arrival.rate = PerSecond{rate};
  for (int i = 0; i < stages; ++i) {
    StageSpec st;
    st.kernels.resize(static_cast<std::size_t>(kernels_per_stage));
    s.stages.push_back(st);
  }
  return s;
}

Scenario scenario(int devices, double duration, double drain) {
  Scenario sc;
  sc.platform.devices.resize(static_cast<std::size_t>(devices));
  sc.workloads.run.duration = Seconds{duration};
  sc.workloads.run.drain = Seconds{drain};
  return sc;
}

TEST(WorkEstimate, TwoPeriodicStreamsAtTenPerSecondForTenSeconds) {
  Scenario sc = scenario(1, 10, 0);
  sc.workloads.streams.push_back(stream(2, 10, 1, 3));
  const WorkEstimate e = estimate_work(sc);
  EXPECT_DOUBLE_EQ(e.streams, 2);
  EXPECT_DOUBLE_EQ(e.units, 1);
  EXPECT_DOUBLE_EQ(e.requests, 200);  // 2 x 10/s x 10 s
  EXPECT_DOUBLE_EQ(e.kernels, 600);   // 3 kernels each
  EXPECT_DOUBLE_EQ(e.stage_runs, 0);  // one stage: no stage records
  EXPECT_DOUBLE_EQ(e.ticks, 1000);    // 10 s / 10 ms, one device
  EXPECT_DOUBLE_EQ(e.samples, 100);   // 10 s / 0.1 s, one device
  EXPECT_DOUBLE_EQ(e.events, 200 + 2 * 600 + 1000);
  EXPECT_DOUBLE_EQ(e.view_bytes, 1 * 1 * 32.0);  // optional<Seconds> + 2 Seconds per workload and unit
}

TEST(WorkEstimate, DrainAddsSamplesButNoArrivals) {
  Scenario sc = scenario(2, 10, 10);
  sc.workloads.streams.push_back(stream(1, 5, 1, 1));
  const WorkEstimate e = estimate_work(sc);
  EXPECT_DOUBLE_EQ(e.requests, 50);
  EXPECT_DOUBLE_EQ(e.samples, 400);  // 20 s / 0.1 s x 2 devices
}

TEST(WorkEstimate, PipelinesRecordEveryStage) {
  Scenario sc = scenario(1, 4, 0);
  sc.workloads.streams.push_back(stream(3, 2.5, 2, 4));
  const WorkEstimate e = estimate_work(sc);
  EXPECT_DOUBLE_EQ(e.requests, 30);    // 3 x 2.5/s x 4 s
  EXPECT_DOUBLE_EQ(e.stage_runs, 60);  // 2 stages
  EXPECT_DOUBLE_EQ(e.kernels, 240);    // 8 kernels per request
}

TEST(WorkEstimate, TraceCountsTimesBeforeTheEnd) {
  Scenario sc = scenario(1, 10, 5);
  StreamSpec s = stream(4, 0, 1, 1);
  s.arrival.kind = ArrivalKind::TRACE;
  s.arrival.trace = {Seconds{0.5}, Seconds{9.5}, Seconds{10}, Seconds{12}};
  sc.workloads.streams.push_back(s);
  EXPECT_DOUBLE_EQ(estimate_work(sc).requests, 8);  // 2 times before 10 s, 4 instances
}

TEST(WorkEstimate, UnitsOfMigDevices) {
  Scenario sc = scenario(3, 1, 0);
  sc.platform.devices[0].mig_partition = {"3g.20gb", "2g.10gb", "1g.5gb"};
  sc.platform.devices[1].mig_auto = true;
  sc.workloads.streams.push_back(stream(10, 1, 1, 1));
  const WorkEstimate e = estimate_work(sc);
  EXPECT_DOUBLE_EQ(e.units, 3 + 7 + 1);
  EXPECT_DOUBLE_EQ(e.view_bytes, 1 * 11 * 32.0);  // one workload's times, shared by its 10 instances
}

TEST(WorkEstimate, PlatformMemoryGrowsWithUnitsNotTheirSquare) {
  Scenario sc = scenario(1000, 1, 0);
  sc.platform.nodes.resize(125);
  sc.workloads.streams.push_back(stream(10000, 1, 1, 1));
  EXPECT_DOUBLE_EQ(estimate_work(sc).platform_bytes, 1000 * 64.0 * 1024);  // 64 KiB per unit
}

TEST(WorkEstimate, MillionStreamsAtAMillionPerSecondAreHuge) {
  Scenario sc = scenario(1, 1e6, 0);
  sc.workloads.streams.push_back(stream(1, 1e6, 1, 1));
  const WorkEstimate e = estimate_work(sc);
  EXPECT_DOUBLE_EQ(e.requests, 1e12);
  EXPECT_GT(e.memory_bytes(), 1e13);
}

TEST(WorkLimits, HostTimeGuardAndAllowLarge) {
  WorkEstimate e;
  e.streams = 1;
  e.units = 1;
  e.requests = 1000;
  e.kernels = 1e12;
  WorkLimits l;
  l.max_memory_bytes = 1e9;
  l.memory_origin = "test";
  try {
    check_work(e, 1e6, 5 * 86400.0, l, "this run");
    FAIL() << "not refused";
  } catch (const ConfigError& err) {
    EXPECT_EQ(
        std::string(err.what()),
        "error: this run would take about 5.0 days of host time (1 stream on 1 unit, about 1,000 requests: "
        "about 1,000,000,000,000 kernels), more than the 24 hours allowed; run it anyway with --allow-large, "
        "or shorten the run");
  }
  l.allow_large = true;
  EXPECT_NO_THROW(check_work(e, 1e6, 5 * 86400.0, l, "this run"));
}

TEST(WorkLimits, MemoryGuardNamesTheLargestParts) {
  WorkEstimate e;
  e.streams = 1e6;
  e.units = 1;
  e.requests = 2e6;
  e.base_bytes = 1024;
  e.view_bytes = 3.0 * 1024 * 1024 * 1024;
  e.record_bytes = 1.5 * 1024 * 1024 * 1024;
  WorkLimits l;
  l.max_memory_bytes = 1024.0 * 1024 * 1024;
  l.memory_origin = "--max-memory 1GiB";
  l.allow_large = true;  // does not lift the memory limit
  try {
    check_work(e, l, "this run");
    FAIL() << "not refused";
  } catch (const ConfigError& err) {
    EXPECT_EQ(std::string(err.what()),
              "error: this run needs about 4.5 GiB of memory (1,000,000 streams on 1 unit, about 2,000,000 "
              "requests: 3.0 GiB of plan views, 1.5 GiB of request records), more than the 1.0 GiB allowed "
              "(--max-memory 1GiB); raise it with --max-memory, or shorten the run");
  }
}

TEST(WorkLimits, MaxMemoryIsASize) {
  EXPECT_DOUBLE_EQ(work_limits(std::string("1MiB"), false).max_memory_bytes, 1024.0 * 1024);
  EXPECT_EQ(work_limits(std::string("1MiB"), false).memory_origin, "--max-memory 1MiB");
  EXPECT_GT(work_limits(std::nullopt, false).max_memory_bytes, 0);
  EXPECT_THROW(work_limits(std::string("12"), false), ConfigError);
  EXPECT_THROW(work_limits(std::string("0GiB"), false), ConfigError);
}

TEST(WorkLimits, Formatting) {
  EXPECT_EQ(format_bytes(640), "640 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(24.0 * 1024 * 1024 * 1024), "24.0 GiB");
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(1234567.4), "1,234,567");
}

}  // namespace
}  // namespace gpusim
