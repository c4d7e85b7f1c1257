// Engine tests against hand-computed values. The A100-PCIe-40GB datasheet gives 19.5 TFLOP/s FP32 and
// 1555 GB/s; each test fixes the efficiencies, so expected times follow from those two numbers alone.

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "analysis/metrics.hpp"
#include "sim/arrivals.hpp"
#include "scenario_builder.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

constexpr double kPeakFp32 = 19.5e12;  // A100 datasheet, FP32
constexpr double kBandwidth = 1555e9;  // A100 40GB datasheet

Scenario one_device(SharingMode mode, double ce, double me, double overhead) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(ce, me, overhead), mode));
  sc.workloads.run.duration = Seconds{10.0};
  sc.workloads.run.drain = Seconds{10.0};
  return sc;
}

double latency(const RequestRecord& r) { return r.finish - r.arrival; }

}  // namespace

TEST(Engine, ComputeBoundKernelTakesFlopsOverPeakTimesEfficiency) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  // 13.65 GFLOP at 19.5 TFLOP/s x 0.7 = 13.65 TFLOP/s -> 1 ms; 1 MB at 1399.5 GB/s -> 0.71 us.
  sc.workloads.streams.push_back(stream("c", 13.65e9, 1e6, 1, at_times({0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 1u);
  ASSERT_EQ(r.requests[0].status, RequestStatus::COMPLETED);
  EXPECT_NEAR(latency(r.requests[0]), 13.65e9 / (kPeakFp32 * 0.7), 1e-9);
  EXPECT_NEAR(latency(r.requests[0]), 1e-3, 1e-9);
}

TEST(Engine, EachDeviceRunsAtItsOwnSpeedScale) {
  // Two A100s in one simulation, the second at 0.25 of its speed (the additivity study's searches run
  // devices at different scales side by side): 13.65 GFLOP takes 1 ms on the first, 4 ms on the second;
  // 1.3995 GB (and 1 GFLOP, 73 us of compute) takes 1 ms of bandwidth on the first, 4 ms on the second.
  for (const bool compute : {true, false}) {
    Scenario sc;
    for (int d = 0; d < 2; ++d) {
      sc.platform.devices.push_back(device(a100(0.7, 0.9, 0.0), SharingMode::TIME_SLICE, "gpu" + std::to_string(d)));
    }
    sc.workloads.run.duration = Seconds{1.0};
    sc.workloads.run.drain = Seconds{1.0};
    sc.workloads.streams.push_back(stream("k", compute ? 13.65e9 : 1e9, compute ? 1e6 : 1.3995e9, 1, at_times({0.5})));
    sc.workloads.streams.back().count = 2;
    PlanBuilder b(sc, "test");
    b.add_all_devices();
    const std::vector<StreamInstance> streams = expand_streams(sc.workloads);
    for (std::size_t i = 0; i < streams.size(); ++i) b.place(streams[i], static_cast<int>(i));
    b.speed_scale(1, 0.25);
    const Plan plan = b.build();
    const SimResult r = run_simulation(sc, plan);
    ASSERT_EQ(r.requests.size(), 2u);
    for (const auto& q : r.requests) {
      const int unit = plan.placements()[q.stream].unit;
      EXPECT_NEAR(latency(q), unit == 0 ? 1e-3 : 4e-3, 1e-9) << "unit " << unit << (compute ? ", compute" : ", memory");
    }
  }
}

TEST(Engine, MemoryBoundKernelTakesBytesOverBandwidthTimesEfficiency) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  // 1.3995 GB at 1555 GB/s x 0.9 = 1399.5 GB/s -> 1 ms; 1 GFLOP of compute would take 73 us.
  sc.workloads.streams.push_back(stream("m", 1e9, 1.3995e9, 1, at_times({0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_NEAR(latency(r.requests[0]), 1.3995e9 / (kBandwidth * 0.9), 1e-9);
  EXPECT_NEAR(latency(r.requests[0]), 1e-3, 1e-9);
}

TEST(Engine, LaunchOverheadIsPaidOncePerKernel) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 5e-6);
  // 10 kernels of 0.1 ms compute each, plus 10 x 5 us of launch overhead = 1.05 ms.
  sc.workloads.streams.push_back(stream("c", 1.365e9, 1e3, 10, at_times({0.5})));
  const SimResult r = run(sc);
  EXPECT_NEAR(latency(r.requests[0]), 10 * (1.365e9 / (kPeakFp32 * 0.7)) + 10 * 5e-6, 1e-9);
  EXPECT_EQ(r.kernels, 10u);
}

TEST(Engine, TwoMemoryBoundKernelsTogetherTakeTwiceAsLongWithBandwidthSharingElseAsLongAsAlone) {
  // MPS lets the two streams' kernels run at the same time; they split the memory bandwidth: each of
  // 1.3995e9 B at 1555 GB/s x 0.9 takes 1 ms alone, 2 ms together. With the bandwidth mechanism off the bus
  // gives each its whole bandwidth (a fat pipe): 1 ms each. (The L2 model is off here: tested below.)
  for (const bool bandwidth : {true, false}) {
    SCOPED_TRACE(bandwidth);
    Scenario sc = one_device(SharingMode::MPS, 0.7, 0.9, 0.0);
    sc.platform.contention.l2 = false;
    sc.platform.contention.bandwidth = bandwidth;
    sc.workloads.streams.push_back(stream("m1", 0, 1.3995e9, 1, at_times({0.5})));
    sc.workloads.streams.push_back(stream("m2", 0, 1.3995e9, 1, at_times({0.5})));
    const SimResult r = run(sc);
    ASSERT_EQ(r.requests.size(), 2u);
    for (const auto& q : r.requests) EXPECT_NEAR(latency(q), bandwidth ? 2e-3 : 1e-3, 1e-9);
  }
}

TEST(Engine, TwoCopiesShareTheHostLinkWithBandwidthOnOrOff) {
  // Two requests of 25 MB of input each and a kernel that takes no time, arriving together on a device
  // whose host link carries 25 GB/s: alone a copy takes 1 ms, together they share the link and both end at
  // 2 ms (the bus, 1399.5 GB/s, is far from binding). The host link is shared whether the bandwidth
  // mechanism (which only decides whether the memory bus is shared) is on or off.
  for (const bool bandwidth : {true, false}) {
    SCOPED_TRACE(bandwidth);
    Scenario sc = one_device(SharingMode::MPS, 0.7, 0.9, 0.0);
    sc.platform.devices[0].pcie_bandwidth = ByteRate{25e9};
    sc.platform.contention.l2 = false;
    sc.platform.contention.bandwidth = bandwidth;
    for (const char* name : {"c1", "c2"}) {
      StreamSpec st = stream(name, 0, 0, 1, at_times({0.5}));
      st.stages[0].input_bytes = Bytes{25e6};
      sc.workloads.streams.push_back(st);
    }
    const SimResult r = run(sc);
    ASSERT_EQ(r.requests.size(), 2u);
    for (const auto& q : r.requests) EXPECT_NEAR(latency(q), 2e-3, 1e-9);
  }
}

TEST(Engine, ComputeBoundAndMemoryBoundKernelsOverlap) {
  // A 1 ms compute-bound kernel (73 us of bytes) and a 1 ms memory-bound kernel (73 us of compute):
  // alone each takes 1 ms; together each is slowed only by the other's small share of its bottleneck.
  Scenario sc = one_device(SharingMode::MPS, 0.7, 0.9, 0.0);
  sc.platform.contention.l2 = false;
  sc.workloads.streams.push_back(stream("c", 13.65e9, 0.10205e9, 1, at_times({0.5})));
  sc.workloads.streams.push_back(stream("m", 1e9, 1.3995e9, 1, at_times({0.5})));
  const SimResult r = run(sc);
  const double makespan = std::max(r.requests[0].finish, r.requests[1].finish) - 0.5;
  // Both progress at the same rate x (max-min fairness); compute binds: x (1 ms + 1e9 / 13.65e12 s) = 1,
  // bandwidth gives x (0.10205e9 / 1399.5e9 s + 1 ms) <= 1 with slack. Makespan 1.0733 ms, not 2 ms.
  const double coupled = 13.65e9 / (kPeakFp32 * 0.7) + 1e9 / (kPeakFp32 * 0.7);
  EXPECT_NEAR(makespan, coupled, 1e-9);
}

// L2 hits (sim/l2_model.hpp) on an A100 (40 MiB L2) whose L2 bandwidth the test sets to 4x its
// 1555 GB/s memory bandwidth: a byte from L2 costs a quarter of a device-memory byte.
Scenario l2_device(SharingMode mode) {
  Scenario sc = one_device(mode, 0.7, 0.9, 0.0);
  sc.platform.devices[0].spec.l2_bandwidth = ByteRate{4 * kBandwidth};
  return sc;
}

TEST(Engine, AnL2ResidentReadRunsAtL2Bandwidth) {
  Scenario sc = l2_device(SharingMode::TIME_SLICE);
  const double ws = 30.0 * 1024 * 1024;
  sc.workloads.streams.push_back(stream("m", 0, ws, 1, at_times({0.5})));
  sc.workloads.streams[0].stages[0].kernels[0].resident = true;
  const SimResult r = run(sc);
  EXPECT_NEAR(latency(r.requests[0]), ws / (4 * kBandwidth * 0.9), 1e-12);  // 30 MiB / 5598 GB/s
  // 50 MiB does not fit the 40 MiB L2: device-memory bandwidth.
  const double big = 50.0 * 1024 * 1024;
  sc.workloads.streams[0].stages[0].kernels[0].bytes = Bytes{big};
  sc.workloads.streams[0].stages[0].kernels[0].working_set = Bytes{big};
  EXPECT_NEAR(latency(run(sc).requests[0]), big / (kBandwidth * 0.9), 1e-12);
}

TEST(Engine, AResidentReadAboveOnePartitionPaysForItsFarHits) {
  // The same A100 with two L2 partitions, an L2 efficiency of 0.75 and far hits at half the near
  // bandwidth. A near hit costs 1399.5 / (6220 x 0.75) = 0.3 of a device-memory byte, a far one 0.6.
  // 15 MiB fits one 20 MiB partition: all near. 30 MiB: near share 40 / (2 x 30) = 2/3, so a byte costs
  // 2/3 x 0.3 + 1/3 x 0.6 = 0.4: 30 MiB at 0.4 / 1399.5 GB/s.
  Scenario sc = l2_device(SharingMode::TIME_SLICE);
  DeviceSpec& d = sc.platform.devices[0].spec;
  d.l2_partitions = 2;
  d.l2_efficiency = 0.75;
  d.l2_far_ratio = 0.5;
  const double mib = 1024.0 * 1024;
  sc.workloads.streams.push_back(stream("m", 0, 15 * mib, 1, at_times({0.5})));
  sc.workloads.streams[0].stages[0].kernels[0].resident = true;
  const double b = kBandwidth * 0.9;
  EXPECT_NEAR(latency(run(sc).requests[0]), 0.3 * 15 * mib / b, 1e-12);
  KernelSpec& k = sc.workloads.streams[0].stages[0].kernels[0];
  k.bytes = k.working_set = Bytes{30 * mib};
  EXPECT_NEAR(latency(run(sc).requests[0]), 0.4 * 30 * mib / b, 1e-12);
}

TEST(Engine, AChainedIntermediateHitsOnlyWhenItFitsTheL2) {
  // Two kernels; the second reads the first's whole output (its 20 MiB per sample of traffic written
  // just before). Batch 1: 20 MiB fits 40 MiB, the second kernel's bytes cost a quarter.
  // Batch 3: 60 MiB does not: both kernels at device-memory bandwidth.
  const double mib = 1024.0 * 1024;
  for (int batch : {1, 3}) {
    Scenario sc = l2_device(SharingMode::TIME_SLICE);
    sc.workloads.streams.push_back(stream("m", 0, 20 * mib, 2, at_times({0.5})));
    StreamSpec& s = sc.workloads.streams[0];
    s.batch = batch;
    s.stages[0].kernels[1].chained = {ChainedRead{Bytes{20 * mib}, Bytes{20 * mib}, Bytes{0.0}}};
    const double bw = kBandwidth * 0.9;
    const double expected = batch == 1 ? 20 * mib / bw + 0.25 * 20 * mib / bw : 2 * 3 * 20 * mib / bw;
    EXPECT_NEAR(latency(run(sc).requests[0]), expected, 1e-12) << "batch " << batch;
  }
}

TEST(Engine, CoRunnersThatOverflowL2TogetherLoseTheirHits) {
  // Two 30 MiB L2-resident reads start together under MPS: the first launched runs alone in L2 (keeps
  // its hits: traffic 0.25 ws); the second overflows 60 - 40 = 20 MiB = half the L2 and keeps half its
  // hits: traffic ws - 0.5 ws x 0.75 = 0.625 ws. They share the bus (B = 1399.5 GB/s) equally until
  // the first ends at 0.25 ws / (B / 2) = 0.5 ws / B; the second has 0.375 ws left alone: 0.875 ws / B.
  Scenario sc = l2_device(SharingMode::MPS);
  const double ws = 30.0 * 1024 * 1024;
  for (const char* n : {"m1", "m2"}) {
    sc.workloads.streams.push_back(stream(n, 0, ws, 1, at_times({0.5})));
    sc.workloads.streams.back().stages[0].kernels[0].resident = true;
  }
  const double b = kBandwidth * 0.9;
  std::vector<double> lat;
  for (const auto& q : run(sc).requests) lat.push_back(latency(q));
  std::sort(lat.begin(), lat.end());
  EXPECT_NEAR(lat[0], 0.5 * ws / b, 1e-12);
  EXPECT_NEAR(lat[1], 0.875 * ws / b, 1e-12);
  // Without the mechanism both keep their hits: 0.25 ws each, sharing the bus: 0.5 ws / B.
  sc.platform.contention.l2 = false;
  for (const auto& q : run(sc).requests) EXPECT_NEAR(latency(q), 0.5 * ws / b, 1e-12);
}

TEST(Engine, TimeSlicedDeviceRunsOneContextAtATimeAndPaysTheSwitch) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.platform.contention.switch_cost = Seconds{25e-6};
  sc.workloads.streams.push_back(stream("a", 13.65e9, 1e3, 1, at_times({0.5})));
  sc.workloads.streams.push_back(stream("b", 13.65e9, 1e3, 1, at_times({0.5001})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  // a's 1 ms kernel cannot be preempted; b's context gets the GPU when it ends, after one switch.
  EXPECT_NEAR(r.requests[0].finish, 0.501, 1e-9);
  EXPECT_NEAR(r.requests[1].finish, 0.501 + 25e-6 + 0.001, 1e-9);
  EXPECT_EQ(r.devices[0].switches, 1u);
}

TEST(Engine, TimeSlicingTwoComputeBoundTasksTakesTheSumPlusTheSwitchCosts) {
  // Two contexts, each one request of 10 kernels of 1 ms, both at t = 0.5 s, slice 2 ms, switch 25 us.
  // The GPU alternates every 2 kernels: a a | b b | a a | b b | a a | b b | a a | b b | a a | b b, i.e.
  // 9 switches. Both finish by 0.5 + 20 ms + 9 x 25 us; b, which ends last, at exactly that time.
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.platform.contention.slice = Seconds{2e-3};
  sc.platform.contention.switch_cost = Seconds{25e-6};
  sc.workloads.streams.push_back(stream("a", 13.65e9, 1e3, 10, at_times({0.5})));
  sc.workloads.streams.push_back(stream("b", 13.65e9, 1e3, 10, at_times({0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_EQ(r.devices[0].switches, 9u);
  EXPECT_NEAR(std::max(r.requests[0].finish, r.requests[1].finish), 0.5 + 20e-3 + 9 * 25e-6, 1e-9);
  // With the time_slice mechanism off the switches are free: exactly the sum.
  sc.platform.contention.time_slice = false;
  const SimResult free = run(sc);
  EXPECT_NEAR(std::max(free.requests[0].finish, free.requests[1].finish), 0.5 + 20e-3, 1e-9);
}

TEST(Engine, UtilisationOfAPeriodicStreamIsRateTimesServiceTime) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.workloads.run.duration = Seconds{20.0};
  sc.workloads.run.warmup = Seconds{2.0};
  // 1 ms of compute at 100 requests/s: 10 % compute utilisation; bytes 0.13995 GB -> 0.1 ms -> 1 %.
  sc.workloads.streams.push_back(stream("c", 13.65e9, 0.13995e9, 1, periodic(100)));
  Plan plan;
  const SimResult r = run(sc, &plan);
  const RunMetrics m = compute_metrics(sc, plan, r);
  EXPECT_NEAR(m.devices[0].utilization, 0.10, 0.001);
  EXPECT_NEAR(m.devices[0].bandwidth_utilization, 0.01, 0.0002);
  EXPECT_NEAR(m.workloads[0].throughput_rps, 100.0, 0.1);
  EXPECT_NEAR(m.workloads[0].latency.max, 1e-3, 1e-9);  // periodic at 10 % load never queues
}

TEST(Engine, QueueLimitDropsRequestsThatFindItFull) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.platform.devices[0].queue_limit = 1;
  // Three requests at once, each 1 ms: one runs, one waits, the third finds the queue full.
  sc.workloads.streams.push_back(stream("a", 13.65e9, 1e3, 1, at_times({0.5, 0.5, 0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 3u);
  EXPECT_EQ(r.requests[0].status, RequestStatus::COMPLETED);
  EXPECT_EQ(r.requests[1].status, RequestStatus::COMPLETED);
  EXPECT_EQ(r.requests[2].status, RequestStatus::DROPPED);
}

TEST(Engine, RequestsStillQueuedAfterTheDrainAreUnfinished) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.workloads.run.duration = Seconds{1.0};
  sc.workloads.run.drain = Seconds{0.0};
  // 0.4 s per request, three arrivals at 0.1 s: only the first two finish by t = 1 s.
  sc.workloads.streams.push_back(stream("a", 0.4 * 13.65e12, 1e3, 1, at_times({0.1, 0.1, 0.1})));
  const SimResult r = run(sc);
  EXPECT_EQ(r.requests[0].status, RequestStatus::COMPLETED);
  EXPECT_EQ(r.requests[1].status, RequestStatus::COMPLETED);
  EXPECT_EQ(r.requests[2].status, RequestStatus::UNFINISHED);
}

TEST(Engine, HostTimeAddsToLatencyWithoutHoldingTheGpu) {
  // Two requests of one 1 ms compute-bound kernel (13.65 GFLOP at 19.5 x 0.7 TFLOP/s), 2 ms of host
  // pre-processing and 1 ms of post-processing each, arriving at 0.5 s and 0.5005 s on one stream.
  //   r0: queue at 0.502, GPU 0.502-0.503, done 0.504: latency 4 ms.
  //   r1: queue at 0.5025 (r0 on the GPU), GPU 0.503-0.504 (the context is free once r0's kernel ends: its
  //   post-processing holds neither GPU nor context), done 0.505: latency 4.5 ms.
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.workloads.streams.push_back(stream("c", 13.65e9, 1e3, 1, at_times({0.5, 0.5005})));
  sc.workloads.streams.back().host_pre = Seconds{2e-3};
  sc.workloads.streams.back().host_post = Seconds{1e-3};
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(r.requests[0].start, 0.502, 1e-9);
  EXPECT_NEAR(latency(r.requests[0]), 4e-3, 1e-9);
  EXPECT_NEAR(r.requests[1].start, 0.503, 1e-9);
  EXPECT_NEAR(latency(r.requests[1]), 4.5e-3, 1e-9);
}

// `host.launch`: the host issues a request's kernels one after another, 0.3 ms apart, from the job's start;
// ten kernels of 0.1 ms each (1.365 GFLOP at 19.5 x 0.7 TFLOP/s), no launch gap. Each kernel waits for its
// issue: the k-th runs from 0.5 + 0.3k ms, and the request ends at 0.5 + 3.0 + 0.1 ms (3.1 ms; 1.0 ms
// without host time). At 0.05 ms per launch the host runs ahead: only the first kernel waits, 0.05 + 10 x
// 0.1 = 1.05 ms. The same on a time-sliced and on an MPS device.
TEST(Engine, HostLaunchTimeBoundsAChainOfShortKernels) {
  for (const SharingMode mode : {SharingMode::TIME_SLICE, SharingMode::MPS}) {
    for (const auto& [launch, expected] : {std::pair{0.3e-3, 3.1e-3}, {0.05e-3, 1.05e-3}, {0.0, 1.0e-3}}) {
      Scenario sc = one_device(mode, 0.7, 0.9, 0.0);
      sc.workloads.streams.push_back(stream("h", 1.365e9, 1e3, 10, at_times({0.5})));
      sc.workloads.streams.back().host_launch = Seconds{launch};
      const SimResult r = run(sc);
      ASSERT_EQ(r.requests.size(), 1u);
      EXPECT_NEAR(latency(r.requests[0]), expected, 1e-9) << "host.launch " << launch;
    }
  }
}

// While a context waits for its host to issue the next kernel, a time-sliced GPU serves the others (no
// switch cost here). A: the ten 0.1 ms kernels above, issued 0.3 ms apart; B: one 1 ms kernel, both at
// 0.5 s. A's first kernel is not issued until 0.5003, so B takes the GPU at 0.5 and runs to 0.501; A's
// kernels 1-4 (issued by then or before the previous one ends) run back to back from 0.501 to 0.5014, and
// each later one at its issue, 0.5015 ... 0.5030, the last ending at 0.5031: A 3.1 ms, B 1 ms. (A context
// holding the GPU through its host waits would make B wait to 0.5031: 4.1 ms.)
TEST(Engine, ATimeSlicedNeighbourRunsWhileAContextWaitsForItsHost) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  sc.platform.contention.switch_cost = Seconds{0.0};
  sc.workloads.streams.push_back(stream("a", 1.365e9, 1e3, 10, at_times({0.5})));
  sc.workloads.streams.back().host_launch = Seconds{0.3e-3};
  sc.workloads.streams.push_back(stream("b", 13.65e9, 1e3, 1, at_times({0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  for (const auto& q : r.requests) {
    ASSERT_EQ(q.status, RequestStatus::COMPLETED);
    EXPECT_NEAR(latency(q), q.stream == 0 ? 3.1e-3 : 1e-3, 1e-9) << "stream " << q.stream;
  }
}

// Stop rules (Plan::stop_quantile): a run that only needs to know whether a device's workloads meet their
// SLAs stops the device at the first miss that makes the quantile unreachable.

namespace {

// One time-sliced A100, every mechanism off: periodic requests at 100/s of one kernel of `ms` milliseconds
// (13.65 GFLOP per ms at 19.5 TFLOP/s x 0.7), SLA 30 ms, measured over [0.1, 0.5) s: 40 requests whatever
// the phase.
Scenario periodic_device(double ms) {
  Scenario sc = one_device(SharingMode::TIME_SLICE, 0.7, 0.9, 0.0);
  for (const auto& m : mechanism_names()) sc.platform.contention.set(m, false);
  sc.workloads.run.duration = Seconds{0.5};
  sc.workloads.run.warmup = Seconds{0.1};
  sc.workloads.run.drain = Seconds{1.0};
  sc.workloads.streams.push_back(stream("p", 13.65e9 * ms, 1e6, 1, periodic(100)));
  sc.workloads.streams.back().sla = Seconds{0.03};
  return sc;
}

Plan stopping_plan(const Scenario& sc, double quantile) {
  PlanBuilder b(sc, "test");
  b.add_all_devices().place(expand_streams(sc.workloads)[0], 0);
  if (quantile > 0) b.stop_quantile(0, quantile);
  return b.build();
}

}  // namespace

TEST(StopRule, CountArrivalsKnowsTheWindowsRequestsBeforeTheRun) {
  // Periodic at 100/s over [0.1, 0.5): 40, whatever the phase.
  const Scenario sc = periodic_device(1);
  EXPECT_EQ(count_arrivals(sc.workloads.streams[0], 12345, 0.1, 0.5), 40u);
  // Poisson arrivals with a Poisson fan-out: the generator serves both, in the order the engine draws them
  // (an arrival, then its fan-out), so the count equals the engine's for every seed.
  Scenario p = periodic_device(0.01);
  p.workloads.streams[0].arrival = poisson(200);
  FanoutSpec f;
  f.kind = FanoutSpec::Kind::POISSON;
  f.mean = 3;
  f.max = 12;
  p.workloads.streams[0].fanout = f;
  for (std::uint64_t seed : {1u, 7u, 99u}) {
    p.workloads.run.seed = seed;
    const SimResult r = run(p);
    std::uint64_t in_window = 0;
    for (const auto& q : r.requests) in_window += q.arrival >= 0.1 && q.arrival < 0.5;
    EXPECT_EQ(count_arrivals(p.workloads.streams[0], stream_seed(seed, 0, 0), 0.1, 0.5), in_window) << seed;
  }
}

TEST(StopRule, CountArrivalsKnowsASpreadInstancesPhase) {
  // Periodic at 100/s, 4 instances spread: instance 3 starts at 7.5 ms, so over [0, 0.0175) it has one
  // arrival (7.5 ms; the next is at 17.5), instance 0 two (0 and 10 ms).
  Scenario sc = periodic_device(1);
  sc.workloads.streams[0].count = 4;
  sc.workloads.streams[0].arrival.spread = true;
  EXPECT_EQ(count_arrivals(sc.workloads.streams[0], 1, 0.0, 0.0175, 3), 1u);
  EXPECT_EQ(count_arrivals(sc.workloads.streams[0], 1, 0.0, 0.0175, 0), 2u);
  EXPECT_EQ(count_arrivals(sc.workloads.streams[0], 1, 0.0, 0.0074, 3), 0u);
  EXPECT_EQ(count_arrivals(sc.workloads.streams[0], 1, 0.0, 0.0074, 0), 1u);
}

TEST(StopRule, AnOverloadedDeviceStopsAtTheMissThatDecidesIt) {
  // 20-ms requests every 10 ms: from the first arrival (phase f) the device is never idle, so request k
  // (arriving at f + 10k ms) finishes at f + 20 (k + 1) ms, 10k + 20 ms after it arrived. The first in the
  // window is k = 10 (f < 10 ms), 120 ms late for a 30 ms SLA; at the 0.99 quantile one miss of 40 fails
  // (39/40 < 0.99), so the device stops when it finishes, at f + 220 ms: 11 kernels, and the 12 requests
  // queued behind it dropped.
  const Scenario sc = periodic_device(20);
  const Plan plan = stopping_plan(sc, 0.99);
  const SimResult r = run_simulation(sc, plan);
  ASSERT_FALSE(r.requests.empty());
  const double f = r.requests[0].arrival;
  EXPECT_NEAR(r.power[0].stopped_at, f + 0.22, 1e-9);
  EXPECT_EQ(r.kernels, 11u);
  for (std::size_t k = 0; k < r.requests.size(); ++k) {
    const auto& q = r.requests[k];
    EXPECT_NEAR(q.arrival, f + 0.01 * static_cast<double>(k), 1e-9);
    if (k <= 10) {
      ASSERT_EQ(q.status, RequestStatus::COMPLETED) << k;
      EXPECT_NEAR(latency(q), 0.01 * static_cast<double>(k) + 0.02, 1e-9) << k;
    } else {
      EXPECT_EQ(q.status, RequestStatus::DROPPED) << k;
      EXPECT_LE(q.arrival, f + 0.22 + 1e-9) << k;  // none generated after the stop
    }
  }
  // Without the rule the same device runs to the end of the window and drains its queue.
  const SimResult full = run_simulation(sc, stopping_plan(sc, 0));
  EXPECT_EQ(full.power[0].stopped_at, -1);
  EXPECT_GT(full.kernels, 40u);
}

TEST(StopRule, ADeviceThatMeetsItsSlaRunsAsIfThereWereNoRule) {
  // 5-ms requests every 10 ms: each is served alone in 5 ms < 30 ms, so nothing is missed and the run with
  // the rule is the run without it.
  const Scenario sc = periodic_device(5);
  const SimResult with = run_simulation(sc, stopping_plan(sc, 0.99));
  const SimResult without = run_simulation(sc, stopping_plan(sc, 0));
  EXPECT_EQ(with.power[0].stopped_at, -1);
  ASSERT_EQ(with.requests.size(), without.requests.size());
  EXPECT_EQ(with.kernels, without.kernels);
  for (std::size_t k = 0; k < with.requests.size(); ++k) {
    EXPECT_EQ(with.requests[k].status, RequestStatus::COMPLETED);
    EXPECT_NEAR(latency(with.requests[k]), 0.005, 1e-9);
    EXPECT_EQ(with.requests[k].finish, without.requests[k].finish);
  }
}
