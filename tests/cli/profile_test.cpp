// `gpusim profile`: the JSON of the face feature model against its hand-counted totals, the roofline
// columns against times computed here from the T4 datasheet, --input-shape reaching the importer, and the
// zoo. Runs the gpusim binary.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "platforms/catalog.hpp"

namespace gpusim::test {
namespace {

const nlohmann::json& layer(const nlohmann::json& j, const std::string& name) {
  for (const auto& l : j.at("layers")) {
    if (l.at("name") == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

/// T4 datasheet figures (NVIDIA T4 datasheet, 2018): 65 TFLOP/s fp16 tensor, 8.1 TFLOP/s fp32, 320 GB/s.
/// The efficiencies are modelling choices of the catalog entry, read from it.
struct T4 {
  double fp16 = 65e12;
  double fp32 = 8.1e12;
  double bandwidth = 320e9;
  double compute_eff = 0;
  double memory_eff = 0;
  T4() {
    const DeviceSpec d = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/T4.yaml");
    EXPECT_DOUBLE_EQ(d.peak(Precision::FP16)->v, fp16);
    EXPECT_DOUBLE_EQ(d.peak(Precision::FP32)->v, fp32);
    EXPECT_DOUBLE_EQ(d.memory_bandwidth.v, bandwidth);
    compute_eff = d.compute_efficiency;
    memory_eff = d.memory_efficiency;
  }
};

TEST(Profile, FeatureModelJsonHasTheHandCountedTotals) {
  TempDir dir;
  const Outcome o = gpusim(dir, "profile " + quoted(face_model("fr_feature")) + " --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j.at("model"), face_model("fr_feature"));
  const auto& total = j.at("total");
  // MobileFaceNet at 112x112, counted block by block in tests/unit/workloads/onnx_import_test.cpp
  // (FaceModels.FeatureIsMobileFaceNet); the paper gives 221 M multiply-adds.
  EXPECT_DOUBLE_EQ(total.at("macs").get<double>(), 221161984.0);
  EXPECT_DOUBLE_EQ(total.at("params").get<double>(), 1190336.0);
  EXPECT_DOUBLE_EQ(total.at("weight_bytes").get<double>(), 1190336.0 * 4);
  // Peak: two [1, 128, 56, 56] fp32 tensors live at once.
  EXPECT_DOUBLE_EQ(total.at("peak_activation_bytes").get<double>(), 2 * 401408.0 * 4);
  // weights + peak activations + I/O (input 3 x 112 x 112, output 512 elements).
  EXPECT_DOUBLE_EQ(total.at("memory_bytes").get<double>(), (1190336.0 + 2 * 401408.0 + 37632.0 + 512.0) * 4);
  // FLOPs are 2 per MAC plus the other ops' arithmetic (bias adds, PReLU, Add): more than 2 x MACs.
  EXPECT_GT(total.at("flops").get<double>(), 2 * 221161984.0);

  ASSERT_FALSE(j.at("layers").empty());
  double macs = 0;
  for (const auto& l : j.at("layers")) {
    for (const char* key : {"name", "op", "output_shape", "macs", "flops", "params", "bytes"}) {
      EXPECT_TRUE(l.contains(key)) << key;
    }
    EXPECT_FALSE(l.contains("bound")) << "roofline fields need --device";
    macs += l.at("macs").get<double>();
  }
  EXPECT_DOUBLE_EQ(macs, 221161984.0);
  const auto& conv0 = layer(j, "Conv_0");
  EXPECT_EQ(conv0.at("op"), "Conv");
  EXPECT_EQ(conv0.at("output_shape"), nlohmann::json({1, 64, 56, 56}));
  EXPECT_DOUBLE_EQ(conv0.at("macs").get<double>(), 56.0 * 56 * 64 * 3 * 9);
}

TEST(Profile, RooflineOnT4MarksMemoryAndComputeBoundLayers) {
  const T4 t4;
  TempDir dir;
  // fp16. Conv_0: 3 -> 64 channels, 3x3, stride 2, 112x112 -> 56x56, with bias.
  //   MACs 56 * 56 * 64 * 27 = 5,419,008; FLOPs 2 x MACs + 200,704 bias adds = 11,038,720.
  //   Bytes at 2 B: input 3 * 112 * 112 * 2 = 75,264 + weights (1,728 + 64) * 2 = 3,584
  //   + output 64 * 56 * 56 * 2 = 401,408 = 480,256.
  //   Compute 11,038,720 / (65 T x eff) = 0.26 us < memory 480,256 / (320 G x eff) = 1.88 us: memory-bound.
  Outcome o =
      gpusim(dir, "profile " + quoted(face_model("fr_feature")) + " --device T4 --precision fp16 --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  nlohmann::json j = nlohmann::json::parse(o.out);
  const auto& conv0 = layer(j, "Conv_0");
  EXPECT_DOUBLE_EQ(conv0.at("flops").get<double>(), 11038720.0);
  EXPECT_DOUBLE_EQ(conv0.at("bytes").get<double>(), 480256.0);
  EXPECT_EQ(conv0.at("bound"), "memory");
  EXPECT_NEAR(conv0.at("roofline_s").get<double>(), 480256.0 / (t4.bandwidth * t4.memory_eff), 1e-15);
  EXPECT_NEAR(conv0.at("compute_s").get<double>(), 11038720.0 / (t4.fp16 * t4.compute_eff), 1e-15);
  EXPECT_EQ(j.at("device").at("type"), "T4");
  // Launch: an implicit GEMM M = 3,136, N = 64, K = 27. 128x128 tiles (256 threads, 128 registers,
  // 3 x 256 x 64 B = 48 KiB of the T4's 64 KiB: 1 block per SM) give 25 x 1 = 25 blocks on 40 slots:
  // efficiency 25 / 40 (256x128: 13 / 40; 128x64, 1 per SM: 25 / 40, a tie kept by the larger tile;
  // 64x64, 2 per SM: 49 / 80). No split-K: K = 27 < 256.
  EXPECT_EQ(conv0.at("kernel_class"), "gemm");
  EXPECT_EQ(conv0.at("blocks").get<double>(), 25.0);
  EXPECT_EQ(conv0.at("blocks_per_sm").get<int>(), 1);
  EXPECT_EQ(conv0.at("waves").get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(conv0.at("launch_efficiency").get<double>(), 25.0 / 40);
  EXPECT_NEAR(conv0.at("time_s").get<double>(), 480256.0 / (t4.bandwidth * t4.memory_eff) / (25.0 / 40), 1e-15);

  // The text table says the same on Conv_0's row.
  o = gpusim(dir, "profile " + quoted(face_model("fr_feature")) + " --device T4 --precision fp16");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const auto row = o.out.find("\nConv_0 ");
  ASSERT_NE(row, std::string::npos) << o.out;
  const std::string line = o.out.substr(row + 1, o.out.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find(" memory "), std::string::npos) << line;
  EXPECT_NE(o.out.find("MFLOPs"), std::string::npos);
  EXPECT_NE(o.out.find("MMACs"), std::string::npos);

  // fp32. Conv_4: 1x1, 64 -> 128 channels at 56x56, with bias.
  //   MACs 3,136 * 128 * 64 = 25,690,112; FLOPs 2 x MACs + 401,408 bias adds = 51,781,632.
  //   Bytes at 4 B: input 3,136 * 64 * 4 = 802,816 + weights (8,192 + 128) * 4 = 33,280
  //   + output 3,136 * 128 * 4 = 1,605,632 = 2,441,728 (21.2 FLOP/B, above the T4's fp32 ridge of 20.6).
  //   Compute 51,781,632 / (8.1 T x eff) = 9.84 us > memory 2,441,728 / (320 G x eff) = 9.54 us.
  o = gpusim(dir, "profile " + quoted(face_model("fr_feature")) + " --device T4 --precision fp32 --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  j = nlohmann::json::parse(o.out);
  const auto& conv4 = layer(j, "Conv_4");
  EXPECT_DOUBLE_EQ(conv4.at("macs").get<double>(), 25690112.0);
  EXPECT_DOUBLE_EQ(conv4.at("flops").get<double>(), 51781632.0);
  EXPECT_DOUBLE_EQ(conv4.at("bytes").get<double>(), 2441728.0);
  EXPECT_EQ(conv4.at("bound"), "compute");
  EXPECT_NEAR(conv4.at("roofline_s").get<double>(), 51781632.0 / (t4.fp32 * t4.compute_eff), 1e-15);
  EXPECT_NEAR(conv4.at("memory_s").get<double>(), 2441728.0 / (t4.bandwidth * t4.memory_eff), 1e-15);
  // Totals: the kernel sum with launch geometry, and one launch overhead per kernel: 7050 GPU cycles at the
  // T4's 1590 MHz boost clock, 4.43 us in the catalog.
  const auto& total = j.at("total");
  EXPECT_GT(total.at("kernels").get<int>(), 0);
  EXPECT_GT(total.at("kernels_launched_s").get<double>(), total.at("kernels_roofline_s").get<double>());
  EXPECT_NEAR(total.at("latency_s").get<double>(),
              total.at("kernels_launched_s").get<double>() + total.at("kernels").get<int>() * 4.43e-6, 1e-12);
}

TEST(Profile, InputShapeReachesTheImporter) {
  TempDir dir;
  const std::string model = dir.file("dynamic.onnx");
  write_matmul_model(model, 256, 128, "features");
  // Without the shape: the importer's one-line error, exit 2.
  Outcome o = gpusim(dir, "profile " + quoted(model));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(one_line(o.err)) << o.err;
  EXPECT_NE(o.err.find("--input-shape x=DIMS"), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
  // With it: [1, 256] x [256, 128] = 32,768 MACs.
  o = gpusim(dir, "profile " + quoted(model) + " --input-shape x=1x256 --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(o.out).at("total").at("macs").get<double>(), 32768.0);
  // A malformed entry.
  o = gpusim(dir, "profile " + quoted(model) + " --input-shape x=1xfoo");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err,
            "error: --input-shape 'x=1xfoo': 'foo' is not a positive dim (expected NAME=DIMS, e.g. "
            "input=1x3x224x224)\n");
}

TEST(Profile, ZooAlexNetMatchesThop) {
  TempDir dir;
  const Outcome o = gpusim(dir, "profile zoo:alexnet --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  // thop on torchvision alexnet at 1x3x224x224: 714,206,912 "MACs" and 61,100,840 params. thop's total
  // includes 2 ops per output element of AdaptiveAvgPool2d((6, 6)), 2 x 256 x 36 = 18,432, which are not
  // multiply-accumulates: gpusim counts 714,206,912 - 18,432 = 714,188,480.
  EXPECT_DOUBLE_EQ(j.at("total").at("macs").get<double>(), 714206912.0 - 18432.0);
  EXPECT_DOUBLE_EQ(j.at("total").at("params").get<double>(), 61100840.0);
  EXPECT_EQ(j.at("model"), "zoo:alexnet");
}

TEST(Profile, BadInputsExit2WithOneLine) {
  TempDir dir;
  const std::string model = quoted(face_model("fr_feature"));
  Outcome o = gpusim(dir, "profile " + model + " --device T5");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(one_line(o.err)) << o.err;
  EXPECT_EQ(o.err.rfind("error: --device 'T5': unknown device type (known: ", 0), 0U) << o.err;
  EXPECT_NE(o.err.find("T4"), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");

  o = gpusim(dir, "profile " + model + " --precision fp12");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(
      o.err,
      "error: --precision 'fp12': unknown precision (valid: fp64, fp32, tf32, fp16, bf16, int8, int4)\n");

  o = gpusim(dir, "profile " + model + " --device T4 --precision bf16");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: --device 'T4' does not support bf16 (supported: fp64, fp32, fp16, int8, int4)\n");

  const std::string missing = dir.file("missing.onnx");
  o = gpusim(dir, "profile " + quoted(missing));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(one_line(o.err)) << o.err;
  EXPECT_EQ(o.err.rfind(missing + ": error: cannot open", 0), 0U) << o.err;
  EXPECT_EQ(o.out, "");
}

}  // namespace
}  // namespace gpusim::test
