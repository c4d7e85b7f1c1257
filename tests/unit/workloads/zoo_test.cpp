// The model zoo: totals against published counts (each stated with its source) and against hand
// derivations from the architectures, plus the zoo's error messages.
//
// Conventions (workloads/model/model_cost.hpp): MACs count Conv/Gemm/MatMul multiply-accumulates only.
// torchvision's "GFLOPS" column and thop/ptflops report MACs. params are learned weights as PyTorch
// counts them: BatchNorm gives 2 x C (scale, bias); its running mean and variance are buffers (2 x C
// more), read by the kernel and so in the weight bytes, not in params.

#include "workloads/model/zoo.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/errors.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

struct Totals {
  double macs = 0;
  double params = 0;   ///< learned (PyTorch's parameters())
  double buffers = 0;  ///< BatchNorm running statistics
  ModelCost model;
};

Totals totals(const std::string& name, int64_t batch = 1) {
  Totals t;
  t.model = load_zoo_model(name, batch, Precision::FP32);
  t.macs = t.model.total_macs();
  t.params = t.model.total_params();
  t.buffers = t.model.buffers;
  return t;
}

/// |value - expected| <= tolerance x expected.
::testing::AssertionResult within(double value, double expected, double tolerance) {
  const double rel = std::abs(value - expected) / expected;
  if (rel <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << value << " is " << rel * 100 << " % from " << expected
                                       << " (allowed " << tolerance * 100 << " %)";
}

const Shape& output_shape(const ModelCost& m, const std::string& layer) {
  for (const LayerCost& l : m.layers) {
    if (l.name == layer) return l.output_shape;
  }
  throw std::runtime_error("no layer " + layer);
}

TEST(ZooModels, ShipsTheTenModels) {
  EXPECT_EQ(zoo_model_names(), (std::vector<std::string>{
                                   "alexnet", "arcface_r100", "bert_base", "mobilefacenet", "mobilenet_v2",
                                   "resnet18", "resnet50", "retinaface_mnet025", "squeezenet1_1", "vgg16"}));
}

TEST(ZooModels, AlexNetMatchesThop) {
  const Totals t = totals("alexnet");
  // thop (Lyken17/pytorch-OpCounter) on torchvision alexnet, 1x3x224x224: 714,206,912 MACs and
  // 61,100,840 params. thop adds 2 ops per output element of AdaptiveAvgPool2d((6, 6)),
  // 2 x 256 x 6 x 6 = 18,432, to the Conv/Linear MACs; ours are Conv/Gemm only:
  // convs 70,276,800 + 223,948,800 + 112,140,288 + 149,520,384 + 99,680,256, linears 37,748,736 +
  // 16,777,216 + 4,096,000 = 714,188,480.
  EXPECT_EQ(t.macs, 714206912.0 - 18432.0);
  EXPECT_EQ(t.params, 61100840.0);  // no BatchNorm: every convention agrees
  // torchvision AlexNet_Weights docs: 0.71 GFLOPS (MACs).
  EXPECT_TRUE(within(t.macs, 0.71e9, 0.01));
  EXPECT_EQ(output_shape(t.model, "classifier.6.fc"), (Shape{1, 1000}));
}

TEST(ZooModels, ResNet50MatchesTorchvision) {
  const Totals t = totals("resnet50");
  // torchvision ResNet50_Weights.IMAGENET1K_V1: 4.09 GFLOPS (MACs), 25,557,032 params.
  EXPECT_TRUE(within(t.macs, 4.09e9, 0.02));
  // By hand (v1.5, stride on the 3x3): stem 118,013,952; layer1 667,942,912; layer2 1,027,604,480;
  // layer3 1,464,336,384; layer4 809,238,528; fc 2,048,000.
  EXPECT_EQ(t.macs, 4089184256.0);
  EXPECT_EQ(t.params, 25557032.0);
  // BN channels: stem 64 + layer1 3 x 384 + 256 + layer2 4 x 768 + 512 + layer3 6 x 1536 + 1024 +
  // layer4 3 x 3072 + 2048 = 26,560; their running mean and variance are 2 x 26,560 buffers.
  EXPECT_EQ(t.buffers, 2 * 26560.0);
}

TEST(ZooModels, ResNet18MatchesTorchvision) {
  const Totals t = totals("resnet18");
  // torchvision ResNet18_Weights.IMAGENET1K_V1: 1.81 GFLOPS (MACs), 11,689,512 params.
  EXPECT_TRUE(within(t.macs, 1.81e9, 0.02));
  // By hand: stem 118,013,952; layer1 462,422,016; layers 2-4 411,041,792 each; fc 512,000.
  EXPECT_EQ(t.macs, 1814073344.0);
  EXPECT_EQ(t.params, 11689512.0);
  // BN channels: 64 + 256 + 640 + 1,280 + 2,560 = 4,800.
  EXPECT_EQ(t.buffers, 2 * 4800.0);
}

TEST(ZooModels, Vgg16MatchesTorchvision) {
  const Totals t = totals("vgg16");
  // torchvision VGG16_Weights.IMAGENET1K_V1: 15.47 GFLOPS (MACs), 138,357,544 params.
  EXPECT_TRUE(within(t.macs, 15.47e9, 0.02));
  // By hand: convs 15,346,630,656 + linears 25,088 x 4,096 + 4,096^2 + 4,096 x 1,000 = 123,633,664.
  EXPECT_EQ(t.macs, 15470264320.0);
  EXPECT_EQ(t.params, 138357544.0);  // no BatchNorm
}

TEST(ZooModels, MobileNetV2MatchesTorchvision) {
  const Totals t = totals("mobilenet_v2");
  // torchvision MobileNet_V2_Weights.IMAGENET1K_V1: 0.30 GFLOPS (MACs), 3,504,872 params;
  // the paper (Sandler et al. 2018, Table 4): 300 M multiply-adds.
  EXPECT_TRUE(within(t.macs, 0.30e9, 0.02));
  EXPECT_TRUE(within(t.macs, 300e6, 0.01));
  EXPECT_EQ(t.params, 3504872.0);
  // BN channels: 32 + the blocks' expand/depth-wise/project channels + 1,280 = 17,056.
  EXPECT_EQ(t.buffers, 2 * 17056.0);
}

TEST(ZooModels, SqueezeNet11MatchesTorchvision) {
  const Totals t = totals("squeezenet1_1");
  // torchvision SqueezeNet1_1_Weights.IMAGENET1K_V1: 0.35 GFLOPS (MACs), 1,235,496 params.
  EXPECT_TRUE(within(t.macs, 0.35e9, 0.02));
  EXPECT_EQ(t.params, 1235496.0);  // no BatchNorm
  // ceil-mode pools: 224 -> conv 111 -> 55 -> 27 -> 13; classifier 1x1 conv at 13x13.
  EXPECT_EQ(output_shape(t.model, "classifier.1.conv"), (Shape{1, 1000, 13, 13}));
}

TEST(ZooModels, MobileFaceNetMatchesThePaper) {
  const Totals t = totals("mobilefacenet");
  // Chen et al., MobileFaceNets (CCBR 2018): 221 million MAdds at 112x112, 0.99 million params.
  EXPECT_TRUE(within(t.macs, 221e6, 0.01));
  // By hand (Table 1): conv1 5,419,008; dw 1,806,336; bottlenecks 33,015,808 + 4 x 13,748,224 +
  // 19,719,168 + 6 x 13,296,640 + 16,282,112 + 2 x 3,324,160; conv 512 3,211,264; GDConv 25,088;
  // linear 65,536: 220,965,376.
  EXPECT_EQ(t.macs, 220965376.0);
  // Conv weights 976,000 + BN scale/bias 2 x 9,792 + PReLU 7,552 = 1,003,136 learnable.
  EXPECT_EQ(t.params, 1003136.0);
  EXPECT_TRUE(within(t.params, 0.99e6, 0.015));
  EXPECT_EQ(t.model.layers.back().output_shape, (Shape{1, 128}));
}

TEST(ZooModels, ArcFaceIResNet100MatchesInsightFace) {
  const Totals t = totals("arcface_r100");
  // insightface arcface_torch model zoo: r100 12.1 GFLOPs (MACs), 65.2 M params; OpenVINO Open Model
  // Zoo face-recognition-resnet100-arcface-onnx: 24.2115 GFLOPs (2 x MACs), 65.1320 MParams.
  EXPECT_TRUE(within(t.macs, 12.1e9, 0.01));
  EXPECT_TRUE(within(t.macs, 24.2115e9 / 2, 0.01));
  // By hand: stem 21,676,032; layer1 1,053,294,592; layer2 3,127,771,136; layer3 7,058,358,272;
  // layer4 815,661,056; fc 25,088 x 512 = 12,845,056: 12,089,606,144.
  EXPECT_EQ(t.macs, 12089606144.0);
  // Conv + fc weights 65,075,392 + BN scale/bias 2 x 34,816 + PReLU 11,136 = 65,156,160 learnable.
  EXPECT_EQ(t.params, 65156160.0);
  EXPECT_TRUE(within(t.params, 65.2e6, 0.001));
  EXPECT_TRUE(within(t.params, 65.132e6, 0.005));
  EXPECT_EQ(t.buffers, 2 * 34816.0);
  EXPECT_EQ(t.model.layers.back().output_shape, (Shape{1, 512}));
}

TEST(ZooModels, RetinaFaceMobileNet025MatchesPublishedParams) {
  const Totals t = totals("retinaface_mnet025");
  // biubug6/Face-Detector-1MB-with-landmark README: Retinaface-Mobilenet-0.25 0.426 M params. By hand:
  // conv weights backbone 207,600 + FPN 102,400 + SSH 3 x 34,560 + heads 3 x 2,080 = 419,920, BN
  // scale/bias 2 x 3,344 = 6,688: 426,608 learnable; + running statistics 6,688 = 433,296.
  EXPECT_EQ(t.params, 426608.0);
  EXPECT_EQ(t.params + t.buffers, 433296.0);
  // SCRFD's comparison table (insightface's MXNet original): 0.44 M params.
  EXPECT_TRUE(within(t.params, 0.44e6, 0.035));
  // MACs at 640x640, by hand: backbone 332,851,200; FPN 340,787,200; SSH 34,560 per cell x 8,400
  // cells = 290,304,000; heads 2,048 per cell x 8,400 = 17,203,200: 981,145,600.
  EXPECT_EQ(t.macs, 981145600.0);
  // 2 anchors x (80^2 + 40^2 + 20^2) = 16,800 anchors.
  EXPECT_EQ(output_shape(t.model, "head.ClassHead_softmax"), (Shape{1, 16800, 2}));
  EXPECT_EQ(output_shape(t.model, "head.BboxHead_concat"), (Shape{1, 16800, 4}));
  EXPECT_EQ(output_shape(t.model, "head.LandmarkHead_concat"), (Shape{1, 16800, 10}));
}

TEST(ZooModels, BertBaseMatchesItsDerivation) {
  const Totals t = totals("bert_base");
  // Devlin et al. 2019: BERT-base 110 M params. Exactly (Hugging Face BertModel with pooler):
  // embeddings 30,522 x 768 + 512 x 768 + 2 x 768 + LayerNorm 1,536 = 23,837,184; per layer
  // 4 x (768^2 + 768) + 768 x 3,072 + 3,072 + 3,072 x 768 + 768 + 2 x 1,536 = 7,087,872, x 12;
  // pooler 768^2 + 768: 109,482,240.
  EXPECT_TRUE(within(t.params, 110e6, 0.01));
  EXPECT_EQ(t.params, 109482240.0);
  // MACs at sequence 128: 12 x (4 x 768^2 + 2 x 768 x 3,072) x 128 = 10,871,635,968 (linear layers)
  // + 12 x 2 x 128^2 x 768 = 301,989,888 (Q.K^T and P.V) + pooler 768^2 = 589,824.
  EXPECT_EQ(t.macs, 10871635968.0 + 301989888.0 + 589824.0);
  EXPECT_TRUE(within(t.macs, 11.2e9, 0.01));
  EXPECT_EQ(output_shape(t.model, "encoder.11.ffn.norm"), (Shape{1, 128, 768}));
  EXPECT_EQ(output_shape(t.model, "encoder.0.attention.softmax"), (Shape{1, 12, 128, 128}));
}

TEST(ZooModels, EveryEntryAgreesWithTheCountsItCites) {
  for (const std::string& name : zoo_model_names()) {
    const ZooModelInfo info = zoo_model_info(name);
    ASSERT_FALSE(info.published.empty()) << name;
    const Totals t = totals(name);
    for (const ZooPublished& p : info.published) {
      if (p.macs) {
        EXPECT_TRUE(within(t.macs, *p.macs, p.macs_tolerance)) << name << ": " << p.source;
      }
      if (p.params) {
        EXPECT_TRUE(within(p.params_with_buffers ? t.params + t.buffers : t.params, *p.params,
                           p.params_tolerance))
            << name << ": " << p.source;
      }
    }
  }
}

TEST(ZooModels, LayerNamesAreUniqueAndScoped) {
  // Every layer is named "<item>.<block>.<part>" after the YAML items, never the builder's "<Op>_<n>".
  for (const std::string& name : zoo_model_names()) {
    std::set<std::string> seen;
    for (const LayerCost& l : load_zoo_model(name, 1, Precision::FP32).layers) {
      EXPECT_TRUE(seen.insert(l.name).second) << name << ": duplicate layer name " << l.name;
      EXPECT_NE(l.name.find('.'), std::string::npos) << name << ": unscoped layer name " << l.name;
    }
  }
}

TEST(ZooModels, BatchScalesWorkAndPrecisionScalesBytes) {
  const ModelCost one = load_zoo_model("resnet18", 1, Precision::FP32);
  const ModelCost eight = load_zoo_model("resnet18", 8, Precision::FP16);
  EXPECT_EQ(eight.total_macs(), 8 * 1814073344.0);
  EXPECT_EQ(eight.total_params(), one.total_params());
  // 11,689,512 params + 9,600 BN statistics = 11,699,112 weight elements x 2 B at fp16.
  EXPECT_EQ(eight.total_params(), 11689512.0);
  EXPECT_EQ(eight.weight_bytes.v, 2 * 11699112.0);
  EXPECT_EQ(eight.layers.back().output_shape, (Shape{8, 1000}));
}

// ---- errors ---------------------------------------------------------------------------------------

/// A fresh directory for this test's zoo files, removed at the end.
class TempZoo {
 public:
  TempZoo() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            (std::string("gpusim_zoo_") + info->name() + "_" + std::to_string(::getpid()));
    fs::create_directories(path_);
  }
  ~TempZoo() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = (path_ / (name + ".yaml")).string();
    std::ofstream(file) << text;
    return file;
  }
  std::string dir() const { return path_.string(); }

 private:
  fs::path path_;
};

