// Contention mechanisms against hand-computed values. Device: A100-PCIe-40GB (datasheet: 19.5 TFLOP/s
// FP32, 1555 GB/s, 250 W TDP; catalog modelling defaults: 35 W idle, 0.16 K/W, 35 C ambient).

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "analysis/metrics.hpp"
#include "scenario_builder.hpp"
#include "sim/simulate.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

Scenario one_device(SharingMode mode) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 0.0), mode));
  sc.workloads.run.duration = Seconds{10.0};
  sc.workloads.run.drain = Seconds{10.0};
  return sc;
}

double latency_of(const RequestRecord& r) { return r.finish - r.arrival; }

// A stream of one compute-bound kernel of `ms` milliseconds on the whole A100 (13.65e9 FP32 FLOPs per
// ms at 19.5 TFLOP/s x 0.7) launched as `blocks` blocks, 5 resident per SM: 540 slots on 108 SMs, so
// 216 blocks hold 40 % of the SMs.
StreamSpec grid_stream(const std::string& name, double ms, double blocks, ArrivalSpec arrival) {
  StreamSpec s = stream(name, ms * 13.65e9, 1e3, 1, std::move(arrival));
  s.stages[0].kernels[0].shape.kind = KernelClass::GRID;
  s.stages[0].kernels[0].shape.blocks = blocks;
  s.stages[0].kernels[0].shape.blocks_per_sm = 5;
  return s;
}

// Power of the catalog's A100 with the default weights: idle + (TDP - idle) x 0.85 x u_c x r^3.
double compute_power(double r) { return 35.0 + 215.0 * 0.85 * r * r * r; }

}  // namespace

TEST(Power, ConstantLoadAboveTheCapSettlesAtThePredictedClock) {
  // A compute-bound load keeps the SMs busy at any clock. Uncapped it draws 35 + 215 x 0.85 = 217.75 W.
  // With a 150 W cap the clock must satisfy 35 + 182.75 r^3 <= 150, r <= 0.857, f <= 1208 MHz: the
  // 15 MHz bins from 1410 MHz give 1200 MHz (the next bin, 1215 MHz, would draw 151.9 W).
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.devices[0].power_cap = Watts{150.0};
  sc.platform.contention.thermal = false;
  sc.workloads.run.duration = Seconds{3.0};
  sc.workloads.run.drain = Seconds{0.0};
  sc.workloads.streams.push_back(stream("hot", 60 * 13.65e12, 1e3, 1, at_times({0.0})));
  Plan plan;
  const SimResult r = run(sc, &plan);
  ASSERT_FALSE(r.samples.empty());
  EXPECT_DOUBLE_EQ(r.samples.back().clock_hz, 1200e6);
  EXPECT_NEAR(r.samples.back().power_w, compute_power(1200.0 / 1410.0), 0.01);
  EXPECT_LE(r.samples.back().power_w, 150.0);
  EXPECT_NEAR(compute_power(1215.0 / 1410.0), 151.9, 0.1);  // why 1215 MHz is not allowed
  EXPECT_DOUBLE_EQ(r.power[0].min_clock_hz, 1200e6);
  // Without the mechanism the clock stays at boost.
  sc.platform.contention.power = false;
  const SimResult off = run(sc);
  EXPECT_DOUBLE_EQ(off.samples.back().clock_hz, 1410e6);
  EXPECT_NEAR(off.samples.back().power_w, 217.75, 0.01);
}

TEST(Thermal, SteadyStateIsAmbientPlusPowerTimesResistance) {
  // 217.75 W x 0.16 K/W + 35 C = 69.84 C; with a 1 s time constant, 20 s is 20 tau: settled.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.devices[0].spec.thermal.time_constant = Seconds{1.0};
  sc.workloads.run.duration = Seconds{20.0};
  sc.workloads.run.drain = Seconds{0.0};
  sc.workloads.streams.push_back(stream("hot", 400 * 13.65e12, 1e3, 1, at_times({0.0})));
  const SimResult r = run(sc);
  EXPECT_NEAR(r.samples.back().temperature_c, 35.0 + 217.75 * 0.16, 0.01);
}

TEST(Thermal, ThrottleEngagesAtTheLimit) {
  // With a 60 C limit the device cannot draw more than (60 - 35) / 0.16 = 156.25 W for long: the clock
  // falls to about 1410 x ((156.25 - 35) / 182.75)^(1/3) = 1229 MHz and the temperature holds at the limit.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.devices[0].spec.thermal.time_constant = Seconds{1.0};
  sc.platform.devices[0].spec.thermal.limit = Celsius{60.0};
  sc.workloads.run.duration = Seconds{20.0};
  sc.workloads.run.drain = Seconds{0.0};
  sc.workloads.streams.push_back(stream("hot", 400 * 13.65e12, 1e3, 1, at_times({0.0})));
  const SimResult r = run(sc);
  // The controller moves one 15 MHz bin per 10 ms with 1 C of hysteresis: it holds the limit within 1 C.
  EXPECT_NEAR(r.samples.back().temperature_c, 60.0, 1.0);
  EXPECT_NEAR(r.samples.back().clock_hz / 1e6, 1229.0, 20.0);
  EXPECT_LT(r.power[0].max_temperature_c, 61.0);
}

