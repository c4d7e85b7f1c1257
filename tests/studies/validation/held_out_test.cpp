// The held-out rule for measured data and the per-category error statistics (docs/validation.md), on
// hand-made rows and cases whose expected values are worked out by hand. No simulation runs here.

#include "studies/validation/held_out.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/validation_report.hpp"
#include "analysis/writers/validation.hpp"

namespace gpusim {
namespace {

using namespace validation;

KernelRow kernel(const std::string& name) {
  KernelRow k;
  k.kernel = name;
  return k;
}

ValidationCase measured_case(const std::string& name, const std::string& category, double measured,
                             double predicted, bool held_out) {
  ValidationCase c;
  c.name = name;
  c.category = category;
  c.measured = measured;
  c.predicted = predicted;
  c.held_out = held_out;
  return c;
}

// File order: the BF16 GEMM is held out wherever it is; of the four L2-sweep points, the 2nd and 4th.
TEST(HeldOut, KernelsBf16GemmAndEverySecondL2Point) {
  const std::vector<KernelRow> rows{kernel("fma_fp32"),   kernel("stream_l2"), kernel("gemm_bf16"),
                                    kernel("stream_l2"),  kernel("gemm_fp16"), kernel("stream_l2"),
                                    kernel("stream_hbm"), kernel("stream_l2")};
  EXPECT_EQ(held_out_kernels(rows), (std::vector<bool>{false, false, true, true, false, false, false, true}));
  EXPECT_TRUE(held_out_kernels({}).empty());
}

TEST(HeldOut, PairsModelsAndModelPairs) {
  PairRow p;
  p.pair = "compute+memory";
  EXPECT_TRUE(held_out_pair(p));
  p.pair = "memory+memory";
  EXPECT_FALSE(held_out_pair(p));

  ModelRow m;
  m.batch = 32;
  EXPECT_TRUE(held_out_model(m));
  m.batch = 1;
  EXPECT_FALSE(held_out_model(m));

  ModelPairRow mp;
  mp.model_a = "resnet50";
  mp.model_b = "mobilenet_v2";
  EXPECT_FALSE(held_out_model_pair(mp));
  mp.model_b = "fr_detect";
  EXPECT_TRUE(held_out_model_pair(mp));
  EXPECT_FALSE(is_face_model("resnet50"));
  EXPECT_TRUE(is_face_model("fr_feature"));
}

TEST(ValidationCase, ErrorIsRelativeToTheMeasurement) {
  EXPECT_DOUBLE_EQ(*measured_case("x", kModels, 200.0, 150.0, false).error_pct(), -25.0);
  ValidationCase none = measured_case("y", kModels, 200.0, 150.0, false);
  none.predicted.reset();
  EXPECT_FALSE(none.error_pct().has_value());
  EXPECT_FALSE(measured_case("z", kModels, 0.0, 1.0, false).error_pct().has_value());
}

// Errors by hand: a +10 %, b -30 % (held out), c +50 % (another category, first in report order), d no
// prediction (left out). Isolated kernels, all: mean |e| 50, signed mean 50, worst c. Models, all: mean |e|
// (10 + 30) / 2 = 20, signed (10 - 30) / 2 = -10, worst b 30; calibration a alone; held-out b alone.
TEST(Summarise, PerCategoryAndSubsetInReportOrder) {
  std::vector<ValidationCase> cases{
      measured_case("a", kModels, 100.0, 110.0, false), measured_case("b", kModels, 100.0, 70.0, true),
      measured_case("c", kIsolatedKernels, 2.0, 3.0, false), measured_case("d", kModels, 100.0, 1.0, false)};
  cases[3].predicted.reset();
  const std::vector<CategorySummary> s = summarise(cases);
  ASSERT_EQ(s.size(), 5u);  // isolated: all, calibration (no held-out case); models: all three subsets
  EXPECT_EQ(s[0].category, "isolated kernels");
  EXPECT_EQ(s[0].subset, "all");
  EXPECT_EQ(s[0].cases, 1);
  EXPECT_DOUBLE_EQ(s[0].mean_abs_error_pct, 50.0);
  EXPECT_EQ(s[1].subset, "calibration");
  EXPECT_EQ(s[2].category, "models");
  EXPECT_EQ(s[2].subset, "all");
  EXPECT_EQ(s[2].cases, 2);
  EXPECT_NEAR(s[2].mean_abs_error_pct, 20.0, 1e-12);
  EXPECT_NEAR(s[2].mean_error_pct, -10.0, 1e-12);
  EXPECT_NEAR(s[2].worst_abs_error_pct, 30.0, 1e-12);
  EXPECT_EQ(s[2].worst_case, "b");
  EXPECT_EQ(s[3].subset, "calibration");
  EXPECT_EQ(s[3].cases, 1);
  EXPECT_EQ(s[3].worst_case, "a");
  EXPECT_EQ(s[4].subset, "held-out");
  EXPECT_EQ(s[4].cases, 1);
  EXPECT_NEAR(s[4].mean_error_pct, -30.0, 1e-12);
}

TEST(Summarise, CategoriesInReportOrderOthersLast) {
  EXPECT_LT(validation_category_rank(kIsolatedKernels), validation_category_rank(kL2ResidentKernels));
  EXPECT_LT(validation_category_rank(kL2ResidentKernels), validation_category_rank(kColocatedPairs));
  EXPECT_LT(validation_category_rank(kColocatedPairs), validation_category_rank(kModels));
  EXPECT_LT(validation_category_rank(kModels), validation_category_rank("power"));
}

// The JSON writer: a missing prediction and error are null; a note appears only when there is one.
TEST(ValidationJson, WritesCasesWithNullsAndTheSummary) {
  ValidationReport r;
  r.data_dir = "d";
  r.calibration = "none";
  r.cases.push_back(measured_case("a", kModels, 100.0, 110.0, false));
  r.cases.push_back(measured_case("b", kModels, 100.0, 1.0, true));
  r.cases[1].predicted.reset();
  r.cases[1].note = "no prediction";
  r.summary = summarise(r.cases);
  const nlohmann::json j = validation_json(r);
  EXPECT_EQ(j["data"], "d");
  EXPECT_EQ(j["sample"], false);
  ASSERT_EQ(j["cases"].size(), 2u);
  EXPECT_NEAR(j["cases"][0]["error_pct"].get<double>(), 10.0, 1e-12);
  EXPECT_FALSE(j["cases"][0].contains("note"));
  EXPECT_TRUE(j["cases"][1]["predicted"].is_null());
  EXPECT_TRUE(j["cases"][1]["error_pct"].is_null());
  EXPECT_EQ(j["cases"][1]["note"], "no prediction");
  ASSERT_EQ(j["summary"].size(), 2u);  // models: all and calibration (the held-out case has no prediction)
  EXPECT_EQ(j["summary"][1]["subset"], "calibration");
}

}  // namespace
}  // namespace gpusim
