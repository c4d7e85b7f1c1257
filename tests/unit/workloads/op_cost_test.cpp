// Per-op shape functions and cost formulas against hand-computed values (arithmetic in the comments).

#include "workloads/model/op_cost.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace gpusim {
namespace {

OpInput act(Shape s) { return OpInput{InputKind::ACTIVATION, std::move(s), std::nullopt}; }
OpInput weight(Shape s) { return OpInput{InputKind::WEIGHT, std::move(s), std::nullopt}; }
OpInput arg(std::vector<int64_t> v) {
  ConstantData d;
  d.ints = v;
  return OpInput{InputKind::ARGUMENT, Shape{static_cast<int64_t>(v.size())}, d};
}
OpInput float_arg(std::vector<double> v) {
  ConstantData d;
  d.is_float = true;
  d.floats = v;
  return OpInput{InputKind::ARGUMENT, Shape{static_cast<int64_t>(v.size())}, d};
}

OpNode node(const std::string& op, std::vector<OpInput> inputs, OpAttributes attrs = {}, size_t outputs = 1) {
  OpNode n;
  n.name = op + "_test";
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  n.num_outputs = outputs;
  return n;
}

Shape out_shape(const OpNode& n, size_t i = 0) {
  auto shapes = infer_output_shapes(n);
  if (!shapes) throw std::runtime_error("no shape");
  return shapes->at(i);
}

LayerCost cost(const OpNode& n, Precision p = Precision::FP32) {
  auto shapes = infer_output_shapes(n);
  if (!shapes) throw std::runtime_error("no shape");
  return layer_cost(n, *shapes, p);
}

OpAttributes conv_attrs(int64_t k, int64_t s, int64_t p, int64_t group = 1, int64_t d = 1) {
  OpAttributes a;
  a.set("kernel_shape", Shape{k, k}).set("strides", Shape{s, s}).set("pads", Shape{p, p, p, p});
  a.set("dilations", Shape{d, d}).set("group", group);
  return a;
}

TEST(ConvCost, ResNetStemWithBias) {
  // X [2, 3, 224, 224], W [64, 3, 7, 7], B [64], stride 2, pad 3: out = floor((224 + 6 - 7) / 2) + 1 = 112.
  const auto n =
      node("Conv", {act({2, 3, 224, 224}), weight({64, 3, 7, 7}), weight({64})}, conv_attrs(7, 2, 3));
  const LayerCost c = cost(n);
  EXPECT_EQ(c.output_shape, (Shape{2, 64, 112, 112}));
  // MACs = N * Cout * Hout * Wout * (Cin / groups) * Kh * Kw = 2 * 64 * 112 * 112 * 3 * 7 * 7 = 236,027,904
  EXPECT_DOUBLE_EQ(c.macs, 236027904.0);
  // FLOPs = 2 * MACs + bias adds (2 * 64 * 112 * 112 = 1,605,632) = 472,055,808 + 1,605,632
  EXPECT_DOUBLE_EQ(c.flops, 473661440.0);
  // params = 64 * 3 * 7 * 7 + 64 = 9,472
  EXPECT_DOUBLE_EQ(c.params, 9472.0);
  EXPECT_DOUBLE_EQ(c.weight_bytes.v, 9472.0 * 4);
  // read = (input 2 * 3 * 224 * 224 = 301,056 + weights 9,472) * 4 B; written = 1,605,632 * 4 B
  EXPECT_DOUBLE_EQ(c.bytes_read.v, (301056.0 + 9472.0) * 4);
  EXPECT_DOUBLE_EQ(c.bytes_written.v, 1605632.0 * 4);
  EXPECT_DOUBLE_EQ(c.working_set.v, c.bytes_read.v + c.bytes_written.v);
}

TEST(ConvCost, DepthwiseAndGrouped) {
  // Depth-wise: X [1, 32, 112, 112], W [32, 1, 3, 3], groups 32, pad 1 -> [1, 32, 112, 112];
  // MACs = 32 * 112 * 112 * 1 * 3 * 3 = 3,612,672, no bias: FLOPs = 7,225,344.
  const LayerCost dw =
      cost(node("Conv", {act({1, 32, 112, 112}), weight({32, 1, 3, 3})}, conv_attrs(3, 1, 1, 32)));
  EXPECT_EQ(dw.output_shape, (Shape{1, 32, 112, 112}));
  EXPECT_DOUBLE_EQ(dw.macs, 3612672.0);
  EXPECT_DOUBLE_EQ(dw.flops, 7225344.0);
  // Grouped: X [1, 64, 16, 16], W [128, 16, 3, 3], groups 4 -> MACs = 128 * 16 * 16 * 16 * 9 = 4,718,592.
  const LayerCost g =
      cost(node("Conv", {act({1, 64, 16, 16}), weight({128, 16, 3, 3})}, conv_attrs(3, 1, 1, 4)));
  EXPECT_DOUBLE_EQ(g.macs, 4718592.0);
  // Channels that do not match W[1] * groups are an error.
  EXPECT_THROW(cost(node("Conv", {act({1, 63, 16, 16}), weight({128, 16, 3, 3})}, conv_attrs(3, 1, 1, 4))),
               OpError);
}

TEST(ConvCost, DilationAndAutoPad) {
  // Dilation 2 makes a 3x3 kernel span 5: out = 32 - 5 + 1 = 28; MACs = 16 * 28 * 28 * 8 * 9 = 903,168.
  const LayerCost d =
      cost(node("Conv", {act({1, 8, 32, 32}), weight({16, 8, 3, 3})}, conv_attrs(3, 1, 0, 1, 2)));
  EXPECT_EQ(d.output_shape, (Shape{1, 16, 28, 28}));
  EXPECT_DOUBLE_EQ(d.macs, 903168.0);
  // SAME_UPPER, stride 2 on 15: ceil(15 / 2) = 8. VALID, k 3, stride 2 on 15: floor((15 - 3) / 2) + 1 = 7.
  OpAttributes same;
  same.set("strides", Shape{2, 2}).set("auto_pad", std::string("SAME_UPPER"));
  EXPECT_EQ(out_shape(node("Conv", {act({1, 4, 15, 15}), weight({4, 4, 3, 3})}, same)), (Shape{1, 4, 8, 8}));
  OpAttributes valid;
  valid.set("strides", Shape{2, 2}).set("auto_pad", std::string("VALID"));
  EXPECT_EQ(out_shape(node("Conv", {act({1, 4, 15, 15}), weight({4, 4, 3, 3})}, valid)), (Shape{1, 4, 7, 7}));
}

TEST(ConvCost, ConvTranspose) {
  // X [1, 16, 8, 8], W [16, 8, 4, 4], stride 2, pad 1: out = 2 * (8 - 1) + 4 - 2 = 16, Cout = 8.
  // MACs = N * Cin * H * W * (Cout / groups) * Kh * Kw = 16 * 64 * 8 * 16 = 131,072;
  // bias adds = 8 * 16 * 16 = 2,048; FLOPs = 262,144 + 2,048 = 264,192.
  const LayerCost c = cost(
      node("ConvTranspose", {act({1, 16, 8, 8}), weight({16, 8, 4, 4}), weight({8})}, conv_attrs(4, 2, 1)));
  EXPECT_EQ(c.output_shape, (Shape{1, 8, 16, 16}));
  EXPECT_DOUBLE_EQ(c.macs, 131072.0);
  EXPECT_DOUBLE_EQ(c.flops, 264192.0);
}

TEST(MatMulCost, GemmFullyConnected) {
  // A [4, 512], B [1000, 512] with transB, C [1000]: MACs = 4 * 512 * 1000 = 2,048,000;
  // FLOPs = 4,096,000 + bias 4 * 1000 = 4,100,000; params = 512,000 + 1,000.
  const LayerCost c = cost(node("Gemm", {act({4, 512}), weight({1000, 512}), weight({1000})},
                                OpAttributes{}.set("transB", int64_t{1})));
  EXPECT_EQ(c.output_shape, (Shape{4, 1000}));
  EXPECT_DOUBLE_EQ(c.macs, 2048000.0);
  EXPECT_DOUBLE_EQ(c.flops, 4100000.0);
  EXPECT_DOUBLE_EQ(c.params, 513000.0);
  EXPECT_THROW(
      cost(node("Gemm", {act({4, 512}), weight({1000, 256})}, OpAttributes{}.set("transB", int64_t{1}))),
      OpError);
}

TEST(MatMulCost, BatchedBroadcastAndVectors) {
  // Attention scores: [2, 12, 128, 64] x [2, 12, 64, 128]: MACs = 2 * 12 * 128 * 64 * 128 = 25,165,824.
  const LayerCost s = cost(node("MatMul", {act({2, 12, 128, 64}), act({2, 12, 64, 128})}));
  EXPECT_EQ(s.output_shape, (Shape{2, 12, 128, 128}));
  EXPECT_DOUBLE_EQ(s.macs, 25165824.0);
  EXPECT_DOUBLE_EQ(s.flops, 2 * 25165824.0);
  // Broadcast batch dims: [8, 1, 3, 4] x [5, 4, 2] -> [8, 5, 3, 2]; MACs = 8 * 5 * 3 * 4 * 2 = 960.
  const LayerCost b = cost(node("MatMul", {act({8, 1, 3, 4}), act({5, 4, 2})}));
  EXPECT_EQ(b.output_shape, (Shape{8, 5, 3, 2}));
  EXPECT_DOUBLE_EQ(b.macs, 960.0);
  // 1-D A: [4] x [4, 3] -> [3], MACs = 4 * 3 = 12.
  const LayerCost v = cost(node("MatMul", {act({4}), act({4, 3})}));
  EXPECT_EQ(v.output_shape, (Shape{3}));
  EXPECT_DOUBLE_EQ(v.macs, 12.0);
  EXPECT_THROW(cost(node("MatMul", {act({2, 3}), act({4, 5})})), OpError);
}

TEST(ElementwiseCost, ActivationsPerElement) {
  // 20 elements at fp16 (2 B): every activation reads 40 B and writes 40 B; MACs are never counted.
  const Shape x{2, 10};
  const LayerCost relu = cost(node("Relu", {act(x)}), Precision::FP16);
  EXPECT_DOUBLE_EQ(relu.flops, 20.0);  // 1 per element
  EXPECT_DOUBLE_EQ(relu.macs, 0.0);
  EXPECT_DOUBLE_EQ(relu.bytes_read.v, 40.0);
  EXPECT_DOUBLE_EQ(relu.bytes_written.v, 40.0);
  EXPECT_DOUBLE_EQ(cost(node("Sigmoid", {act(x)})).flops, 80.0);     // 4 per element
  EXPECT_DOUBLE_EQ(cost(node("Tanh", {act(x)})).flops, 100.0);       // 5 per element
  EXPECT_DOUBLE_EQ(cost(node("HardSwish", {act(x)})).flops, 100.0);  // 5 per element
  EXPECT_DOUBLE_EQ(cost(node("Clip", {act(x)})).flops, 40.0);        // 2 per element
  EXPECT_DOUBLE_EQ(cost(node("Gelu", {act(x)})).flops, 100.0);       // 5 per element (erf form)
  EXPECT_DOUBLE_EQ(cost(node("Erf", {act(x)})).flops, 20.0);         // 1 per element
  // PRelu [1, 64, 56, 56] with slopes [64, 1, 1]: FLOPs = 2 * 200,704 = 401,408; params = 64.
  const LayerCost prelu = cost(node("PRelu", {act({1, 64, 56, 56}), weight({64, 1, 1})}));
  EXPECT_EQ(prelu.output_shape, (Shape{1, 64, 56, 56}));
  EXPECT_DOUBLE_EQ(prelu.flops, 401408.0);
  EXPECT_DOUBLE_EQ(prelu.params, 64.0);
}

TEST(ElementwiseCost, BroadcastBinary) {
  // [2, 3, 4] + [4] -> [2, 3, 4]: FLOPs 24; read (24 + 4) * 4 B = 112 B, written 24 * 4 B = 96 B.
  const LayerCost add = cost(node("Add", {act({2, 3, 4}), act({4})}));
  EXPECT_EQ(add.output_shape, (Shape{2, 3, 4}));
  EXPECT_DOUBLE_EQ(add.flops, 24.0);
  EXPECT_DOUBLE_EQ(add.bytes_read.v, 112.0);
  EXPECT_DOUBLE_EQ(add.bytes_written.v, 96.0);
  // [3, 1] * [1, 5] -> [3, 5]: 15 FLOPs; a constant operand counts as a weight.
  const LayerCost mul = cost(node("Mul", {act({3, 1}), weight({1, 5})}));
  EXPECT_EQ(mul.output_shape, (Shape{3, 5}));
  EXPECT_DOUBLE_EQ(mul.flops, 15.0);
  EXPECT_DOUBLE_EQ(mul.params, 5.0);
  EXPECT_THROW(cost(node("Sub", {act({2, 3}), act({4})})), OpError);
}

TEST(NormalizationCost, BatchLayerSoftmaxReduce) {
  // BN [2, 8, 4, 4]: 2 FLOPs per element = 512; params = 2 * 8 (scale, B); the kernel reads all four
  // [8] tensors (mean and var are buffers): weight bytes 4 * 8 * 4 B.
  const LayerCost bn = cost(
      node("BatchNormalization", {act({2, 8, 4, 4}), weight({8}), weight({8}), weight({8}), weight({8})}));
  EXPECT_DOUBLE_EQ(bn.flops, 512.0);
  EXPECT_DOUBLE_EQ(bn.params, 16.0);
  EXPECT_DOUBLE_EQ(bn.weight_bytes.v, 128.0);
  // LayerNorm [2, 128, 768] over the last axis with bias: 7 * 196,608 = 1,376,256; params 2 * 768.
  const LayerCost ln = cost(node("LayerNormalization", {act({2, 128, 768}), weight({768}), weight({768})}));
  EXPECT_DOUBLE_EQ(ln.flops, 1376256.0);
  EXPECT_DOUBLE_EQ(ln.params, 1536.0);
  // Softmax [2, 12, 128, 128]: 5 * 393,216 = 1,966,080.
  EXPECT_DOUBLE_EQ(cost(node("Softmax", {act({2, 12, 128, 128})})).flops, 1966080.0);
  // ReduceMean [2, 3, 4] over the last axis without keepdims -> [2, 3]: 24 adds + 6 divides.
  const LayerCost rm = cost(node("ReduceMean", {act({2, 3, 4})},
                                 OpAttributes{}.set("axes", Shape{-1}).set("keepdims", int64_t{0})));
  EXPECT_EQ(rm.output_shape, (Shape{2, 3}));
  EXPECT_DOUBLE_EQ(rm.flops, 30.0);
}

TEST(PoolCost, WindowsAndGlobal) {
  // MaxPool [1, 64, 112, 112], k 3, s 2, p 1 -> 56; FLOPs = 64 * 56 * 56 * 9 = 1,806,336.
  const LayerCost mp = cost(node("MaxPool", {act({1, 64, 112, 112})}, conv_attrs(3, 2, 1)));
  EXPECT_EQ(mp.output_shape, (Shape{1, 64, 56, 56}));
  EXPECT_DOUBLE_EQ(mp.flops, 1806336.0);
  // ceil_mode on 6 with k 3, s 2: floor(3 / 2) + 1 = 2 without, ceil(3 / 2) + 1 = 3 with.
  OpAttributes a = conv_attrs(3, 2, 0);
  EXPECT_EQ(out_shape(node("MaxPool", {act({1, 1, 6, 6})}, a)), (Shape{1, 1, 2, 2}));
  a.set("ceil_mode", int64_t{1});
  EXPECT_EQ(out_shape(node("MaxPool", {act({1, 1, 6, 6})}, a)), (Shape{1, 1, 3, 3}));
  // AveragePool k 2, s 2 on [1, 4, 8, 8] -> [1, 4, 4, 4]: 64 outputs * (4 adds + 1 divide) = 320.
  EXPECT_DOUBLE_EQ(cost(node("AveragePool", {act({1, 4, 8, 8})}, conv_attrs(2, 2, 0))).flops, 320.0);
  // GlobalAveragePool [2, 512, 7, 7] -> [2, 512, 1, 1]: 50,176 adds + 1,024 divides.
  const LayerCost gap = cost(node("GlobalAveragePool", {act({2, 512, 7, 7})}));
  EXPECT_EQ(gap.output_shape, (Shape{2, 512, 1, 1}));
  EXPECT_DOUBLE_EQ(gap.flops, 51200.0);
}

TEST(TensorCost, ViewsMoveNothingCopiesMoveEverything) {
  // Reshape [2, 3, 4] to [0, -1] = [2, 12]: a view, zero bytes.
  const LayerCost r = cost(node("Reshape", {act({2, 3, 4}), arg({0, -1})}));
  EXPECT_EQ(r.output_shape, (Shape{2, 12}));
  EXPECT_TRUE(r.is_view);
  EXPECT_DOUBLE_EQ(r.total_bytes().v, 0.0);
  EXPECT_THROW(cost(node("Reshape", {act({2, 3, 4}), arg({5, -1})})), OpError);
  EXPECT_EQ(out_shape(node("Flatten", {act({2, 3, 4, 5})}, OpAttributes{}.set("axis", int64_t{2}))),
            (Shape{6, 20}));
  EXPECT_EQ(out_shape(node("Squeeze", {act({1, 3, 1, 5}), arg({0, 2})})), (Shape{3, 5}));
  EXPECT_EQ(out_shape(node("Unsqueeze", {act({3, 5})}, OpAttributes{}.set("axes", Shape{0, 3}))),
            (Shape{1, 3, 5, 1}));
  // Transpose [2, 3, 4] with perm (0, 2, 1): a real copy, 24 elements read and written at 4 B.
  const LayerCost t = cost(node("Transpose", {act({2, 3, 4})}, OpAttributes{}.set("perm", Shape{0, 2, 1})));
  EXPECT_EQ(t.output_shape, (Shape{2, 4, 3}));
  EXPECT_FALSE(t.is_view);
  EXPECT_DOUBLE_EQ(t.bytes_read.v, 96.0);
  EXPECT_DOUBLE_EQ(t.bytes_written.v, 96.0);
  EXPECT_DOUBLE_EQ(t.flops, 0.0);
  // Concat [1, 2, 4] and [1, 3, 4] on axis 1; Split [1, 6, 4] into 2 and 4.
  EXPECT_EQ(
      out_shape(node("Concat", {act({1, 2, 4}), act({1, 3, 4})}, OpAttributes{}.set("axis", int64_t{1}))),
      (Shape{1, 5, 4}));
  const auto split = node("Split", {act({1, 6, 4}), arg({2, 4})}, OpAttributes{}.set("axis", int64_t{1}), 2);
  EXPECT_EQ(out_shape(split, 0), (Shape{1, 2, 4}));
  EXPECT_EQ(out_shape(split, 1), (Shape{1, 4, 4}));
  // Pad [1, 3, 4, 4] by one on each side of H and W -> [1, 3, 6, 6].
  EXPECT_EQ(out_shape(node("Pad", {act({1, 3, 4, 4}), arg({0, 0, 1, 1, 0, 0, 1, 1})})), (Shape{1, 3, 6, 6}));
}

TEST(TensorCost, SliceClampsAndReadsOnlyThePick) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  // [1, 10, 4], axis 1 from 2 to "the end" by 3: ceil((10 - 2) / 3) = 3 -> [1, 3, 4]; reads and writes 12.
  const LayerCost s = cost(node("Slice", {act({1, 10, 4}), arg({2}), arg({big}), arg({1}), arg({3})}));
  EXPECT_EQ(s.output_shape, (Shape{1, 3, 4}));
  EXPECT_DOUBLE_EQ(s.bytes_read.v, 12.0 * 4);
  // Backwards from -1 (= 9) to "before the start" by -2: 9, 7, 5, 3, 1 -> 5 elements.
  EXPECT_EQ(out_shape(node("Slice", {act({10}), arg({-1}), arg({std::numeric_limits<int64_t>::min()}),
                                     arg({0}), arg({-2})})),
            (Shape{5}));
  // Opset-9 attribute form.
  OpAttributes a;
  a.set("starts", Shape{0}).set("ends", Shape{2}).set("axes", Shape{2});
  EXPECT_EQ(out_shape(node("Slice", {act({1, 4420, 4})}, a)), (Shape{1, 4420, 2}));
}