TEST(Batching, BatchedRequestsReadTheWeightsOnce) {
  // Four streams of one workload, one request each at t = 0.5 s. Weights 1.3995 GB (1 ms at 1399.5 GB/s)
  // and 0.13995 GB of activations per sample (0.1 ms). Batched: one job of 4 samples, 1 + 4 x 0.1 = 1.4 ms.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  StreamSpec s = stream("m", 1e3, 139.95e6, 1, at_times({0.5}));
  s.stages[0].kernels[0].weight_bytes = Bytes{1399.5e6};
  s.count = 4;
  s.batching = BatchingSpec{4, Seconds{0.010}};
  sc.workloads.streams.push_back(s);
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 4u);
  for (const auto& q : r.requests) EXPECT_NEAR(latency_of(q), 1.4e-3, 1e-9);
  EXPECT_EQ(r.kernels, 1u);
  // Without batching: four contexts one after another, weights read four times, three switches.
  sc.platform.contention.batching = false;
  const SimResult off = run(sc);
  double last = 0;
  for (const auto& q : off.requests) last = std::max(last, q.finish);
  EXPECT_NEAR(last - 0.5, 4 * 1.1e-3 + 3 * 25e-6, 1e-9);
}

TEST(Batching, ALoneRequestWaitsForTheMaximumDelay) {
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  StreamSpec s = stream("m", 1e3, 139.95e6, 1, at_times({0.5}));
  s.stages[0].kernels[0].weight_bytes = Bytes{1399.5e6};
  s.batching = BatchingSpec{4, Seconds{0.010}};
  sc.workloads.streams.push_back(s);
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_NEAR(latency_of(r.requests[0]), 0.010 + 1.1e-3, 1e-9);
}

TEST(Mig, ASliceIsUnaffectedWhenTheOtherSlicesAreSaturated) {
  // A100-40GB as 3g.20gb + 3g.20gb + 1g.5gb: a light periodic workload on the first slice, alone and
  // then with the other two slices saturated by heavy memory- and compute-bound work.
  auto scenario = [](bool neighbours) {
    Scenario sc;
    DeviceInstance d = device(a100(0.7, 0.9, 5e-6), SharingMode::MIG);
    d.mig_partition = {"3g.20gb", "3g.20gb", "1g.5gb"};
    sc.platform.devices.push_back(d);
    sc.workloads.run.duration = Seconds{5.0};
    sc.workloads.run.warmup = Seconds{0.5};
    sc.workloads.streams.push_back(stream("light", 2e9, 50e6, 10, periodic(50)));
    if (neighbours) {
      sc.workloads.streams.push_back(stream("mem", 1e6, 2e9, 4, poisson(400)));
      sc.workloads.streams.push_back(stream("cmp", 2e12, 1e6, 4, poisson(400)));
    }
    return sc;
  };
  Plan alone_plan;
  Plan busy_plan;
  const Scenario a = scenario(false);
  const Scenario b = scenario(true);
  const RunMetrics alone = compute_metrics(a, alone_plan, run(a, &alone_plan));
  const RunMetrics busy = compute_metrics(b, busy_plan, run(b, &busy_plan));
  ASSERT_GT(busy.devices[1].bandwidth_utilization, 0.95);  // the neighbours really are saturated
  ASSERT_GT(busy.devices[2].utilization, 0.95);
  EXPECT_NEAR(busy.workloads[0].latency.mean / alone.workloads[0].latency.mean, 1.0, 0.02);
  EXPECT_NEAR(busy.workloads[0].latency.p99 / alone.workloads[0].latency.p99, 1.0, 0.02);
}

TEST(Mps, AShareCapsAStreamsComputeRate) {
  // Alone with a 50 % active-thread share, a 1 ms compute-bound kernel takes 2 ms.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(stream("c", 13.65e9, 1e3, 1, at_times({0.5})));
  const SimResult r = run(sc, nullptr, {0.5});
  EXPECT_NEAR(latency_of(r.requests[0]), 2e-3, 1e-9);
}

// Spatial sharing under MPS (issue 9, item 2): kernels of different contexts run side by side on the SMs
// the others leave free, and share by time beyond that.
TEST(Mps, TwoKernelsOfFortyPercentOfTheSmsOverlapCompletely) {
  // Each alone: a 1 ms roofline at 40 % of the SMs, 2.5 ms. Together they need 80 %: both still 2.5 ms.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("a", 1.0, 216, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("b", 1.0, 216, at_times({0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(latency_of(r.requests[0]), 2.5e-3, 1e-9);
  EXPECT_NEAR(latency_of(r.requests[1]), 2.5e-3, 1e-9);
  // Time-sliced, they take turns on the whole GPU: 2 ms slices (each kernel 2.5 ms alone), so the first is
  // pre-empted at 2 ms, the second runs 2 ms, the first its last 0.5 ms, the second its last 0.5 ms: 5 ms
  // of work and three switches.
  sc.platform.devices[0].sharing = SharingMode::TIME_SLICE;
  const SimResult ts = run(sc);
  EXPECT_NEAR(std::max(latency_of(ts.requests[0]), latency_of(ts.requests[1])),
              5e-3 + 3 * sc.platform.contention.switch_cost.v, 1e-9);
}

