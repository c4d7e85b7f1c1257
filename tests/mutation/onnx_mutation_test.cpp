// Seeded mutants of the face-recognition ONNX models through the importer, each in a forked child with a
// time limit: truncations and byte flips of the file, and edits of its graph (op types, among them the
// control-flow ops Scan, Loop and If; deleted nodes; rewired inputs; attributes, dims and types changed).
// No crash, no hang, no exception but ConfigError ("MODEL: error: ..."), no "internal error".

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <random>

#include "isolated.hpp"
#include "workloads/model/onnx_import.hpp"

namespace gpusim::mutation {
namespace {

namespace fs = std::filesystem;
using Rng = std::mt19937_64;

constexpr uint64_t kBaseSeed = 20240615;
constexpr int kShards = 4;
constexpr int kMutantsPerShard = 80;  // 320 in all
constexpr double kLimitSeconds = 10.0;

const std::array<const char*, 4> kModels = {"fr_detect", "fr_landmark", "fr_liveness", "fr_feature"};

size_t pick(Rng& rng, size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

int64_t odd_int(Rng& rng) {
  static const std::array<int64_t, 10> values = {0, -1, -7, 1, 3, 1000000, int64_t{1} << 40,
                                                 std::numeric_limits<int64_t>::max(),
                                                 std::numeric_limits<int64_t>::min(), 65};
  return values[pick(rng, values.size())];
}

std::string any_tensor_name(const onnx::GraphProto& g, Rng& rng) {
  std::vector<std::string> names;
  for (const auto& n : g.node())
    for (const auto& o : n.output()) names.push_back(o);
  for (const auto& i : g.initializer()) names.push_back(i.name());
  names.push_back("nowhere");
  names.push_back("");
  return names[pick(rng, names.size())];
}

/// One structural edit of the graph; `what` gets its account.
void edit_graph(onnx::ModelProto& m, Rng& rng, std::string& what) {
  static const std::array<const char*, 32> ops = {
      "Scan", "Loop", "If", "SequenceMap", "Conv", "MatMul", "Reshape", "Gather", "Concat", "Split", "Resize",
      "",     "Foo",  "Constant", "Shape", "Slice", "Transpose", "BatchNormalization", "Gemm", "Softmax",
      "MaxPool", "GlobalAveragePool", "Expand", "Tile", "Pad", "Unsqueeze", "Squeeze", "Flatten", "Einsum",
      "NonZero", "TopK", "ConstantOfShape"};
  onnx::GraphProto& g = *m.mutable_graph();
  if (g.node_size() == 0) return;
  onnx::NodeProto& n = *g.mutable_node(static_cast<int>(pick(rng, static_cast<size_t>(g.node_size()))));
  switch (pick(rng, 12)) {
    case 0:
    case 1: {
      const std::string op = ops[pick(rng, ops.size())];
      what += "op '" + n.name() + "' " + n.op_type() + "->" + op + " ";
      n.set_op_type(op);
      break;
    }
    case 2: {
      const int at = static_cast<int>(pick(rng, static_cast<size_t>(g.node_size())));
      what += "delete-node " + g.node(at).name() + " ";
      g.mutable_node()->DeleteSubrange(at, 1);
      break;
    }
    case 3: {
      if (n.input_size() == 0) break;
      const int at = static_cast<int>(pick(rng, static_cast<size_t>(n.input_size())));
      const std::string to = any_tensor_name(g, rng);
      what += "rewire '" + n.name() + "' input " + std::to_string(at) + "->'" + to + "' ";
      n.set_input(at, to);
      break;
    }
    case 4: {
      if (n.input_size() > 0 && pick(rng, 2) == 0) {
        n.mutable_input()->RemoveLast();
        what += "drop-input '" + n.name() + "' ";
      } else {
        n.add_input(any_tensor_name(g, rng));
        what += "add-input '" + n.name() + "' ";
      }
      break;
    }
    case 5: {
      if (n.attribute_size() == 0) break;
      onnx::AttributeProto& a = *n.mutable_attribute(static_cast<int>(pick(rng, static_cast<size_t>(n.attribute_size()))));
      what += "attr '" + n.name() + "'." + a.name() + " ";
      if (a.ints_size() > 0) {
        a.set_ints(static_cast<int>(pick(rng, static_cast<size_t>(a.ints_size()))), odd_int(rng));
        if (pick(rng, 3) == 0) a.mutable_ints()->RemoveLast();
      } else if (a.has_i()) {
        a.set_i(odd_int(rng));
      } else if (a.has_f()) {
        a.set_f(pick(rng, 2) == 0 ? -1e30f : 0.0f);
      } else {
        a.set_type(static_cast<onnx::AttributeProto::AttributeType>(pick(rng, 14)));
      }
      break;
    }
    case 6: {
      auto* a = n.add_attribute();
      a->set_name(pick(rng, 2) == 0 ? "body" : "axis");
      a->set_type(onnx::AttributeProto::GRAPH);
      *a->mutable_g() = onnx::GraphProto{};
      what += "graph-attr '" + n.name() + "' ";
      break;
    }
    case 7: {
      if (g.initializer_size() == 0) break;
      onnx::TensorProto& t = *g.mutable_initializer(static_cast<int>(pick(rng, static_cast<size_t>(g.initializer_size()))));
      what += "init '" + t.name() + "' ";
      const size_t how = pick(rng, 4);
      if (how == 0 && t.dims_size() > 0) {
        t.set_dims(static_cast<int>(pick(rng, static_cast<size_t>(t.dims_size()))), odd_int(rng));
      } else if (how == 1) {
        t.add_dims(odd_int(rng));
      } else if (how == 2) {
        t.set_data_type(static_cast<int32_t>(pick(rng, 20)));
      } else {
        t.clear_raw_data();
      }
      break;
    }
    case 8: {
      if (g.input_size() == 0) break;
      auto* shape = g.mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
      what += "input-shape ";
      if (shape->dim_size() > 0 && pick(rng, 3) != 0) {
        auto* d = shape->mutable_dim(static_cast<int>(pick(rng, static_cast<size_t>(shape->dim_size()))));
        if (pick(rng, 4) == 0) {
          d->set_dim_param("N");
        } else {
          d->set_dim_value(odd_int(rng));
        }
      } else {
        shape->add_dim()->set_dim_value(odd_int(rng));
      }
      break;
    }
    case 9: {
      n.set_domain(pick(rng, 2) == 0 ? "com.microsoft" : "ai.onnx.ml");
      what += "domain '" + n.name() + "' ";
      break;
    }
    case 10: {
      if (n.output_size() == 0) break;
      const std::string to = any_tensor_name(g, rng);
      what += "rename-output '" + n.name() + "'->'" + to + "' ";
      n.set_output(0, to);
      break;
    }
    default: {
      if (g.output_size() == 0) break;
      what += "graph-output ";
      if (pick(rng, 2) == 0) {
        g.mutable_output(0)->set_name(any_tensor_name(g, rng));
      } else {
        g.mutable_output()->RemoveLast();
      }
      break;
    }
  }
}

std::string mutate_model(const onnx::ModelProto& original, uint64_t seed, std::string& what) {
  Rng rng(seed);
  const size_t kind = pick(rng, 10);
  if (kind < 7) {  // edits of the graph
    onnx::ModelProto m = original;
    for (size_t n = 1 + pick(rng, 3); n > 0; --n) edit_graph(m, rng, what);
    return m.SerializeAsString();
  }
  std::string bytes = original.SerializeAsString();
  if (kind == 7) {
    const size_t at = pick(rng, bytes.size());
    what += "truncate@" + std::to_string(at) + " ";
    bytes.resize(at);
  } else {  // byte flips, mostly in the nodes (serialised first)
    for (size_t n = 1 + pick(rng, 8); n > 0; --n) {
      const size_t at = pick(rng, kind == 8 ? std::min<size_t>(bytes.size(), 32768) : bytes.size());
      bytes[at] = static_cast<char>(pick(rng, 256));
      what += "flip@" + std::to_string(at) + " ";
    }
  }
  return bytes;
}

class OnnxMutation : public ::testing::TestWithParam<int> {};

TEST_P(OnnxMutation, NoCrashNoHangOnlyConfigErrors) {
  const std::string name = kModels[static_cast<size_t>(GetParam()) % kModels.size()];
  onnx::ModelProto original;
  {
    std::ifstream f(std::string(GPUSIM_FACE_MODELS_DIR) + "/" + name + ".onnx", std::ios::binary);
    ASSERT_TRUE(original.ParseFromIstream(&f)) << name;
  }
  const fs::path dir = fs::temp_directory_path() /
                       ("gpusim_onnx_mutation_" + std::to_string(GetParam()) + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / (name + ".onnx")).string();
  int accepted = 0, rejected = 0, failures = 0;
  double slowest = 0;
  for (int k = 0; k < kMutantsPerShard; ++k) {
    const uint64_t seed = kBaseSeed + static_cast<uint64_t>(GetParam() * kMutantsPerShard + k);
    std::string edits;
    const std::string bytes = mutate_model(original, seed, edits);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    const Outcome o = run_isolated([&] { import_onnx(path, {}); }, kLimitSeconds);
    slowest = std::max(slowest, o.seconds);
    std::string problem;
    if (o.kind == Outcome::CONFIG_ERROR) {
      ++rejected;
      if (o.message.rfind(path + ": error: ", 0) != 0) problem = "the message does not start with the model's path";
      if (o.message.find("internal error") != std::string::npos) problem = "internal error";
    } else if (o.kind == Outcome::ACCEPTED) {
      ++accepted;
    } else {
      problem = kind_name(o.kind);
    }
    if (problem.empty()) continue;
    ++failures;
    const std::string kept = "onnx_mutant_" + std::to_string(seed) + ".onnx";
    std::ofstream(kept, std::ios::binary) << bytes;
    ADD_FAILURE() << name << " seed " << seed << " (" << edits << "): " << problem << ": " << o.message
                  << " [kept as " << kept << "]";
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::cout << name << ": " << kMutantsPerShard << " mutants, " << accepted << " accepted, " << rejected
            << " ConfigError, " << failures << " failures; slowest " << slowest << " s\n";
}

INSTANTIATE_TEST_SUITE_P(Shards, OnnxMutation, ::testing::Range(0, kShards));

}  // namespace
}  // namespace gpusim::mutation
