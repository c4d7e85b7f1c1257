// libFuzzer target: an ONNX model through import_onnx (batch 1, FP32).
#include <spdlog/spdlog.h>

#include "fuzz_input.hpp"
#include "workloads/model/onnx_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);  // ops without a cost formula would warn for every input
    return true;
  }();
  (void)quiet;
  return gpusim::fuzz::run_loader(data, size, "model.onnx",
                                  [](const std::string& path) { gpusim::import_onnx(path, {}); });
}
