// Layer graph, liveness peak memory, footprint and critical path on hand-built models (ModelBuilder).

#include "workloads/model/model_graph.hpp"

#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "workloads/model/model_builder.hpp"

namespace gpusim {
namespace {

/// x [1, 100] -> L0 gemm 200 -> L1 gemm 50 ----------------> L4 add -> output
///                          \-> L2 gemm 300 -> L3 gemm 50 -/
ModelBuilder diamond() {
  ModelBuilder b("diamond");
  auto x = b.input("x", {1, 100});
  auto a = b.name_next("L0").gemm(x, 200);
  auto l1 = b.name_next("L1").gemm(a, 50);
  auto c = b.name_next("L2").gemm(a, 300);
  auto d = b.name_next("L3").gemm(c, 50);
  b.output(b.name_next("L4").add(l1, d));
  return b;
}

TEST(ModelGraph, LivenessPeakOnADiamond) {
  const ModelCost m = diamond().build(1, Precision::FP32);
  ASSERT_EQ(m.layers.size(), 5u);
  EXPECT_EQ(m.layers[4].inputs, (std::vector<size_t>{1, 3}));
  EXPECT_EQ(m.layers[2].inputs, (std::vector<size_t>{0}));
  // Live ranges in steps (elements): x [0, 0] 100; a [0, 2] 200; b [1, 4] 50; c [2, 3] 300;
  // d [3, 4] 50; e [4, 4] 50 (output).
  // Step 0: x + a = 300; 1: a + b = 250; 2: a + b + c = 550; 3: b + c + d = 400; 4: b + d + e = 150.
  // Peak = 550 elements * 4 B = 2,200 B.
  EXPECT_DOUBLE_EQ(m.peak_activation_bytes.v, 2200.0);
  // Weights: 100*200+200 + 200*50+50 + 200*300+300 + 300*50+50 = 105,600 elements = 422,400 B.
  EXPECT_DOUBLE_EQ(m.weight_bytes.v, 422400.0);
  EXPECT_DOUBLE_EQ(m.total_params(), 105600.0);
  // I/O: x 100 + output 50 elements = 600 B. Memory = 422,400 + 2,200 + 600.
  EXPECT_DOUBLE_EQ(m.io_bytes.v, 600.0);
  EXPECT_DOUBLE_EQ(m.memory_bytes.v, 425200.0);
}

TEST(ModelGraph, BatchAndPrecisionScaleActivationsNotWeights) {
  const ModelCost m = diamond().build(3, Precision::FP16);
  // Peak 3 * 550 elements * 2 B = 3,300 B; weights 105,600 * 2 B; I/O 3 * 150 * 2 B = 900 B.
  EXPECT_DOUBLE_EQ(m.peak_activation_bytes.v, 3300.0);
  EXPECT_DOUBLE_EQ(m.weight_bytes.v, 211200.0);
  EXPECT_DOUBLE_EQ(m.io_bytes.v, 900.0);
  // L2 at batch 3: MACs = 3 * 200 * 300 = 180,000.
  EXPECT_DOUBLE_EQ(m.layers[2].macs, 180000.0);
  EXPECT_EQ(m.layers[4].output_shape, (Shape{3, 50}));
}

TEST(ModelGraph, CriticalPathByFlopsAndByCallback) {
  const ModelCost m = diamond().build(1, Precision::FP32);
  // FLOPs: L0 2*100*200+200 = 40,200; L1 2*200*50+50 = 20,050; L2 2*200*300+300 = 120,300;
  // L3 2*300*50+50 = 30,050; L4 50. L0-L2-L3-L4 = 190,600 beats L0-L1-L4 = 60,300.
  EXPECT_EQ(m.critical_path, (std::vector<size_t>{0, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(m.layers[2].flops, 120300.0);
  // A callback that makes L1 expensive moves the path through it.
  const auto path = critical_path(m, [](const LayerCost& l) { return l.name == "L1" ? 1e9 : 1.0; });
  EXPECT_EQ(path, (std::vector<size_t>{0, 1, 4}));
}

TEST(ModelGraph, ViewsShareTheirInputBuffer) {
  // x [1, 4, 25] (100) -> reshape [0, -1] (a view: same 100-element buffer) -> relu (100) -> output.
  // Peak = 200 elements (x's buffer, still read through the view, and relu's output), not 300.
  ModelBuilder b("views");
  auto x = b.input("x", {1, 4, 25});
  auto r = b.reshape(x, {0, -1});
  b.output(b.relu(r));
  const ModelCost m = b.build(1, Precision::FP32);
  EXPECT_TRUE(m.layers[0].is_view);
  EXPECT_DOUBLE_EQ(m.layers[0].total_bytes().v, 0.0);
  EXPECT_DOUBLE_EQ(m.peak_activation_bytes.v, 800.0);
}

TEST(ModelGraph, OutputsStayLiveUntilTheEnd) {
  // x [1, 10] -> A relu (10, a graph output) -> B gemm 1000 -> C relu (1000, output).
  // Step 1 (B): A (kept: output) + B's output = 1,010; step 2 (C): A + B + C = 2,010 elements.
  ModelBuilder b("outputs");
  auto x = b.input("x", {1, 10});
  auto a = b.relu(x);
  b.output(a);
  b.output(b.relu(b.gemm(a, 1000)));
  EXPECT_DOUBLE_EQ(b.build(1, Precision::FP32).peak_activation_bytes.v, 2010.0 * 4);
}

TEST(ModelBuilder, MobileNetBlockMatchesHandCount) {
  // Inverted residual at 56x56: 1x1 24->144, BN, ReLU6; dw 3x3 144, BN, ReLU6; 1x1 144->24, BN; add.
  ModelBuilder b("block");
  auto x = b.input("x", {1, 24, 56, 56});
  auto y = b.clip(b.batch_norm(b.conv(x, 144, 1, 1, 0, 1, false)), 0, 6);
  y = b.clip(b.batch_norm(b.depthwise_conv(y, 3, 1, 1, false)), 0, 6);
  y = b.batch_norm(b.conv(y, 24, 1, 1, 0, 1, false));
  b.output(b.add(x, y));
  const ModelCost m = b.build(1, Precision::FP32);
  // MACs = 3136 * (24 * 144 + 144 * 9 + 144 * 24) = 3136 * 8,208 = 25,740,288.
  EXPECT_DOUBLE_EQ(m.total_macs(), 25740288.0);
  // params = 3,456 + 1,296 + 3,456 conv + BN scale and bias 2 * (144 + 144 + 24) = 8,208 + 624 = 8,832;
  // the BN running mean and variance (624) are buffers: in the weight bytes, 9,456 x 4 B.
  EXPECT_DOUBLE_EQ(m.total_params(), 8832.0);
  EXPECT_DOUBLE_EQ(m.buffers, 624.0);
  EXPECT_DOUBLE_EQ(m.weight_bytes.v, 9456.0 * 4);
  EXPECT_EQ(m.layers.back().output_shape, (Shape{1, 24, 56, 56}));
}

TEST(ModelBuilder, ErrorsNameTheModelAndLayer) {
  ModelBuilder b("bad");
  auto x = b.input("x", {1, 3, 8, 8});
  EXPECT_THROW(b.conv(x, 8, 3, 1, 0, 2), ConfigError);  // 3 channels, 2 groups
  auto y = b.input("y", {1, 4, 8, 8});
  try {
    b.name_next("sum").add(x, y);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("model 'bad': layer 'sum' (Add)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(b.build(0, Precision::FP32), ConfigError);
}

}  // namespace
}  // namespace gpusim