// Compute pre-emption: two 10 ms kernels arriving together on a time-sliced GPU (2 ms slices, 25 us
// switches) alternate whole slices, each kernel cut at its slice's end: the first runs in turns 1, 3, 5, 7
// and 9, the second in turns 2 to 10, turn k starting at (k - 1) x 2.025 ms. The first ends with turn 9 at
// 8 x 2.025 + 2 = 18.2 ms, the second with turn 10 at 9 x 2.025 + 2 = 20.225 ms. Without pre-emption (the
// time_slice mechanism off) they alternate kernel by kernel, free: 10 and 20 ms.
TEST(TimeSlice, AKernelLongerThanItsSliceIsPreemptedAtTheSliceEnd) {
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.workloads.streams.push_back(stream("a", 10.0 * 13.65e9, 1e3, 1, at_times({0.5})));
  sc.workloads.streams.push_back(stream("b", 10.0 * 13.65e9, 1e3, 1, at_times({0.5})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(latency_of(r.requests[0]), 18.2e-3, 1e-9);
  EXPECT_NEAR(latency_of(r.requests[1]), 20.225e-3, 1e-9);
  sc.platform.contention = sc.platform.contention.without("time_slice");
  const SimResult off = run(sc);
  EXPECT_NEAR(latency_of(off.requests[0]), 10e-3, 1e-9);
  EXPECT_NEAR(latency_of(off.requests[1]), 20e-3, 1e-9);
}

namespace {

// Latencies of an 80 % (432 blocks) and a 40 % (216 blocks) kernel of a 1 ms roofline each, launched
// together on an MPS A100, with the sm_wait mechanism on or off.
std::vector<double> eighty_and_forty(bool sm_wait) {
  Scenario sc = one_device(SharingMode::MPS);
  sc.platform.contention.sm_wait = sm_wait;
  sc.workloads.streams.push_back(grid_stream("big", 1.0, 432, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("small", 1.0, 216, at_times({0.5})));
  std::vector<double> out;
  for (const auto& q : run(sc).requests) out.push_back(latency_of(q));
  return out;
}

}  // namespace

TEST(Mps, AnEightyAndAFortyPercentKernelDoNotOverlapCompletely) {
  // Alone the 80 % kernel takes 1.25 ms, the 40 % one 2.5 ms. Launched together, the 80 % one (first)
  // keeps its SMs, the 40 % one gets the 20 % left and runs at half its speed: by 1.25 ms it has done
  // 1.25 / 5 = a quarter of its work, then the other's SMs free up and the other 3/4 take 0.75 x 2.5 =
  // 1.875 ms: it ends at 3.125 ms instead of 2.5. The 80 % one is not slowed (1.25 ms).
  const std::vector<double> l = eighty_and_forty(true);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_NEAR(l[0], 1.25e-3, 1e-9);
  EXPECT_NEAR(l[1], 3.125e-3, 1e-9);
}

TEST(Mps, WithoutSmWaitTheKernelsShareTheSmsMaxMin) {
  // sm_wait off: max-min sharing gives the 40 % kernel all it asks (0.4 of the SMs) and the other the
  // remaining 0.6, so the 80 % one ends at 1 / 0.6 ms = 1.667 ms instead of 1.25, the 40 % one at 2.5 ms.
  const std::vector<double> l = eighty_and_forty(false);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_NEAR(l[0], 1e-3 / 0.6, 1e-9);
  EXPECT_NEAR(l[1], 2.5e-3, 1e-9);
}

TEST(Mps, AKernelWaitsForTheSmsARunningKernelHolds) {
  // A 1 ms kernel of 540 blocks holds every block slot of the A100 from 0.5 s; a 0.1 ms-roofline kernel
  // of 216 blocks (40 %, 0.25 ms alone) launched 0.2 ms later is not given SMs by pre-empting it: it waits
  // until 0.5 s + 1 ms, then runs 0.25 ms. Latency 0.8 + 0.25 = 1.05 ms; the long one keeps 1 ms.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("long", 1.0, 540, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("short", 0.1, 216, at_times({0.5002})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(latency_of(r.requests[0]), 1e-3, 1e-9);
  EXPECT_NEAR(latency_of(r.requests[1]), 1.05e-3, 1e-9);
}

TEST(Mps, WaitingKernelsGetTheFreedSmsInLaunchOrder) {
  // While a 540-block kernel holds every SM (0.5 s to 0.5 s + 1 ms), two 40 % kernels of 0.1 ms roofline
  // (0.25 ms alone) are launched, then a 100 % one of 0.1 ms. When the SMs free up, the two 40 % ones
  // start side by side (80 %), the full one gets the 20 % left at once and the rest when they end: it
  // runs at 1/5 of its speed for 0.25 ms (a fifth of 0.25 = 0.05 of its 0.1 ms: half), then 0.05 ms alone.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("long", 1.0, 540, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("a", 0.1, 216, at_times({0.5001})));
  sc.workloads.streams.push_back(grid_stream("b", 0.1, 216, at_times({0.5002})));
  sc.workloads.streams.push_back(grid_stream("full", 0.1, 540, at_times({0.5003})));
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 4u);
  EXPECT_NEAR(r.requests[1].finish, 0.5 + 1.25e-3, 1e-9);
  EXPECT_NEAR(r.requests[2].finish, 0.5 + 1.25e-3, 1e-9);
  EXPECT_NEAR(r.requests[3].finish, 0.5 + 1.3e-3, 1e-9);
}

TEST(Mps, ACappedContextRunsAKernelSmallerThanItsShareAtFullSpeed) {
  // 27 blocks at 5 per SM hold 5 % of the 108 SMs: a 0.1 ms roofline takes 2 ms alone. In a context
  // capped at 10 % (11 SMs, 55 slots) the 27 blocks still run at once: 2 ms, not 10 x slower.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("small", 0.1, 27, at_times({0.5})));
  const SimResult r = run(sc, nullptr, {0.1});
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_NEAR(latency_of(r.requests[0]), 2e-3, 1e-9);
}

namespace {

// The Chrome trace of simulating `plan` (tests read its kernel slices' arguments).
std::string trace_of(const Scenario& sc, const Plan& plan) {
  char path[] = "/tmp/gpusim-mps-trace-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "";
  close(fd);
  TraceOptions trace;
  trace.path = path;
  run_simulation(sc, plan, nullptr, {}, &trace);
  std::ifstream in(trace.path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path);
  return text;
}

}  // namespace

TEST(Mps, TheTraceShowsACappedKernelOnTheSmsItsContextMayHold) {
  // 216 blocks at 5 per SM in a context capped at 10 % of the A100's 108 SMs: it may hold round(10.8) = 11
  // SMs (55 block slots), so it runs in ceil(216 / 55) = 4 waves and occupies 11 / 108 = 0.101852 of the
  // unit, not the 2 waves and 40 % it would have uncapped.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("capped", 0.1, 216, at_times({0.5})));
  PlanBuilder b(sc, "test");
  b.add_all_devices();
  b.place(expand_streams(sc.workloads)[0], 0, 0.1);
  const std::string text = trace_of(sc, b.build());
  EXPECT_NE(text.find(R"("blocks":216,"waves":4,"occupied":0.101852,)"), std::string::npos) << text;
}

TEST(Mps, TheTraceShowsHowLongAKernelWaitedForSms) {
  // As in AKernelWaitsForTheSmsARunningKernelHolds: the 40 % kernel launched 0.2 ms into the 1 ms one
  // that holds every SM waits 0.8 ms; the first waited for nothing.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("long", 1.0, 540, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("short", 0.1, 216, at_times({0.5002})));
  PlanBuilder b(sc, "test");
  b.add_all_devices();
  for (const auto& s : expand_streams(sc.workloads)) b.place(s, 0);
  const std::string text = trace_of(sc, b.build());
  EXPECT_NE(text.find(R"("occupied":1,"achieved_TFLOPs":13.65,"achieved_GBps":0.001,"sm_wait_us":0.000)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"("occupied":0.4,"achieved_TFLOPs":5.46,"achieved_GBps":0.004,"sm_wait_us":800.000)"),
            std::string::npos)
      << text;
}

TEST(Power, DynamicPowerFollowsTheActiveSms) {
  // A compute-bound kernel holding 20 % of the SMs (108 blocks at 5 per SM) for 3 s: the SMs are busy
  // 20 % of their throughput, so 35 + 215 x 0.85 x 0.2 = 71.55 W at boost, not 217.75 W.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.contention.thermal = false;
  sc.workloads.run.duration = Seconds{3.0};
  sc.workloads.run.drain = Seconds{0.0};
  sc.workloads.streams.push_back(grid_stream("narrow", 3000.0 * 0.2, 108, at_times({0.0})));
  const SimResult r = run(sc);
  ASSERT_FALSE(r.samples.empty());
  EXPECT_NEAR(r.samples.back().power_w, 35.0 + 215.0 * 0.85 * 0.2, 0.01);
  EXPECT_DOUBLE_EQ(r.samples.back().clock_hz, 1410e6);
}

// Power by the kind of SM work (sim/power_model.hpp): with the device's CUDA-core share set to 0.3 of
// (TDP - idle), the same 20 %-of-SMs FP32 kernel draws 35 + 215 x 0.3 x 0.2 = 47.9 W; an FP16 one on the
// tensor cores keeps the platform's 0.85: 71.55 W; a memory-bound kernel with the device's memory share
// 0.5 draws 35 + 215 x 0.5 (its compute share is 1e3 FLOPs over 1 ms: nothing).
TEST(Power, CudaCoreTensorCoreAndMemoryWorkDrawTheDevicesOwnShares) {
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.contention.thermal = false;
  sc.platform.devices[0].spec.power_simt = 0.3;
  sc.platform.devices[0].spec.power_memory = 0.5;
  sc.workloads.run.duration = Seconds{3.0};
  sc.workloads.run.drain = Seconds{0.0};
  sc.workloads.streams.push_back(grid_stream("simt", 3000.0 * 0.2, 108, at_times({0.0})));
  EXPECT_NEAR(run(sc).samples.back().power_w, 35.0 + 215.0 * 0.3 * 0.2, 0.01);
  // FP16 at 312 TFLOP/s: 16 times the FP32 kernel's FLOPs for the same time.
  StreamSpec& s = sc.workloads.streams[0];
  s.precision = Precision::FP16;
  s.stages[0].kernels[0].flops = s.stages[0].kernels[0].flops * 16.0;
  EXPECT_NEAR(run(sc).samples.back().power_w, 35.0 + 215.0 * 0.85 * 0.2, 0.01);
  sc.workloads.streams = {stream("memory", 1e3, 3 * 1399.5e9, 1, at_times({0.0}))};
  EXPECT_NEAR(run(sc).samples.back().power_w, 35.0 + 215.0 * 0.5, 0.01);
}

TEST(Pcie, ACopyStartingMidKernelTakesItsShareOfTheBusFromThenOn) {
  // A memory-bound kernel of 1399.5 MB alone on the A100's bus (1555 GB/s x 0.9 = 1399.5 GB/s) takes 1 ms
  // (the engine runs it as a timer: nothing else is on the unit). Half-way through, another stream's
  // 100 MB input starts crossing the 25 GB/s host link and the same bus: the copy is held to 25 GB/s by
  // the host link, the kernel keeps the other 1374.5 GB/s, so its second half takes 0.5 ms x 1399.5 /
  // 1374.5 and it ends at 0.5 + 0.50909 ms.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.devices[0].pcie_bandwidth = ByteRate{25e9};
  sc.workloads.streams.push_back(stream("kernel", 1e3, 1399.5e6, 1, at_times({0.5})));
  StreamSpec c = stream("copy", 1e3, 1e3, 1, at_times({0.5005}));
  c.stages[0].input_bytes = Bytes{100e6};
  sc.workloads.streams.push_back(c);
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(latency_of(r.requests[0]), 0.5e-3 + 0.5e-3 * 1399.5 / 1374.5, 1e-9);
  // Alone, the same kernel takes its 1 ms roofline.
  sc.workloads.streams.pop_back();
  EXPECT_NEAR(latency_of(run(sc).requests[0]), 1e-3, 1e-9);
}

TEST(Pcie, InputsCrossTheHostLinkBeforeTheKernels) {
  // 100 MB of input per sample over a 25 GB/s host link: 4 ms, then 1 ms of compute.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.devices[0].pcie_bandwidth = ByteRate{25e9};
  StreamSpec s = stream("c", 13.65e9, 1e3, 1, at_times({0.5}));
  s.stages[0].input_bytes = Bytes{100e6};
  sc.workloads.streams.push_back(s);
  const SimResult r = run(sc);
  EXPECT_NEAR(latency_of(r.requests[0]), 4e-3 + 1e-3, 1e-9);
  sc.platform.contention.pcie = false;
  const SimResult off = run(sc);
  EXPECT_NEAR(latency_of(off.requests[0]), 1e-3, 1e-9);
}

// What acted (PowerRecord::acted): a run records the mechanisms that changed something on each device, and a
// run with a mechanism whose bit stayed clear switched off is the same run (the additivity study then
// takes its verdict instead of simulating it again).

namespace {

constexpr std::uint32_t bit(MechanismId m) { return mechanism_bit(m); }

// One time-sliced A100 with a 5 us launch overhead: a stream of 1-ms kernels at 100/s with 1 MB of input per
// request copied over PCIe, for 1 s.
Scenario lone_stream() {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 5e-6), SharingMode::TIME_SLICE));
  sc.workloads.run.duration = Seconds{1.0};
  sc.workloads.run.drain = Seconds{1.0};
  sc.workloads.streams.push_back(stream("lone", 13.65e9, 1e3, 1, periodic(100)));
  sc.workloads.streams[0].stages[0].input_bytes = Bytes{1e6};
  return sc;
}

}  // namespace

