// libFuzzer target: a zoo model description through load_zoo_file (batch 1, FP32; the file is named after
// the input's `name:`, which an entry must match).
#include "fuzz_input.hpp"
#include "workloads/model/zoo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return gpusim::fuzz::run_loader(data, size, gpusim::fuzz::name_in_input(data, size, "model") + ".yaml",
                                  [](const std::string& path) {
                                    gpusim::load_zoo_file(path, 1, gpusim::Precision::FP32);
                                  });
}
