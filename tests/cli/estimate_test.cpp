// `gpusim estimate` as a user runs it: the command on a one-MatMul model whose compute, latency and stream count are computed here
// from the T4 datasheet. Bad inputs exit 2 with one line.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "platforms/catalog.hpp"

namespace gpusim::test {
namespace {

TEST(Estimate, OneMatMulOnT4) {
  TempDir dir;
  const std::string model = dir.file("matmul.onnx");
  write_matmul_model(model, 1024, 1024);
  const DeviceSpec t4 = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/T4.yaml");
  // [1, 1024] x [1024, 1024] at fp32: 1,048,576 MACs, 2,097,152 FLOPs; bytes 4,096 in + 4,194,304 weights
  // + 4,096 out = 4,202,496. On a T4 (datasheet 8.1 TFLOP/s fp32, 320 GB/s) the one kernel is memory-bound:
  // 4,202,496 / (320 GB/s x memory efficiency), over its launch efficiency, + one launch overhead.
  // Launch (sim/launch_geometry.hpp): a GEMM M = 1, N = 1024, K = 1024 on CUDA cores (no fp32 tensor
  // cores on Turing); 256x128 tiles (256 threads, 192 registers: 1 block per SM) give 8 tiles on 40
  // slots, K split into min(40 / 8 = 5, 1024 / 256 = 4) = 4: 32 blocks, efficiency 32 / 40 = 0.8
  // (128x128, 2 per SM: 32 / 80; 128x64, 4 per SM: 64 / 160; 64x64, 5 per SM: 64 / 200).
  const double alone = 4202496.0 / (320e9 * t4.memory_efficiency) / 0.8 + t4.launch_overhead.v;
  // Shared by several streams, each request also pays one context switch (25 us, docs/contention.md).
  const double service = alone + 25e-6;
  const double rate = 1000;
  const long utilisation_limit = static_cast<long>(std::floor(1.0 / (rate * service)));
  // S = 20.52 us + 4.43 us (7050 cycles at the T4's 1590 MHz) + 25 us = 49.95 us at 1000/s: 20 streams
  // load the device to 99.9 %.
  ASSERT_EQ(utilisation_limit, 20);

  const Outcome o = gpusim(dir, "estimate " + quoted(model) + " --device T4 --rate 1000/s --sla 20ms --json");
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  EXPECT_DOUBLE_EQ(j.at("compute").at("macs_per_request").get<double>(), 1048576.0);
  EXPECT_DOUBLE_EQ(j.at("compute").at("flop_per_s").get<double>(), 2097152.0 * 1000);
  // JSON numbers carry 12 significant digits (analysis/writers/json_text.hpp).
  const double datasheet = 2097152.0 * 1000 / t4.compute_efficiency;
  EXPECT_NEAR(j.at("compute").at("datasheet_flop_per_s").get<double>(), datasheet, datasheet * 1e-11);
  EXPECT_NEAR(j.at("latency_alone_s").get<double>(), alone, 1e-12);
  EXPECT_NEAR(j.at("service_s").get<double>(), service, 1e-12);
  EXPECT_DOUBLE_EQ(j.at("memory").at("weight_bytes").get<double>(), 4194304.0);
  const auto& analytic = j.at("analytic");
  EXPECT_EQ(analytic.at("utilisation_limit").get<long>(), utilisation_limit);
  EXPECT_EQ(analytic.at("streams").get<long>(), utilisation_limit);
  EXPECT_EQ(analytic.at("limit"), "utilisation");

  // The simulation confirms within one stream: the answer keeps the device below full load, and one
  // stream more misses the SLA.
  const long streams = j.at("streams").get<long>();
  EXPECT_GE(streams, utilisation_limit - 1);
  EXPECT_LE(static_cast<double>(streams) * rate * service, 1.0 + 0.025);
  bool next_misses = false;
  bool answer_meets = false;
  for (const auto& r : j.at("simulation")) {
    if (r.at("streams").get<long>() == streams) answer_meets = r.at("meets").get<bool>();
    if (r.at("streams").get<long>() == streams + 1) next_misses = !r.at("meets").get<bool>();
  }
  EXPECT_TRUE(answer_meets) << o.out;
  EXPECT_TRUE(next_misses) << o.out;
}

TEST(Estimate, BadInputsExit2WithOneLine) {
  TempDir dir;
  const std::string model = quoted(face_model("fr_feature"));
  const std::string rest = " --rate 30/s --sla 100ms --simulate off";
  Outcome o = gpusim(dir, "estimate " + model + " --device T5" + rest);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(one_line(o.err)) << o.err;
  EXPECT_EQ(o.err.rfind("error: --device 'T5': unknown device type (known: ", 0), 0U) << o.err;
  EXPECT_EQ(o.out, "");

  o = gpusim(dir, "estimate " + model + " --device T4 --rate 30 --sla 100ms");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: --rate: '30' has no unit: expected a rate with a unit, such as 30/s\n");
  EXPECT_EQ(o.out, "");

  o = gpusim(dir, "estimate " + model + " --device T4 --rate 30/s --sla 100");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: --sla: '100' has no unit: expected a duration with a unit, such as 33ms or 10s\n");

  o = gpusim(dir, "estimate " + model + " --device T4 --rate 30/s --sla 100ms --headroom 1.5");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: --headroom 1.5: must be in (0, 1]\n");

  // A workloads file (pipelines) is capacity's question: the error names the command to run.
  const std::string workloads = dir.file("workloads.yaml");
  o = gpusim(dir, "estimate " + quoted(workloads) + " --device T4 --rate 30/s --sla 100ms");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: MODEL '" + workloads +
                       "' is a YAML file: estimate takes one model (an ONNX file or zoo:NAME); for a workloads "
                       "file (pipelines included) run 'gpusim capacity PLATFORM " +
                       workloads + " --vary WORKLOAD'\n");
  EXPECT_EQ(o.out, "");

  const std::string missing = dir.file("missing.onnx");
  o = gpusim(dir, "estimate " + quoted(missing) + " --device T4" + rest);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_TRUE(one_line(o.err)) << o.err;
  EXPECT_EQ(o.err.rfind(missing + ": error: cannot open", 0), 0U) << o.err;
  EXPECT_EQ(o.out, "");
}

}  // namespace
}  // namespace gpusim::test
