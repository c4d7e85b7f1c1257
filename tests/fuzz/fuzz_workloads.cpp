// libFuzzer target: workloads.yaml through parse_workloads (zoo: models resolve; ONNX paths are relative
// to the input's temporary directory, so they are missing-file errors).
#include "fuzz_input.hpp"
#include "workloads/parse_workloads.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return gpusim::fuzz::run_loader(data, size, "workloads.yaml",
                                  [](const std::string& path) { gpusim::parse_workloads(path); });
}
