// Policies through the engine: EDF's admission control on a hand-computed trace, and interference-aware
// placement against round-robin. Every contention mechanism but bandwidth sharing is off, so the times
// follow from the A100 datasheet alone (19.5 TFLOP/s FP32, 1555 GB/s, efficiencies set to 1).

#include <gtest/gtest.h>

#include "analysis/metrics.hpp"
#include "scenario_builder.hpp"

namespace gpusim::test {
namespace {

constexpr double kPeakFp32 = 19.5e12;
constexpr double kBandwidth = 1555e9;

Scenario a100s(int count, SharingMode mode) {
  Scenario sc;
  for (int i = 0; i < count; ++i)
    sc.platform.devices.push_back(device(a100(1.0, 1.0, 0.0), mode, "gpu" + std::to_string(i)));
  for (const auto& m : mechanism_names()) {
    if (m != "bandwidth") sc.platform.contention.set(m, false);
  }
  return sc;
}

struct Outcome {
  Plan plan;
  SimResult result;
};

Outcome simulate_with(const Scenario& sc, const std::string& name) {
  auto policy = make_scheduler(name, Params{});
  Outcome o;
  o.plan = make_plan(sc, *policy, name);
  o.result = run_simulation(sc, o.plan, policy.get());
  return o;
}

TEST(EdfThroughEngine, DropsExactlyTheRequestsThatCannotMeetTheirDeadline) {
  // One time-sliced A100, requests of one 10 ms compute-bound kernel (1.95e11 FLOP / 19.5 TFLOP/s), SLA 25
  // ms. Arrivals at 100, 101, 102, 103 and 115 ms:
  //   r0 starts at 100, ends 110 (deadline 125)              -> admitted, met
  //   r1 at 101: admitted work ends at 110 -> 120 <= 126     -> admitted, met (ends 120)
  //   r2 at 102: 120 + 10 = 130 > 127                        -> dropped
  //   r3 at 103: 130 > 128                                   -> dropped
  //   r4 at 115: max(115, 120) + 10 = 130 <= 140             -> admitted, met (ends 130)
  // First come, first served would run all five and finish r2, r3, r4 at 130, 140, 150 ms: all three late.
  Scenario sc = a100s(1, SharingMode::TIME_SLICE);
  const double flops = kPeakFp32 * 0.010;
  sc.workloads.streams.push_back(stream("s", flops, 1e3, 1, at_times({0.100, 0.101, 0.102, 0.103, 0.115})));
  sc.workloads.streams.back().sla = Seconds{0.025};
  sc.workloads.run.duration = Seconds{1.0};

  const Outcome edf = simulate_with(sc, "edf");
  const auto& r = edf.result.requests;
  ASSERT_EQ(r.size(), 5u);
  const std::vector<RequestStatus> expected{RequestStatus::COMPLETED, RequestStatus::COMPLETED,
                                            RequestStatus::DROPPED, RequestStatus::DROPPED,
                                            RequestStatus::COMPLETED};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(r[i].status, expected[i]) << "request " << i;
  EXPECT_NEAR(r[0].finish, 0.110, 1e-9);
  EXPECT_NEAR(r[1].finish, 0.120, 1e-9);
  EXPECT_NEAR(r[4].finish, 0.130, 1e-9);
  EXPECT_EQ(compute_metrics(sc, edf.plan, edf.result).workloads[0].sla_attainment, 3.0 / 5.0);

  const Outcome fifo = simulate_with(sc, "round-robin");
  ASSERT_EQ(fifo.result.requests.size(), 5u);
  EXPECT_NEAR(fifo.result.requests[4].finish, 0.150, 1e-9);
  EXPECT_EQ(compute_metrics(sc, fifo.plan, fifo.result).workloads[0].sla_attainment, 2.0 / 5.0);
}

TEST(InterferenceAwareThroughEngine, MeetsMoreSlasThanRoundRobin) {
  // Two MPS A100s and four streams in the file order c1, m1, c2, m2: c is compute-bound (10 ms of FP32
  // compute, negligible bytes), m memory-bound (10 ms of traffic at 1555 GB/s, negligible compute). Each
  // arrives 80 times per second, so it keeps its resource 80 % busy; SLA 15 ms.
  // Round-robin in file order puts c1 and c2 on gpu0 and m1 and m2 on gpu1: each GPU must give one
  // resource 160 % of its time, queues grow without bound and few requests meet the SLA.
  // Interference-aware predicts that slowdown from the roofline terms and pairs each c with an m: a
  // compute-bound and a memory-bound kernel use different resources, so each runs in its isolated 10 ms.
  Scenario sc = a100s(2, SharingMode::MPS);
  const double c_flops = kPeakFp32 * 0.010;
  const double m_bytes = kBandwidth * 0.010;
  for (const char* name : {"c1", "m1", "c2", "m2"}) {
    const bool compute = name[0] == 'c';
    sc.workloads.streams.push_back(
        stream(name, compute ? c_flops : 1e6, compute ? 1e6 : m_bytes, 1, periodic(80)));
    sc.workloads.streams.back().sla = Seconds{0.015};
  }
  sc.workloads.run.duration = Seconds{4.0};
  sc.workloads.run.warmup = Seconds{1.0};
  sc.workloads.run.drain = Seconds{1.0};

  auto attainment = [&](const Outcome& o) {
    const RunMetrics m = compute_metrics(sc, o.plan, o.result);
    double met = 0, generated = 0;
    for (const auto& w : m.workloads) {
      met += *w.sla_attainment * static_cast<double>(w.generated);
      generated += static_cast<double>(w.generated);
    }
    return met / generated;
  };
  const Outcome rr = simulate_with(sc, "round-robin");
  const Outcome ia = simulate_with(sc, "interference-aware");
  EXPECT_EQ(rr.plan.unit_of(), (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(ia.plan.unit_of(), (std::vector<int>{0, 1, 1, 0}));
  EXPECT_GE(attainment(ia), 0.99);
  EXPECT_LE(attainment(rr), 0.2);
}

}  // namespace
}  // namespace gpusim::test