TEST(Acted, AStreamAloneActsOnlyThroughItsLaunchesAndCopies) {
  // One context: nothing waits for the GPU, nothing shares its bus (a job's copy and kernels take turns),
  // the L2 holds one working set, a 10 % load never moves the clock. Launch overheads and the copies act;
  // shared weights are always marked.
  const SimResult r = run(lone_stream());
  EXPECT_EQ(r.power[0].acted,
            bit(MechanismId::LAUNCH_OVERHEAD) | bit(MechanismId::PCIE) | bit(MechanismId::SHARED_WEIGHTS));
  // Each clear mechanism switched off: the same run.
  for (const char* off : {"bandwidth", "l2", "time_slice", "power", "thermal", "batching", "sm_wait"}) {
    Scenario sc = lone_stream();
    sc.platform.contention = sc.platform.contention.without(off);
    const SimResult o = run(sc);
    ASSERT_EQ(o.requests.size(), r.requests.size()) << off;
    for (std::size_t k = 0; k < r.requests.size(); ++k) {
      EXPECT_NEAR(o.requests[k].finish, r.requests[k].finish, 1e-12) << off << " request " << k;
    }
  }
  // A mechanism that acted changes it: without the launch overhead each request ends 5 us sooner.
  Scenario fast = lone_stream();
  fast.platform.contention.launch_overhead = false;
  const SimResult f = run(fast);
  EXPECT_NEAR(r.requests[5].finish - f.requests[5].finish, 5e-6, 1e-9);
}