const char* kHeader =
    "name: tiny\n"
    "summary: a test model\n"
    "input: {shape: [3, 8, 8]}\n"
    "published: [{source: hand, params: 1}]\n";

std::string error_of(const std::string& file) {
  try {
    load_zoo_file(file, 1, Precision::FP32);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ZooErrors, UnknownModelListsTheKnownOnes) {
  try {
    load_zoo_model("resnet51", 1, Precision::FP32);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("unknown zoo model 'resnet51'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("alexnet, arcface_r100, bert_base"), std::string::npos) << msg;
  }
}

TEST(ZooErrors, UnknownKeyNamesFileLineAndColumn) {
  TempZoo z;
  const std::string f = z.write("tiny", std::string(kHeader) +
                                            "layers:\n"
                                            "  - {op: conv, out: 4, kernel: 3, strde: 2}\n");
  EXPECT_EQ(error_of(f), f + ":6:35: error: layers[0]: unknown key 'strde' (known: act, bias, bn, depthwise, "
                             "dilation, groups, kernel, name, op, out, output, pad, stride, tap)");
}

TEST(ZooErrors, UnknownBlockFamilyAndMissingTap) {
  TempZoo z;
  const std::string f1 =
      z.write("tiny", std::string(kHeader) + "layers:\n  - {block: dense_block, blocks: 2}\n");
  EXPECT_NE(error_of(f1).find(f1 + ":6:13: error: unknown block family 'dense_block' (known: basic_block,"),
            std::string::npos)
      << error_of(f1);
  const std::string f2 =
      z.write("tiny", std::string(kHeader) +
                          "layers:\n  - {block: retinaface_head, from: [c3], out: 8, anchors: 2}\n");
  EXPECT_NE(error_of(f2).find("'from': no earlier item has 'tap: c3' (taps so far: none)"), std::string::npos)
      << error_of(f2);
}

TEST(ZooErrors, ShapeErrorsPointAtTheItem) {
  TempZoo z;
  // A 7x7 pool on a 4x4 map (8x8 input, stride-2 conv).
  const std::string f = z.write("tiny", std::string(kHeader) +
                                            "layers:\n"
                                            "  - {op: conv, out: 4, kernel: 3, stride: 2}\n"
                                            "  - {op: adaptive_avg_pool, size: 3}\n");
  EXPECT_NE(
      error_of(f).find(f + ":7:35: error: adaptive_avg_pool to 3x3 needs a square input whose side is a "
                           "multiple of 3, got [1, 4, 4, 4]"),
      std::string::npos)
      << error_of(f);
  const std::string g = z.write("tiny", std::string(kHeader) +
                                            "layers:\n"
                                            "  - {op: max_pool, kernel: 9}\n");
  EXPECT_NE(error_of(g).find(g + ":6:5: error: model 'tiny': layer 'max_pool0.pool' (MaxPool)"),
            std::string::npos)
      << error_of(g);
}

TEST(ZooErrors, NameMustMatchTheFileAndEntriesMustCite) {
  TempZoo z;
  const std::string f = z.write("small", std::string(kHeader) + "layers:\n  - {op: flatten}\n");
  EXPECT_EQ(error_of(f), f + ":1:7: error: name 'tiny' must match the file name 'small'");
  const std::string g = z.write("tiny",
                                "name: tiny\nsummary: s\ninput: {shape: [3, 8, 8]}\npublished: []\n"
                                "layers:\n  - {op: flatten}\n");
  EXPECT_EQ(error_of(g), g + ":4:12: error: 'published' must cite at least one source");
}

TEST(ZooErrors, GpusimZooOverridesTheDirectory) {
  TempZoo z;
  z.write("tiny", std::string(kHeader) + "layers:\n  - {op: conv, out: 4, kernel: 3}\n");
  ASSERT_EQ(::setenv("GPUSIM_ZOO", z.dir().c_str(), 1), 0);  // one process per test (gtest_discover_tests)
  EXPECT_EQ(zoo_model_names(), (std::vector<std::string>{"tiny"}));
  // Conv 3 -> 4, 3x3, pad 1 on 8x8: 64 x 4 x 27 = 6,912 MACs; 4 x 27 + 4 = 112 params.
  const ModelCost m = load_zoo_model("tiny", 1, Precision::FP32);
  EXPECT_EQ(m.total_macs(), 6912.0);
  EXPECT_EQ(m.total_params(), 112.0);
  ::unsetenv("GPUSIM_ZOO");
}

}  // namespace
}  // namespace gpusim