TEST(TensorCost, ResizeGatherAndUnknownOps) {
  // Nearest x2 on [1, 3, 8, 8] -> [1, 3, 16, 16]: 0 FLOPs. Linear on 2 axes: 3 * (2^2 - 1) = 9 per output.
  const auto nearest = node(
      "Resize", {act({1, 3, 8, 8}), OpInput{InputKind::ABSENT, {}, std::nullopt}, float_arg({1, 1, 2, 2})});
  EXPECT_EQ(out_shape(nearest), (Shape{1, 3, 16, 16}));
  EXPECT_DOUBLE_EQ(cost(nearest).flops, 0.0);
  auto linear = nearest;
  linear.attrs.set("mode", std::string("linear"));
  EXPECT_DOUBLE_EQ(cost(linear).flops, 9.0 * 768);
  // Embedding: a [30522, 768] table (params 23,440,896) gathered by ids [2, 128] -> [2, 128, 768];
  // read = ids 256 + gathered rows 196,608 elements.
  const LayerCost emb = cost(node("Gather", {weight({30522, 768}), act({2, 128})}));
  EXPECT_EQ(emb.output_shape, (Shape{2, 128, 768}));
  EXPECT_DOUBLE_EQ(emb.params, 23440896.0);
  EXPECT_DOUBLE_EQ(emb.bytes_read.v, (256.0 + 196608.0) * 4);
  // An op without a formula: flagged, zero FLOPs, its activations still read and written.
  EXPECT_FALSE(has_cost_formula("Hardmax"));
  const LayerCost unknown = layer_cost(node("Hardmax", {act({2, 5})}), {Shape{2, 5}}, Precision::INT8);
  EXPECT_FALSE(unknown.has_formula);
  EXPECT_DOUBLE_EQ(unknown.flops, 0.0);
  EXPECT_DOUBLE_EQ(unknown.bytes_read.v, 10.0);
  EXPECT_FALSE(infer_output_shapes(node("Hardmax", {act({2, 5})})).has_value());
}