TEST(Acted, TwoKernelsThatFitSideBySideLeaveSmWaitAndTheBusAlone) {
  // Two 40 % kernels under MPS (216 blocks at 5 per SM: 43.2 of 108 SMs each) fit side by side: each gets
  // its whole first wave, so sm_wait changes nothing; both compute-bound, the bus never saturates. The two
  // overlap completely (each takes as long as alone), and either mechanism switched off gives the same run.
  Scenario sc = one_device(SharingMode::MPS);
  sc.workloads.streams.push_back(grid_stream("a", 1.0, 216, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("b", 1.0, 216, at_times({0.5})));
  const SimResult r = run(sc);
  EXPECT_EQ(r.power[0].acted & (bit(MechanismId::SM_WAIT) | bit(MechanismId::BANDWIDTH)), 0u);
  Scenario one = one_device(SharingMode::MPS);
  one.workloads.streams.push_back(grid_stream("a", 1.0, 216, at_times({0.5})));
  const SimResult alone = run(one);
  ASSERT_EQ(r.requests.size(), 2u);
  for (const auto& q : r.requests) EXPECT_NEAR(latency_of(q), latency_of(alone.requests[0]), 1e-12);
  for (const char* off : {"sm_wait", "bandwidth"}) {
    Scenario o = sc;
    o.platform.contention = o.platform.contention.without(off);
    const SimResult w = run(o);
    ASSERT_EQ(w.requests.size(), 2u) << off;
    for (std::size_t k = 0; k < 2; ++k) EXPECT_NEAR(w.requests[k].finish, r.requests[k].finish, 1e-12) << off;
  }
}

TEST(Acted, TwoMemoryBoundKernelsSaturateTheBus) {
  // Two 1-ms memory-bound kernels under MPS (1.3995 GB each at 1555 GB/s x 0.9): together they fill the
  // bus and each takes 2 ms; with the bandwidth mechanism off each would take its 1 ms. Marked.
  Scenario sc = one_device(SharingMode::MPS);
  sc.platform.contention.l2 = false;
  sc.workloads.streams.push_back(stream("m1", 0, 1.3995e9, 1, at_times({0.5})));
  sc.workloads.streams.push_back(stream("m2", 0, 1.3995e9, 1, at_times({0.5})));
  const SimResult r = run(sc);
  EXPECT_NE(r.power[0].acted & bit(MechanismId::BANDWIDTH), 0u);
  ASSERT_EQ(r.requests.size(), 2u);
  for (const auto& q : r.requests) EXPECT_NEAR(latency_of(q), 2e-3, 1e-9);
}

TEST(Acted, ASharedBusMarksBandwidthWhereTheClockMoved) {
  // Two compute-bound 1-s kernels side by side under MPS (40 % of the SMs each, 1 kB of bytes): the bus never
  // saturates. Uncapped the clock stays at its boost: bandwidth is not marked. With a 100 W cap the clock
  // steps down (power marked), and the power model reads the bus's busy fraction, which the bandwidth
  // mechanism computes differently (a sum of the activities' rates, or with it off the largest one's):
  // bandwidth is marked too.
  Scenario sc = one_device(SharingMode::MPS);
  sc.platform.contention.thermal = false;
  sc.workloads.streams.push_back(grid_stream("a", 1000.0, 216, at_times({0.5})));
  sc.workloads.streams.push_back(grid_stream("b", 1000.0, 216, at_times({0.5})));
  const std::uint32_t free_clock = run(sc).power[0].acted;
  EXPECT_EQ(free_clock & bit(MechanismId::POWER), 0u);
  EXPECT_EQ(free_clock & bit(MechanismId::BANDWIDTH), 0u);
  sc.platform.devices[0].power_cap = Watts{100.0};
  const std::uint32_t capped = run(sc).power[0].acted;
  EXPECT_NE(capped & bit(MechanismId::POWER), 0u);
  EXPECT_NE(capped & bit(MechanismId::BANDWIDTH), 0u);
}

TEST(Acted, ContendingContextsMarkTimeSliceAndCoRunningKernelsTheBusAndSmWait) {
  // Two 1-ms requests at the same instant on a time-sliced A100: the second waits for the GPU.
  Scenario ts = one_device(SharingMode::TIME_SLICE);
  ts.workloads.streams.push_back(stream("a", 13.65e9, 1e3, 1, at_times({0.5})));
  ts.workloads.streams.push_back(stream("b", 13.65e9, 1e3, 1, at_times({0.5})));
  EXPECT_NE(run(ts).power[0].acted & bit(MechanismId::TIME_SLICE), 0u);
  // An 80 % and a 40 % kernel launched together under MPS: the second gets the 20 % the first leaves
  // (sm_wait: with it off they share fluidly, tested above to end at other times). Both are compute-bound
  // (1 kB each): the bus never saturates, so the bandwidth mechanism does not act.
  Scenario mps = one_device(SharingMode::MPS);
  mps.workloads.streams.push_back(grid_stream("big", 1.0, 432, at_times({0.5})));
  mps.workloads.streams.push_back(grid_stream("small", 1.0, 216, at_times({0.5})));
  const std::uint32_t acted = run(mps).power[0].acted;
  EXPECT_NE(acted & bit(MechanismId::SM_WAIT), 0u);
  EXPECT_EQ(acted & bit(MechanismId::BANDWIDTH), 0u);
  EXPECT_EQ(acted & bit(MechanismId::TIME_SLICE), 0u);
  // One kernel alone under MPS takes its first wave's share with or without sm_wait: not marked.
  Scenario alone = one_device(SharingMode::MPS);
  alone.workloads.streams.push_back(grid_stream("big", 1.0, 432, at_times({0.5})));
  EXPECT_EQ(run(alone).power[0].acted & bit(MechanismId::SM_WAIT), 0u);
}

// Launching ahead (sim/engine/kernels.cpp, launch_ahead; docs/engine.md): on a time-sliced unit with no other
// activity a kernel is timed at its launch from the end of its launch gap.

namespace {

// The Chrome trace's run keeps a launch timer per kernel (the trace records kernel starts as they happen):
// the reference for launching ahead.
SimResult run_traced(const Scenario& sc) {
  char path[] = "/tmp/gpusim-launch-trace-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return {};
  close(fd);
  PlanBuilder b(sc, "test");
  b.add_all_devices();
  for (const auto& s : expand_streams(sc.workloads)) b.place(s, 0);
  TraceOptions trace;
  trace.path = path;
  SimResult r = run_simulation(sc, b.build(), nullptr, {}, &trace);
  std::remove(path);
  return r;
}

}  // namespace

TEST(LaunchGap, AKernelRunsAfterItsGapAndACopyInTheGapSharesTheBusFromTheKernelsStart) {
  // A 1 ms launch gap, then the memory-bound kernel of ACopyStartingMidKernel... (1 ms alone): 2 ms.
  Scenario sc = one_device(SharingMode::TIME_SLICE);
  sc.platform.devices[0].spec.launch_overhead = Seconds{1e-3};
  sc.platform.devices[0].pcie_bandwidth = ByteRate{25e9};
  sc.workloads.streams.push_back(stream("kernel", 1e3, 1399.5e6, 1, at_times({0.5})));
  EXPECT_NEAR(latency_of(run(sc).requests[0]), 1e-3 + 1e-3, 1e-9);
  // Another stream's 100 MB input starts crossing the host link (25 GB/s: 4 ms) and the bus half-way
  // through the gap: the kernel starts at the gap's end beside it and keeps 1399.5 - 25 GB/s of the bus
  // throughout: 1 ms + 1399.5 / 1374.5 ms.
  StreamSpec c = stream("copy", 1e3, 1e3, 1, at_times({0.5005}));
  c.stages[0].input_bytes = Bytes{100e6};
  sc.workloads.streams.push_back(c);
  const SimResult r = run(sc);
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_NEAR(latency_of(r.requests[0]), 1e-3 + 1e-3 * 1399.5 / 1374.5, 1e-9);
}

namespace {

// Two services contending on one A100 with a 20 us launch gap: compute-heavy kernels of 324 blocks (60 % of
// the SMs) and memory-bound ones that need every SM (they wait for the ones a compute kernel holds), inputs
// crossing the bus during launch gaps, a 60 W cap that moves the clock.
Scenario contending_services(SharingMode mode) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 20e-6), mode));
  sc.platform.devices[0].power_cap = Watts{60.0};
  sc.workloads.run.duration = Seconds{2.0};
  sc.workloads.run.drain = Seconds{2.0};
  StreamSpec a = grid_stream("compute", 0.15, 324, poisson(200));  // 60 % of the SMs
  a.stages[0].kernels.assign(6, a.stages[0].kernels[0]);
  a.stages[0].input_bytes = Bytes{4e6};
  StreamSpec m = stream("memory", 1e6, 300e6, 4, poisson(120));
  for (auto& k : m.stages[0].kernels) {
    k.shape.kind = KernelClass::GRID;
    k.shape.blocks = 540;
    k.shape.blocks_per_sm = 5;
  }
  m.stages[0].input_bytes = Bytes{2e6};
  sc.workloads.streams = {a, m};
  return sc;
}

