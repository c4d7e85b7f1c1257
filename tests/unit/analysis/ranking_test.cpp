// gpusim compare's summary of one run and its ranking, on hand-made records.

#include "analysis/ranking.hpp"

#include <gtest/gtest.h>

#include "scenario_builder.hpp"

namespace gpusim::test {
namespace {

CompareRow row(const std::string& name, std::optional<double> attainment, double p99_ms, double rps = 100,
               int devices = 2, int units = 2, double energy = 1000) {
  CompareRow r;
  r.scheduler = name;
  r.sla_attainment = attainment;
  r.p99_s = p99_ms * 1e-3;
  r.throughput_rps = rps;
  r.devices_used = devices;
  r.units_used = units;
  r.energy_j = energy;
  return r;
}

std::vector<std::string> names(const std::vector<CompareRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.scheduler);
  return out;
}

TEST(CompareRanking, AttainmentThenP99ThenThroughputThenDevicesUnitsEnergy) {
  std::vector<CompareRow> rows{row("slow", 0.95, 10),        row("fast", 0.95, 8),
                               row("best", 0.99, 50),        row("broken", std::nullopt, 0),
                               row("lean", 0.95, 8, 100, 1), row("leaner", 0.95, 8, 100, 1, 1, 900),
                               row("busier", 0.95, 8, 101)};
  rows[3].error = "scheduler 'broken' at t=0s: placed 0 streams, expected 4";
  rank_rows(rows);
  EXPECT_EQ(names(rows),
            (std::vector<std::string>{"best", "busier", "leaner", "lean", "fast", "slow", "broken"}));
}

TEST(CompareRanking, DifferencesBelowThePrintedPrecisionTie) {
  // 0.950001 and 0.95 print alike (95.00 %): the lower p99 decides.
  std::vector<CompareRow> rows{row("a", 0.950001, 9), row("b", 0.95, 8)};
  rank_rows(rows);
  EXPECT_EQ(names(rows), (std::vector<std::string>{"b", "a"}));
}

TEST(CompareSummary, AttainmentIsWeightedByGeneratedRequests) {
  // Workload a (SLA 10 ms): 3 measured requests, 2 within 10 ms; b (SLA 10 ms): 1 request, met; c has no
  // SLA and does not count. Overall 3 / 4 = 0.75, not the mean of 2/3 and 1. One request of a arrives in
  // the warm-up and is not measured. p99 (nearest rank) of the 5 measured latencies 2, 4, 5, 12, 20 ms is
  // 20 ms. Only gpu0 holds streams: 1 device, 1 unit.
  Scenario sc;
  sc.platform.devices.push_back(device(a100(1, 1, 0), SharingMode::TIME_SLICE, "gpu0"));
  sc.platform.devices.push_back(device(a100(1, 1, 0), SharingMode::TIME_SLICE, "gpu1"));
  for (const char* n : {"a", "b", "c"}) sc.workloads.streams.push_back(stream(n, 1e9, 1e6, 1, periodic(1)));
  sc.workloads.streams[0].sla = Seconds{0.010};
  sc.workloads.streams[1].sla = Seconds{0.010};
  sc.workloads.run.warmup = Seconds{1.0};
  sc.workloads.run.duration = Seconds{10.0};
  const Plan plan = PlanBuilder(sc, "test").add_device(0).add_device(1).place_all({0, 0, 0}).build();
  SimResult r;
  r.devices.resize(2);
  auto done = [&](std::uint32_t s, double arrival, double latency_ms) {
    r.requests.push_back(
        RequestRecord{s, RequestStatus::COMPLETED, arrival, arrival, arrival + latency_ms * 1e-3});
  };
  done(0, 0.5, 1);  // warm-up
  done(0, 2.0, 4);
  done(0, 3.0, 5);
  done(0, 4.0, 12);
  done(1, 2.5, 2);
  done(2, 3.5, 20);
  const CompareRow row = summarise_run(sc, plan, r, "test");
  ASSERT_TRUE(row.sla_attainment);
  EXPECT_DOUBLE_EQ(*row.sla_attainment, 0.75);
  EXPECT_NEAR(row.p99_s, 0.020, 1e-12);
  EXPECT_DOUBLE_EQ(row.throughput_rps, 5 / 9.0);
  EXPECT_EQ(row.generated, 5u);
  EXPECT_EQ(row.devices_used, 1);
  EXPECT_EQ(row.units_used, 1);
}

}  // namespace
}  // namespace gpusim::test
