// ONNX import: the four face-recognition models, constant folding of shape sub-graphs, and bad input.

#include "workloads/model/onnx_import.hpp"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "workloads/model/shape_folding.hpp"

namespace gpusim {
namespace {

namespace fs = std::filesystem;

std::string face_model(const std::string& name) {
  return std::string(GPUSIM_FACE_MODELS_DIR) + "/" + name + ".onnx";
}

/// A fresh directory for this test's files, removed at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / (std::string("gpusim_") + info->test_suite_name() + "_" +
                                         info->name() + "_" + std::to_string(::getpid()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

onnx::ModelProto load(const std::string& path) {
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromString(read_bytes(path)));
  return m;
}

void save(const onnx::ModelProto& m, const std::string& path) { write_bytes(path, m.SerializeAsString()); }

std::string import_error(const std::string& path, const OnnxImportOptions& options = {}) {
  try {
    import_onnx(path, options);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

const LayerCost& layer(const ModelCost& m, const std::string& name) {
  for (const LayerCost& l : m.layers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

// ---- the face models ------------------------------------------------------------------------------

TEST(FaceModels, AllImportWithEveryShapeKnownAtAnyBatch) {
  for (const std::string name : {"fr_detect", "fr_landmark", "fr_liveness", "fr_feature"}) {
    for (int64_t batch : {1, 2}) {
      OnnxImportOptions options;
      options.batch = batch;
      const ModelCost m = import_onnx(face_model(name), options);
      ASSERT_FALSE(m.layers.empty()) << name;
      for (const LayerCost& l : m.layers) {
        EXPECT_TRUE(l.has_formula) << name << " " << l.name << " " << l.op;
        ASSERT_FALSE(l.output_shape.empty()) << name << " " << l.name;
        // Every layer of these CNNs keeps the batch as dim 0, folded Reshape targets included.
        EXPECT_EQ(l.output_shape[0], batch) << name << " " << l.name << " " << to_string(l.output_shape);
        for (int64_t d : l.output_shape) EXPECT_GT(d, 0) << name << " " << l.name;
      }
      EXPECT_GT(m.total_macs(), 0) << name;
      EXPECT_FALSE(m.critical_path.empty()) << name;
    }
  }
}

TEST(FaceModels, OwnShapeFunctionsAgreeWithOnnxInference) {
  for (const std::string name : {"fr_detect", "fr_landmark", "fr_liveness", "fr_feature"}) {
    OnnxImportOptions ours;
    ours.batch = 3;
    ours.onnx_shape_inference = false;
    OnnxImportOptions theirs;
    theirs.batch = 3;
    const ModelCost a = import_onnx(face_model(name), ours);
    const ModelCost b = import_onnx(face_model(name), theirs);
    ASSERT_EQ(a.layers.size(), b.layers.size()) << name;
    for (size_t i = 0; i < a.layers.size(); ++i) {
      EXPECT_EQ(a.layers[i].output_shape, b.layers[i].output_shape) << name << " " << a.layers[i].name;
    }
  }
}

TEST(FaceModels, FeatureIsMobileFaceNet) {
  const ModelCost m = import_onnx(face_model("fr_feature"), {});
  // Conv_0: 3x3 stride 2, 3 -> 64 at 56x56: 56 * 56 * 64 * 3 * 9 = 5,419,008 MACs.
  EXPECT_DOUBLE_EQ(layer(m, "Conv_0").macs, 5419008.0);
  // Hand count of the MobileFaceNet architecture (BN folded into the convs) at 112x112:
  //   conv 3x3 s2 5,419,008 + dw 3x3 at 56x56 (3136 * 64 * 9) 1,806,336
  //   bottleneck 64->128->64 s2: 3136*128*64 + 784*128*9 + 784*64*128 = 33,015,808
  //   4 x bottleneck 64->128->64 at 28x28: 4 * (784*128*64*2 + 784*128*9) = 54,992,896
  //   bottleneck 64->256->128 s2: 784*256*64 + 196*256*9 + 196*128*256 = 19,719,168
  //   6 x bottleneck 128->256->128 at 14x14: 6 * (196*256*128*2 + 196*256*9) = 79,779,840
  //   bottleneck 128->512->128 s2: 196*512*128 + 49*512*9 + 49*128*512 = 16,282,112
  //   2 x bottleneck 128->256->128 at 7x7: 2 * (49*256*128*2 + 49*256*9) = 6,648,320
  //   conv 1x1 128->512 at 7x7 3,211,264 + GDConv 7x7 dw 512 * 49 = 25,088 + linear 1x1 512*512 = 262,144
  //   total 221,161,984 (the paper: 221 M multiply-adds, with a 128-d embedding: 220,965,376).
  EXPECT_DOUBLE_EQ(m.total_macs(), 221161984.0);
  // Params: conv weights + biases + PReLU slopes, by the same blocks: 1,190,336 (the 2-element Reshape
  // target is an argument, not a weight). The paper's 0.99 M has a 128-d embedding: 512*128 vs 512*512.
  EXPECT_DOUBLE_EQ(m.total_params(), 1190336.0);
  EXPECT_DOUBLE_EQ(m.weight_bytes.v, 1190336.0 * 4);
  // Peak live activations: at PRelu_5, Conv_4's output and PRelu_5's output, both [1, 128, 56, 56],
  // are live and nothing else: 2 * 401,408 * 4 B = 3,211,264 B.
  EXPECT_DOUBLE_EQ(m.peak_activation_bytes.v, 3211264.0);
  // I/O: input 3 * 112 * 112 + output 512 elements, at 4 B.
  EXPECT_DOUBLE_EQ(m.io_bytes.v, (37632.0 + 512.0) * 4);
  EXPECT_EQ(m.layers.back().output_shape, (Shape{1, 512}));
  EXPECT_TRUE(m.layers.back().is_view);  // the final Reshape

  OnnxImportOptions batch8;
  batch8.batch = 8;
  batch8.precision = Precision::FP16;
  const ModelCost b = import_onnx(face_model("fr_feature"), batch8);
  EXPECT_DOUBLE_EQ(b.total_macs(), 8 * 221161984.0);
  EXPECT_DOUBLE_EQ(b.weight_bytes.v, 1190336.0 * 2);
  EXPECT_DOUBLE_EQ(b.peak_activation_bytes.v, 8 * 2 * 401408.0 * 2);
  // The file's final Reshape target is [1, -1] (traced at batch 1); at batch 8 it carries the batch.
  EXPECT_EQ(b.layers.back().output_shape, (Shape{8, 512}));
}

TEST(FaceModels, DetectFoldsRuntimeReshapeTargets) {
  OnnxImportOptions options;
  options.batch = 2;
  const ModelCost m = import_onnx(face_model("fr_detect"), options);
  // Reshape_56 takes [N, 30, 40, 6] to Concat(Unsqueeze(Gather(Shape(x), 0)), -1, 2): 30 * 40 * 6 / 2 = 3600.
  EXPECT_EQ(layer(m, "Reshape_56").output_shape, (Shape{2, 3600, 2}));
  // Anchors: 30*40*3 + 15*20*2 + 8*10*2 + 4*5*3 = 3600 + 600 + 160 + 60 = 4420.
  EXPECT_EQ(layer(m, "Softmax_151").output_shape, (Shape{2, 4420, 2}));
  EXPECT_EQ(layer(m, "Concat_174").output_shape, (Shape{2, 4420, 4}));
  // Conv_0: 3 -> 16, 3x3 stride 2 on 240x320 -> 120x160: 2 * 16 * 19,200 * 27 = 16,588,800 MACs.
  EXPECT_DOUBLE_EQ(layer(m, "Conv_0").macs, 16588800.0);
  // Params (issue 9, item 7): the decode reads three [1, 4420, 2] prior-box tensors (Mul_156, Add_158,
  // Mul_164) and three scalars, all Constant nodes the exporter traced, not initializers: 3 x 8,840 + 3 =
  // 26,523 elements the kernels read (weight bytes) that are not learned parameters. Counting them made
  // the params 300,413, 9.7 % more than the 273,890 learned ones.
  EXPECT_DOUBLE_EQ(layer(m, "Mul_156").weight_bytes.v, 8840.0 * 4);
  EXPECT_DOUBLE_EQ(layer(m, "Mul_156").params, 0.0);
  EXPECT_DOUBLE_EQ(m.buffers, 3 * 8840.0 + 3);
  EXPECT_DOUBLE_EQ(m.params + m.buffers, 300413.0);
  EXPECT_DOUBLE_EQ(m.total_params(), 273890.0);
}

TEST(FaceModels, LandmarkHead) {
  const ModelCost m = import_onnx(face_model("fr_landmark"), {});
  // Flatten [1, 512] -> Gemm to 136 points: 512 * 136 = 69,632 MACs, + 136 bias adds.
  EXPECT_DOUBLE_EQ(layer(m, "Gemm_77").macs, 69632.0);
  EXPECT_DOUBLE_EQ(layer(m, "Gemm_77").flops, 2 * 69632.0 + 136);
  // BatchNormalization on [1, 136]: 2 FLOPs per element, 2 * 136 params (scale, bias); it reads 4 * 136
  // weights (running mean and variance are buffers).
  EXPECT_DOUBLE_EQ(layer(m, "BatchNormalization_78").flops, 272.0);
  EXPECT_DOUBLE_EQ(layer(m, "BatchNormalization_78").params, 272.0);
  EXPECT_DOUBLE_EQ(layer(m, "BatchNormalization_78").weight_bytes.v, 544.0 * 4);
}

// ---- bad files ------------------------------------------------------------------------------------

TEST(OnnxImportErrors, TruncatedFilesAreNotValidModels) {
  TempDir dir;
  const std::string bytes = read_bytes(face_model("fr_feature"));
  ASSERT_GT(bytes.size(), 1000u);
  for (double fraction : {0.001, 0.1, 0.5, 0.9, 0.999}) {
    const std::string path = dir.file("truncated.onnx");
    write_bytes(path, bytes.substr(0, static_cast<size_t>(static_cast<double>(bytes.size()) * fraction)));
    const std::string msg = import_error(path);
    EXPECT_NE(msg.find(path + ": error: not a valid ONNX model ("), std::string::npos)
        << fraction << ": " << msg;
  }
}

TEST(OnnxImportErrors, NonOnnxEmptyAndMissingFiles) {
  TempDir dir;
  const std::string text = dir.file("notes.onnx");
  write_bytes(text, "name: resnet50\nbatch: 8\nthis is a YAML file, not a protobuf\n");
  EXPECT_NE(import_error(text).find(text + ": error: not a valid ONNX model ("), std::string::npos)
      << import_error(text);
  const std::string empty = dir.file("empty.onnx");
  write_bytes(empty, "");
  EXPECT_NE(import_error(empty).find("not a valid ONNX model (empty file)"), std::string::npos);
  const std::string missing = dir.file("missing.onnx");
  EXPECT_NE(import_error(missing).find(missing + ": error: cannot open"), std::string::npos);
}

TEST(OnnxImportErrors, DynamicInputNeedsAShape) {
  TempDir dir;
  onnx::ModelProto m = load(face_model("fr_landmark"));
  auto* dims = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  dims->mutable_dim(2)->set_dim_param("height");
  const std::string path = dir.file("dynamic.onnx");
  save(m, path);
  const std::string msg = import_error(path);
  EXPECT_NE(msg.find("input 'input' has dynamic dim 2 ('height')"), std::string::npos) << msg;
  EXPECT_NE(msg.find("input_shapes"), std::string::npos) << msg;

  OnnxImportOptions options;
  options.input_shapes["input"] = {1, 1, 64, 64};
  EXPECT_DOUBLE_EQ(import_onnx(path, options).total_macs(),
                   import_onnx(face_model("fr_landmark"), {}).total_macs());
  OnnxImportOptions typo;
  typo.input_shapes["image"] = {1, 1, 64, 64};
  EXPECT_NE(import_error(path, typo).find("'image', which is not an input of the model (inputs: input)"),
            std::string::npos);
}

TEST(OnnxImportErrors, DynamicBatchAloneIsFine) {
  TempDir dir;
  onnx::ModelProto m = load(face_model("fr_landmark"));
  m.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->set_dim_param("N");
  const std::string path = dir.file("batch.onnx");
  save(m, path);
  OnnxImportOptions options;
  options.batch = 3;
  EXPECT_EQ(import_onnx(path, options).layers.back().output_shape, (Shape{3, 136}));
}

// ---- small hand-written models ------------------------------------------------------------------

/// Builders for small opset-13 models.
struct TinyModel {
  onnx::ModelProto model;
  TinyModel() {
    model.set_ir_version(7);
    auto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    model.mutable_graph()->set_name("tiny");
  }
  onnx::GraphProto& g() { return *model.mutable_graph(); }
  void input(const std::string& name, const std::vector<std::string>& dims) {
    auto* in = g().add_input();
    in->set_name(name);
    auto* t = in->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (const std::string& d : dims) {
      auto* dim = t->mutable_shape()->add_dim();
      if (std::isdigit(static_cast<unsigned char>(d[0])) != 0) {
        dim->set_dim_value(std::stoll(d));
      } else {
        dim->set_dim_param(d);
      }
    }
  }
  void output(const std::string& name) {
    auto* out = g().add_output();
    out->set_name(name);
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  void ints(const std::string& name, const std::vector<int64_t>& values, bool scalar = false) {
    auto* t = g().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    if (!scalar) t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
  }
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
    auto* n = g().add_node();
    n->set_op_type(op);
    n->set_name(op + "_" + std::to_string(g().node_size() - 1));
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return *n;
  }
  static void attr(onnx::NodeProto& n, const std::string& name, int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
};

TEST(OnnxImport, ASharedInitializerCountsOnce) {
  // y = x W, z = y W with one [4, 4] initializer W read by both MatMuls: each layer reads 16 weights,
  // the model holds 16 (params and weight bytes), not 32.
  TinyModel t;
  t.input("x", {"N", "4"});
  auto& w = *t.g().add_initializer();
  w.set_name("W");
  w.set_data_type(onnx::TensorProto::FLOAT);
  w.add_dims(4);
  w.add_dims(4);
  for (int i = 0; i < 16; ++i) w.add_float_data(0.5f);
  t.node("MatMul", {"x", "W"}, {"y"});
  t.node("MatMul", {"y", "W"}, {"z"});
  t.output("z");
  TempDir dir;
  const std::string path = dir.file("shared.onnx");
  save(t.model, path);
  const ModelCost m = import_onnx(path, {});
  ASSERT_EQ(m.layers.size(), 2u);
  EXPECT_DOUBLE_EQ(m.layers[0].params, 16.0);
  EXPECT_DOUBLE_EQ(m.layers[1].params, 16.0);
  EXPECT_DOUBLE_EQ(m.total_params(), 16.0);
  EXPECT_DOUBLE_EQ(m.weight_bytes.v, 16.0 * 4);
}

TEST(OnnxImport, FoldsShapeArithmeticIntoStaticShapes) {
  // x [N, 3, 4, 5]: y = Reshape(x, Concat(Unsqueeze(Gather(s, 0)), [3], Unsqueeze(Gather(s, 2) * Gather(s,
  // 3)))) and r = Resize(x, sizes = Concat(Slice(s, 0, 2), Cast(Cast(Slice(s, 2, 4)) * 2))), s = Shape(x).
  TinyModel t;
  t.input("x", {"N", "3", "4", "5"});
  t.ints("zero", {0}, true);
  t.ints("two", {2}, true);
  t.ints("three", {3}, true);
  t.ints("axes0", {0});
  t.ints("c3", {3});
  t.ints("s0", {0});
  t.ints("s2", {2});
  t.ints("s4", {4});
  t.node("Shape", {"x"}, {"s"});
  t.node("Gather", {"s", "zero"}, {"n"});
  t.node("Unsqueeze", {"n", "axes0"}, {"n1"});
  t.node("Gather", {"s", "two"}, {"h"});
  t.node("Gather", {"s", "three"}, {"w"});
  t.node("Mul", {"h", "w"}, {"hw"});
  t.node("Unsqueeze", {"hw", "axes0"}, {"hw1"});
  TinyModel::attr(t.node("Concat", {"n1", "c3", "hw1"}, {"target"}), "axis", 0);
  t.node("Reshape", {"x", "target"}, {"y"});
  t.node("Relu", {"y"}, {"z"});
  t.node("Slice", {"s", "s0", "s2"}, {"nc"});
  t.node("Slice", {"s", "s2", "s4"}, {"hw_dims"});
  TinyModel::attr(t.node("Cast", {"hw_dims"}, {"hw_f"}), "to", onnx::TensorProto::FLOAT);
  auto& two_f = *t.g().add_initializer();
  two_f.set_name("two_f");
  two_f.set_data_type(onnx::TensorProto::FLOAT);
  two_f.add_float_data(2.0f);
  t.node("Mul", {"hw_f", "two_f"}, {"hw2_f"});
  TinyModel::attr(t.node("Cast", {"hw2_f"}, {"hw2"}), "to", onnx::TensorProto::INT64);
  TinyModel::attr(t.node("Concat", {"nc", "hw2"}, {"sizes"}), "axis", 0);
  t.node("Resize", {"x", "", "", "sizes"}, {"r"});
  t.output("z");
  t.output("r");
  TempDir dir;
  const std::string path = dir.file("tiny.onnx");
  save(t.model, path);
  for (bool onnx_inference : {true, false}) {
    OnnxImportOptions options;
    options.batch = 3;
    options.onnx_shape_inference = onnx_inference;
    const ModelCost m = import_onnx(path, options);
    // Only Reshape, Relu and Resize run; the shape arithmetic was folded at import.
    ASSERT_EQ(m.layers.size(), 3u);
    EXPECT_EQ(m.layers[0].output_shape, (Shape{3, 3, 20}));  // 4 * 5 = 20
    EXPECT_EQ(m.layers[1].output_shape, (Shape{3, 3, 20}));
    EXPECT_EQ(m.layers[2].output_shape, (Shape{3, 3, 8, 10}));  // (4, 5) * 2
    EXPECT_DOUBLE_EQ(m.weight_bytes.v, 0.0);                    // shape constants are not weights
  }
}

TEST(OnnxImport, OpsWithoutFormulaWarnOrFailWhenStrict) {
  TinyModel t;
  t.input("x", {"1", "5"});
  t.node("Hardmax", {"x"}, {"a"});
  t.node("Relu", {"a"}, {"b"});
  t.node("Hardmax", {"b"}, {"c"});
  t.output("c");
  TempDir dir;
  const std::string path = dir.file("hardmax.onnx");
  save(t.model, path);

  std::ostringstream log;
  spdlog::drop("cfg");
  auto logger =
      std::make_shared<spdlog::logger>("cfg", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::register_logger(logger);
  const ModelCost m = import_onnx(path, {});
  spdlog::drop("cfg");
  EXPECT_EQ(m.layers.size(), 3u);
  EXPECT_FALSE(m.layers[0].has_formula);
  EXPECT_TRUE(m.layers[1].has_formula);
  EXPECT_NE(log.str().find("no cost formula for: Hardmax (2 nodes)"), std::string::npos) << log.str();

  OnnxImportOptions strict;
  strict.strict = true;
  EXPECT_NE(import_error(path, strict).find(path + ": error: no cost formula for: Hardmax (2 nodes)"),
            std::string::npos);
}

TEST(OnnxImport, UndefinedTensorIsInvalid) {
  TinyModel t;
  t.input("x", {"1", "5"});
  t.node("Add", {"x", "nowhere"}, {"y"});
  t.output("y");
  TempDir dir;
  const std::string path = dir.file("undefined.onnx");
  save(t.model, path);
  EXPECT_NE(import_error(path).find(
                "not a valid ONNX model (node 'Add_0' (Add) reads 'nowhere', which nothing defines)"),
            std::string::npos)
      << import_error(path);
}

// ---- folding on its own -------------------------------------------------------------------------

KnownTensor ints(Shape shape, std::vector<int64_t> values) {
  KnownTensor t;
  t.shape = std::move(shape);
  t.data.ints = std::move(values);
  return t;
}

TEST(ShapeFolding, GatherSliceTransposeWhereConstantOfShape) {
  const KnownTensor s = ints({4}, {8, 3, 224, 224});
  const KnownTensor last = ints({}, {-1});
  auto g = fold_constants("Gather", {}, {&s, &last}, 1);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->front().data.ints, (std::vector<int64_t>{224}));  // index -1 is the last dim
  EXPECT_TRUE(g->front().shape.empty());

  const KnownTensor start = ints({1}, {-1}), end = ints({1}, {-100}), axis = ints({1}, {0}),
                    step = ints({1}, {-2});
  auto r = fold_constants("Slice", {}, {&s, &start, &end, &axis, &step}, 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->front().data.ints, (std::vector<int64_t>{224, 3}));  // elements 3 and 1, backwards

  const KnownTensor m = ints({2, 3}, {1, 2, 3, 4, 5, 6});
  auto tr = fold_constants("Transpose", OpAttributes{}.set("perm", Shape{1, 0}), {&m}, 1);
  ASSERT_TRUE(tr);
  EXPECT_EQ(tr->front().shape, (Shape{3, 2}));
  EXPECT_EQ(tr->front().data.ints, (std::vector<int64_t>{1, 4, 2, 5, 3, 6}));

  const KnownTensor cond = ints({3}, {1, 0, 1}), a = ints({3}, {10, 20, 30}), b = ints({}, {-1});
  auto w = fold_constants("Where", {}, {&cond, &a, &b}, 1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->front().data.ints, (std::vector<int64_t>{10, -1, 30}));

  const KnownTensor dims = ints({2}, {2, 3});
  auto c = fold_constants("ConstantOfShape",
                          OpAttributes{}.set("value", 7.0).set("value_is_float", int64_t{0}), {&dims}, 1);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->front().shape, (Shape{2, 3}));
  EXPECT_EQ(c->front().data.ints, (std::vector<int64_t>(6, 7)));

  // INT64_MAX + 1 saturates instead of overflowing; Conv is never folded.
  const KnownTensor big = ints({}, {std::numeric_limits<int64_t>::max()}), one = ints({}, {1});
  EXPECT_EQ(fold_constants("Add", {}, {&big, &one}, 1)->front().data.ints.front(),
            std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(fold_constants("Conv", {}, {&m, &m}, 1));
}

}  // namespace
}  // namespace gpusim

// ---- control flow ---------------------------------------------------------------------------------

namespace gpusim {
namespace {

// A node with a subgraph (Scan, Loop, If) is refused with its name and op before ONNX's inference sees
// it: a Scan node once crashed `gpusim profile` (SIGSEGV).
TEST(OnnxImportErrors, ControlFlowOpsAreLocatedErrors) {
  TempDir dir;
  for (const std::string op : {"Scan", "Loop", "If", "SequenceMap"}) {
    TinyModel t;
    t.input("x", {"1", "5"});
    onnx::NodeProto& n = t.node(op, {"x"}, {"y"});
    n.set_name("flow_1");
    if (op != "SequenceMap") {
      auto* attr = n.add_attribute();
      attr->set_name(op == "If" ? "then_branch" : "body");
      attr->set_type(onnx::AttributeProto::GRAPH);
      attr->mutable_g()->set_name("body");
    }
    t.output("y");
    const std::string path = dir.file(op + ".onnx");
    save(t.model, path);
    EXPECT_EQ(import_error(path),
              path + ": error: node 'flow_1' (" + op + "): unsupported operator (control flow with subgraphs)");
  }
  // The same op type without any subgraph attribute (a mutated file) is refused alike.
  TinyModel t;
  t.input("x", {"1", "5"});
  t.node("Scan", {"x"}, {"y"});
  t.output("y");
  const std::string path = dir.file("bare_scan.onnx");
  save(t.model, path);
  EXPECT_EQ(import_error(path),
            path + ": error: node 'Scan_0' (Scan): unsupported operator (control flow with subgraphs)");
}

}  // namespace
}  // namespace gpusim