// Launched ahead, every request's finish, the busy integrals, the energy, the samples and the acted bits of
// the contending services equal those of the traced run (a launch timer per kernel) to the last bit.
void expect_launching_ahead_changes_nothing(SharingMode mode) {
  const Scenario sc = contending_services(mode);
  const SimResult fast = run(sc);
  const SimResult ref = run_traced(sc);
  ASSERT_EQ(fast.requests.size(), ref.requests.size());
  ASSERT_GT(fast.requests.size(), 400u);
  for (std::size_t i = 0; i < ref.requests.size(); ++i) {
    EXPECT_EQ(fast.requests[i].finish, ref.requests[i].finish) << "request " << i;
  }
  ASSERT_EQ(fast.devices.size(), 1u);
  ASSERT_EQ(ref.devices.size(), 1u);
  const DeviceRecord& f = fast.devices[0];
  const DeviceRecord& r = ref.devices[0];
  EXPECT_EQ(f.kernels, r.kernels);
  EXPECT_EQ(f.switches, r.switches);
  EXPECT_EQ(f.compute_busy, r.compute_busy);
  EXPECT_EQ(f.bandwidth_busy, r.bandwidth_busy);
  EXPECT_EQ(f.occupied, r.occupied);
  ASSERT_EQ(fast.power.size(), 1u);
  ASSERT_EQ(ref.power.size(), 1u);
  EXPECT_LT(ref.power[0].min_clock_hz, 1410e6);  // the cap moved the clock
  EXPECT_EQ(fast.power[0].min_clock_hz, ref.power[0].min_clock_hz);
  EXPECT_EQ(fast.power[0].energy_total_j, ref.power[0].energy_total_j);
  EXPECT_EQ(fast.power[0].acted, ref.power[0].acted);
  ASSERT_EQ(fast.samples.size(), ref.samples.size());
  for (std::size_t i = 0; i < ref.samples.size(); ++i) {
    EXPECT_EQ(fast.samples[i].power_w, ref.samples[i].power_w) << "sample " << i;
    EXPECT_EQ(fast.samples[i].utilization, ref.samples[i].utilization) << "sample " << i;
  }
  if (mode == SharingMode::TIME_SLICE) {
    EXPECT_GT(r.switches, 10u);  // the contexts contended
  }
  if (mode == SharingMode::MPS) {  // kernels waited for SMs and shared the bus
    EXPECT_NE(ref.power[0].acted & mechanism_bit(MechanismId::SM_WAIT), 0u);
  }
}

}  // namespace