TEST(TensorCost, PrecisionSetsElementSize) {
  // Conv 1x1 [1, 8, 4, 4] -> 16 channels, no bias: params 128; int4 weights take 0.5 B each = 64 B.
  const auto n = node("Conv", {act({1, 8, 4, 4}), weight({16, 8, 1, 1})}, conv_attrs(1, 1, 0));
  EXPECT_DOUBLE_EQ(cost(n, Precision::INT4).weight_bytes.v, 64.0);
  EXPECT_DOUBLE_EQ(cost(n, Precision::FP16).weight_bytes.v, 256.0);
  EXPECT_DOUBLE_EQ(cost(n, Precision::INT4).macs, cost(n, Precision::FP32).macs);
}

// ---- the kernel each op launches (kernel_shape.cpp) ----------------------------------------------

TEST(KernelShape, ConvolutionsAreImplicitGemms) {
  // ResNet stem at batch 2: M = 2 x 112 x 112 = 25,088 output pixels, N = 64 channels, K = 3 x 7 x 7 = 147.
  const LayerCost stem = cost(
      node("Conv", {act({2, 3, 224, 224}), weight({64, 3, 7, 7}), weight({64})}, conv_attrs(7, 2, 3)));
  EXPECT_EQ(stem.kernel.kind, KernelClass::GEMM);
  EXPECT_EQ(stem.kernel.m, 25088.0);
  EXPECT_EQ(stem.kernel.n, 64.0);
  EXPECT_EQ(stem.kernel.k, 147.0);
  EXPECT_EQ(stem.kernel.count, 1.0);
  // Grouped 3x3, 64 -> 64 channels in 4 groups on 8x8: per group N = 16, K = 16 x 9 = 144, 4 products.
  const LayerCost grouped =
      cost(node("Conv", {act({1, 64, 8, 8}), weight({64, 16, 3, 3})}, conv_attrs(3, 1, 1, 4)));
  EXPECT_EQ(grouped.kernel.n, 16.0);
  EXPECT_EQ(grouped.kernel.k, 144.0);
  EXPECT_EQ(grouped.kernel.count, 4.0);
  // Depth-wise 3x3 on [1, 32, 56, 56]: a direct kernel over its 100,352 outputs.
  const LayerCost dw =
      cost(node("Conv", {act({1, 32, 56, 56}), weight({32, 1, 3, 3})}, conv_attrs(3, 1, 1, 32)));
  EXPECT_EQ(dw.kernel.kind, KernelClass::ELEMENTWISE);
  EXPECT_EQ(dw.kernel.elements, 100352.0);
}

