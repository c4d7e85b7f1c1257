// A Poisson stream on one device with a deterministic service time is an M/D/1 queue. Its mean waiting
// time is Wq = rho * S / (2 (1 - rho)) (Pollaczek-Khinchine with zero service variance), so the mean
// latency is S + Wq. The simulation must agree within 5 % at 50 % and 80 % load.

#include <gtest/gtest.h>

#include <cstdio>

#include "analysis/metrics.hpp"
#include "scenario_builder.hpp"

using namespace gpusim;
using namespace gpusim::test;

namespace {

double md1_wait(double rho, double s) { return rho * s / (2.0 * (1.0 - rho)); }

double simulated_mean_wait(double rho, double service_s, double duration_s) {
  Scenario sc;
  sc.platform.devices.push_back(device(a100(0.7, 0.9, 0.0), SharingMode::TIME_SLICE));
  sc.workloads.run.duration = Seconds{duration_s};
  sc.workloads.run.warmup = Seconds{10.0};
  sc.workloads.run.drain = Seconds{60.0};
  sc.workloads.run.seed = 7;
  // Service: one compute-bound kernel of service_s seconds at 13.65 TFLOP/s.
  sc.workloads.streams.push_back(stream("p", service_s * 13.65e12, 1e3, 1, poisson(rho / service_s)));
  Plan plan;
  const SimResult r = run(sc, &plan);
  const RunMetrics m = compute_metrics(sc, plan, r);
  std::printf("rho %.2f: simulated wait %.4g s, M/D/1 %.4g s\n", rho, m.workloads[0].latency.mean - service_s, md1_wait(rho, service_s));
  return m.workloads[0].latency.mean - service_s;
}

}  // namespace

TEST(Queueing, MD1MeanWaitAtHalfLoad) {
  const double s = 1e-3;
  const double w = simulated_mean_wait(0.5, s, 400.0);
  EXPECT_NEAR(w / md1_wait(0.5, s), 1.0, 0.05) << "simulated " << w << " s, M/D/1 " << md1_wait(0.5, s) << " s";
}

TEST(Queueing, MD1MeanWaitAtEightyPercentLoad) {
  const double s = 1e-3;
  const double w = simulated_mean_wait(0.8, s, 400.0);
  EXPECT_NEAR(w / md1_wait(0.8, s), 1.0, 0.05) << "simulated " << w << " s, M/D/1 " << md1_wait(0.8, s) << " s";
}