TEST(LaunchGap, LaunchingAheadGivesExactlyWhatALaunchTimerPerKernelGivesTimeSliced) {
  expect_launching_ahead_changes_nothing(SharingMode::TIME_SLICE);
}

TEST(LaunchGap, LaunchingAheadGivesExactlyWhatALaunchTimerPerKernelGivesUnderMps) {
  expect_launching_ahead_changes_nothing(SharingMode::MPS);
}

// Kernels sharing an MPS unit, solved by the engine (sim/engine/shared.cpp) instead of a SimGrid parallel
// task each: the same rates, and copies share the bus with them.

TEST(SharedSet, ACopySharesTheBusWithTwoCoRunningKernels) {
  // Two memory-bound kernels of 1399.5 MB start together on one MPS A100: they share its 1399.5 GB/s bus,
  // 699.75 GB/s each. 0.5 ms in, another stream's 100 MB input starts over the 25 GB/s host link and the
  // bus: the copy is held to 25 GB/s by the link and the kernels share the other 1374.5 GB/s, 687.25 GB/s
  // each, for the 1399.5 - 0.5 x 699.75 = 1049.625 MB each has left.
  Scenario sc = one_device(SharingMode::MPS);
  sc.platform.devices[0].pcie_bandwidth = ByteRate{25e9};
  sc.workloads.streams.push_back(stream("a", 1e3, 1399.5e6, 1, at_times({0.5})));
  sc.workloads.streams.push_back(stream("b", 1e3, 1399.5e6, 1, at_times({0.5})));
  StreamSpec c = stream("copy", 1e3, 1e3, 1, at_times({0.5005}));
  c.stages[0].input_bytes = Bytes{100e6};
  sc.workloads.streams.push_back(c);
  const double expected = 0.5e-3 + 1049.625e6 / 687.25e9;
  for (const bool engine : {true, false}) {
    set_engine_shares(engine);
    const SimResult r = run(sc);
    ASSERT_EQ(r.requests.size(), 3u);
    EXPECT_NEAR(latency_of(r.requests[0]), expected, 1e-9) << (engine ? "engine" : "SimGrid");
    EXPECT_NEAR(latency_of(r.requests[1]), expected, 1e-9) << (engine ? "engine" : "SimGrid");
    EXPECT_NEAR(latency_of(r.requests[2]), 4e-3, 1e-8)
        << (engine ? "engine" : "SimGrid");  // 100 MB at 25 GB/s
  }
  set_engine_shares(true);
}

