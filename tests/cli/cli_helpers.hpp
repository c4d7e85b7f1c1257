#pragma once
// Helpers of the command tests: run the gpusim binary with captured output, and write small ONNX models.

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command.hpp"

namespace gpusim::test {

/// A fresh directory for the current test's files, removed at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / (std::string("gpusim_cli_") + info->test_suite_name() +
                                                      "_" + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Runs `gpusim ARGS` (ARGS already quoted where needed), capturing stdout and stderr.
inline Outcome gpusim(const TempDir& dir, const std::string& args) {
  return run_command(quoted(GPUSIM_BINARY) + " " + args, dir.file(""));
}

inline std::string face_model(const std::string& name) {
  return std::string(GPUSIM_FACE_MODELS_DIR) + "/" + name + ".onnx";
}

/// Writes an opset-13 model y = MatMul(x, W) with x [1, k] (dim 1 named `k_dim` when not empty, to make it
/// dynamic) and W a [k, n] float initializer of zeros.
inline void write_matmul_model(const std::string& path, int64_t k, int64_t n, const std::string& k_dim = "") {
  onnx::ModelProto model;
  model.set_ir_version(7);
  auto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  onnx::GraphProto& g = *model.mutable_graph();
  g.set_name("matmul");
  auto* in = g.add_input();
  in->set_name("x");
  auto* t = in->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  t->mutable_shape()->add_dim()->set_dim_value(1);
  if (k_dim.empty()) {
    t->mutable_shape()->add_dim()->set_dim_value(k);
  } else {
    t->mutable_shape()->add_dim()->set_dim_param(k_dim);
  }
  auto* w = g.add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(k);
  w->add_dims(n);
  w->set_raw_data(std::string(static_cast<std::size_t>(k * n) * sizeof(float), '\0'));
  auto* node = g.add_node();
  node->set_op_type("MatMul");
  node->set_name("MatMul_0");
  node->add_input("x");
  node->add_input("W");
  node->add_output("y");
  auto* out = g.add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  std::ofstream f(path, std::ios::binary);
  f << model.SerializeAsString();
}

/// True when `text` is exactly one line.
inline bool one_line(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

}  // namespace gpusim::test
