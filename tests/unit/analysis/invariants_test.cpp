// The invariants checked after every run: hand-made records that satisfy them, each broken on purpose
// (one test per invariant, with its exact message), and a real simulation that passes them all.

#include "analysis/invariants.hpp"

#include <gtest/gtest.h>

#include "scenario_builder.hpp"

namespace gpusim::test {
namespace {

using Lines = std::vector<std::string>;

// One device gpu0, one workload 'a' of one stream (two stages); measured window [0, 10) s; the default controller
// (10 ms period, 0.1 s samples: 10 periods per sample).
Scenario one_stream() {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(1, 1, 0), SharingMode::TIME_SLICE, "gpu0"));
  sc.workloads.streams.push_back(stream("a", 1e9, 1e6, 1, periodic(1)));
  // A two-stage pipeline: stage records exist only for pipelines.
  sc.workloads.streams[0].stages.push_back(sc.workloads.streams[0].stages[0]);
  sc.workloads.streams[0].stages[1].name = "a2";
  sc.workloads.run.duration = Seconds{10.0};
  sc.workloads.run.seed = 42;
  return sc;
}

Plan plan_of(const Scenario& sc) { return PlanBuilder(sc, "test").add_all_devices().place_all({0}).build(); }

// Records that satisfy every invariant: one request completed, one dropped, one unfinished (started);
// a stage inside the completed request; utilisation 0.5/0.2/0.6; two samples at 100 W summing to 20 J,
// the run's energy 20.5 J (the last 0.5 J in periods after the last sample: at most 150 W x 9 x 10 ms).
SimResult sound_records() {
  SimResult r;
  r.requests.push_back(RequestRecord{0, RequestStatus::COMPLETED, 1.0, 1.5, 2.0});
  r.requests.push_back(RequestRecord{0, RequestStatus::DROPPED, 3.0, -1, -1});
  r.requests.push_back(RequestRecord{0, RequestStatus::UNFINISHED, 9.0, 9.5, -1});
  r.stages.push_back(StageRecord{0, 0, 1, 1.5, 2.0});
  r.devices.push_back(DeviceRecord{5.0, 2.0, 6.0, 1, 0});
  r.power.push_back(PowerRecord{20.0, 20.5, 150.0, 40.0, 1.41e9});
  r.samples.push_back(Sample{0, 0.1, 100.0, 30.0, 1.41e9, 0.5, 0.2});
  r.samples.push_back(Sample{0, 0.2, 100.0, 31.0, 1.41e9, 0.5, 0.2});
  r.end_time = 9.0;
  return r;
}

Lines check(const Scenario& sc, const SimResult& r) {
  const Plan plan = plan_of(sc);
  return check_invariants(sc, plan, r, compute_metrics(sc, plan, r));
}

TEST(Invariants, SoundRecordsPass) { EXPECT_EQ(check(one_stream(), sound_records()), Lines{}); }

TEST(Invariants, RequestConservation) {
  // A status outside the three kinds: the request is generated but neither completed, dropped nor
  // unfinished, over the whole run and in the metrics of the measured window.
  SimResult r = sound_records();
  r.requests[1].status = static_cast<RequestStatus>(7);
  EXPECT_EQ(check(one_stream(), r),
            (Lines{"workload 'a': whole run: generated 3 != completed 1 + dropped 0 + unfinished 1",
                   "workload 'a': measured window: generated 3 != completed 1 + dropped 0 + unfinished 1"}));
}

TEST(Invariants, MetricsCountTheRecords) {
  const Scenario sc = one_stream();
  const Plan plan = plan_of(sc);
  const SimResult r = sound_records();
  RunMetrics m = compute_metrics(sc, plan, r);
  ++m.workloads[0].completed;
  --m.workloads[0].unfinished;
  EXPECT_EQ(check_invariants(sc, plan, r, m),
            Lines{"workload 'a': measured window: the metrics count 3/2/1/0 generated/completed/dropped/"
                  "unfinished, the records 3/1/1/1"});
}

TEST(Invariants, EnergyIsTheIntegralOfPower) {
  // The samples account for 20 J; at most 13.5 J more can lie after the last sample.
  SimResult r = sound_records();
  r.power[0].energy_total_j = 40.0;
  EXPECT_EQ(check(one_stream(), r),
            Lines{"device 'gpu0': energy over the run 40 J, but the samples' power x interval sums to 20 J "
                  "(allowed: 0 to 13.5 J less)"});
  r.power[0].energy_total_j = 19.0;  // less than the samples hold
  r.power[0].energy_j = 19.0;
  EXPECT_EQ(check(one_stream(), r),
            Lines{"device 'gpu0': energy over the run 19 J, but the samples' power x interval sums to 20 J "
                  "(allowed: 0 to 13.5 J less)"});
}

TEST(Invariants, UtilisationWithinZeroAndOne) {
  SimResult r = sound_records();
  r.devices[0].compute_busy = 12.0;  // 12 s busy in a 10 s window
  r.samples[1].bandwidth_utilization = -0.5;
  EXPECT_EQ(check(one_stream(), r), (Lines{"unit 'gpu0': utilization 1.2 outside [0, 1]",
                                           "device 'gpu0': sample at 0.2 s: bandwidth utilization -0.5 "
                                           "outside [0, 1]"}));
}

TEST(Invariants, NoNegativeDurations) {
  SimResult r = sound_records();
  r.requests[0].finish = 1.25;
  r.stages[0].finish = 1.4;
  EXPECT_EQ(check(one_stream(), r),
            (Lines{"request 0 of workload 'a': finish 1.25 s before start 1.5 s",
                   "stage record 0 (request 0, stage 0): finish 1.4 s before start 1.5 s"}));
}

TEST(Invariants, AViolationIsAnInternalErrorNamingTheSeed) {
  const Scenario sc = one_stream();
  const Plan plan = plan_of(sc);
  SimResult r = sound_records();
  r.requests[0].start = 0.5;
  const RunMetrics m = compute_metrics(sc, plan, r);
  try {
    enforce_invariants(sc, plan, r, m);
    FAIL() << "no InvariantError";
  } catch (const InvariantError& e) {
    EXPECT_STREQ(e.what(),
                 "invariant violated: request 0 of workload 'a': start 0.5 s before arrival 1 s (seed 42)");
  }
}

TEST(Invariants, ARealRunPassesThemAll) {
  // Two streams of 10 requests/s on one device for 2 s after a 0.5 s warm-up, with power samples.
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.8, 5e-6), SharingMode::TIME_SLICE, "gpu0"));
  sc.workloads.streams.push_back(stream("a", 5e11, 1e9, 4, poisson(10)));
  sc.workloads.streams.push_back(stream("b", 1e11, 4e9, 2, periodic(10)));
  sc.workloads.run.warmup = Seconds{0.5};
  sc.workloads.run.duration = Seconds{2.5};
  sc.workloads.run.drain = Seconds{0.5};
  Plan plan;
  const SimResult r = run(sc, &plan);
  ASSERT_FALSE(r.samples.empty());
  ASSERT_GT(r.power.at(0).energy_total_j, 0.0);
  EXPECT_EQ(check_invariants(sc, plan, r, compute_metrics(sc, plan, r)), Lines{});
}

}  // namespace
}  // namespace gpusim::test
