// A two-stage pipeline read from YAML: detect (1 ms) then a per-face stage run once with batch = faces.
// The per-face stage reads its 1.3995 GB of weights once (1 ms at 1555 GB/s x 0.9) plus 0.13995 GB of
// activations per face (0.1 ms each): with 3 faces it takes 1.3 ms, not 3 x 1.1 ms.

#include <gtest/gtest.h>

#include "analysis/metrics.hpp"
#include "platforms/parse_platform.hpp"
#include "sim/runner.hpp"
#include "workloads/parse_workloads.hpp"

using namespace gpusim;

TEST(Pipeline, PerFaceStageRunsOnceWithBatchEqualToFacesAndReadsWeightsOnce) {
  const std::string dir = std::string(GPUSIM_TEST_DATA_DIR) + "/pipeline/";
  Scenario sc;
  sc.platform = parse_platform(dir + "platform.yaml", Catalog::load(GPUSIM_CATALOG_DIR));
  sc.workloads = parse_workloads(dir + "workloads.yaml");
  auto policy = make_scheduler("round-robin", Params{});
  const Plan plan = make_plan(sc, *policy, "round-robin");
  const SimResult r = run_simulation(sc, plan);
  ASSERT_EQ(r.requests.size(), 1u);
  ASSERT_EQ(r.stages.size(), 2u);
  const double detect = 13.65e9 / (19.5e12 * 0.7);                  // 1 ms, compute-bound
  const double embed = (1399.5e6 + 3 * 139.95e6) / (1555e9 * 0.9);  // 1.3 ms, memory-bound
  EXPECT_NEAR(r.stages[0].finish - r.stages[0].start, detect, 1e-9);
  EXPECT_EQ(r.stages[1].batch, 3);
  EXPECT_NEAR(r.stages[1].finish - r.stages[1].start, embed, 1e-9);
  EXPECT_NEAR(r.requests[0].finish - r.requests[0].arrival, detect + embed, 1e-9);
  const RunMetrics m = compute_metrics(sc, plan, r);
  ASSERT_EQ(m.workloads[0].stages.size(), 2u);
  EXPECT_EQ(m.workloads[0].stages[1].name, "embed");
  EXPECT_DOUBLE_EQ(m.workloads[0].stages[1].mean_batch, 3.0);
  EXPECT_NEAR(m.workloads[0].stages[1].done_at.max, detect + embed, 1e-9);
}