TEST(KernelShape, MatMulFoldsOrBatches) {
  // A linear layer [2, 128, 768] x W [768, 3072]: one GEMM, M = 256, N = 3072, K = 768.
  const LayerCost linear = cost(node("MatMul", {act({2, 128, 768}), weight({768, 3072})}));
  EXPECT_EQ(linear.kernel.m, 256.0);
  EXPECT_EQ(linear.kernel.n, 3072.0);
  EXPECT_EQ(linear.kernel.k, 768.0);
  EXPECT_FALSE(linear.kernel.count_scales);
  // Attention scores [2, 12, 128, 64] x [2, 12, 64, 128]: 24 products of 128 x 128 x 64.
  const LayerCost scores = cost(node("MatMul", {act({2, 12, 128, 64}), act({2, 12, 64, 128})}));
  EXPECT_EQ(scores.kernel.m, 128.0);
  EXPECT_EQ(scores.kernel.n, 128.0);
  EXPECT_EQ(scores.kernel.k, 64.0);
  EXPECT_EQ(scores.kernel.count, 24.0);
  EXPECT_TRUE(scores.kernel.count_scales);
}

TEST(KernelShape, ReductionsAndElementwise) {
  // Softmax over the last axis of [2, 12, 128, 128]: 3,072 rows of 128.
  const LayerCost sm = cost(node("Softmax", {act({2, 12, 128, 128})}, OpAttributes{}.set("axis", int64_t{-1})));
  EXPECT_EQ(sm.kernel.kind, KernelClass::REDUCTION);
  EXPECT_EQ(sm.kernel.elements, 3072.0);
  EXPECT_EQ(sm.kernel.k, 128.0);
  // Global average pooling of [1, 2048, 7, 7]: 2,048 rows of 49.
  const LayerCost gap = cost(node("GlobalAveragePool", {act({1, 2048, 7, 7})}));
  EXPECT_EQ(gap.kernel.elements, 2048.0);
  EXPECT_EQ(gap.kernel.k, 49.0);
  // Relu on [1, 64, 56, 56]: element-wise over 200,704 outputs.
  const LayerCost relu = cost(node("Relu", {act({1, 64, 56, 56})}));
  EXPECT_EQ(relu.kernel.kind, KernelClass::ELEMENTWISE);
  EXPECT_EQ(relu.kernel.elements, 200704.0);
}

}  // namespace
}  // namespace gpusim