namespace {

void expect_the_rates_of_simgrids_parallel_tasks(SharingMode mode) {
  Scenario sc = contending_services(mode);
  sc.workloads.streams.push_back(stream("fill", 2e9, 100e6, 3, poisson(80)));  // no geometry: SMs max-min
  const std::vector<double> shares = {0.7, 0.5, 1.0};
  set_engine_shares(false);
  const SimResult ref = run(sc, nullptr, shares);
  set_engine_shares(true);
  const SimResult got = run(sc, nullptr, shares);
  ASSERT_EQ(got.requests.size(), ref.requests.size());
  ASSERT_GT(got.requests.size(), 600u);
  for (std::size_t i = 0; i < ref.requests.size(); ++i) {
    EXPECT_NEAR(got.requests[i].finish, ref.requests[i].finish, 1e-9 * ref.requests[i].finish)
        << "request " << i;
  }
  const DeviceRecord& g = got.devices.at(0);
  const DeviceRecord& r = ref.devices.at(0);
  EXPECT_EQ(g.kernels, r.kernels);
  EXPECT_NEAR(g.compute_busy, r.compute_busy, 1e-9 * r.compute_busy);
  EXPECT_NEAR(g.bandwidth_busy, r.bandwidth_busy, 1e-9 * r.bandwidth_busy);
  EXPECT_NEAR(g.occupied, r.occupied, 1e-9 * r.occupied);
  EXPECT_LT(ref.power.at(0).min_clock_hz, 1410e6);  // the cap moved the clock
  EXPECT_EQ(got.power.at(0).min_clock_hz, ref.power.at(0).min_clock_hz);
  EXPECT_NEAR(got.power.at(0).energy_total_j, ref.power.at(0).energy_total_j,
              1e-9 * ref.power.at(0).energy_total_j);
  EXPECT_EQ(got.power.at(0).acted, ref.power.at(0).acted);
  EXPECT_NE(ref.power.at(0).acted & mechanism_bit(MechanismId::BANDWIDTH), 0u);  // the bus was shared
  if (mode == SharingMode::MPS) {                                                // kernels waited for SMs
    EXPECT_NE(ref.power.at(0).acted & mechanism_bit(MechanismId::SM_WAIT), 0u);
  } else {  // contexts waited for their slices and were pre-empted
    EXPECT_GT(r.switches, 10u);
    EXPECT_EQ(g.switches, r.switches);
  }
}

}  // namespace

// The contending services with two capped contexts (70 % and 50 % of the SMs) and a third service
// uncapped, without launch geometry: every request's finish, the busy integrals and the energy are those of a
// parallel task per kernel to 1e-9 (rounding: the engine sums in another order), the acted bits and counts
// the same.
TEST(SharedSet, GivesTheRatesOfSimGridsParallelTasksUnderMps) {
  expect_the_rates_of_simgrids_parallel_tasks(SharingMode::MPS);
}

// Time-sliced, the kernels share the unit only with copies (inputs crossing the bus), and are pre-empted at
// their slices' ends.
TEST(SharedSet, GivesTheRatesOfSimGridsParallelTasksTimeSliced) {
  expect_the_rates_of_simgrids_parallel_tasks(SharingMode::TIME_SLICE);
}
