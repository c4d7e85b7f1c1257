// libFuzzer target: one catalog entry through parse_device_file (the file is named after the input's
// `name:`, which an entry must match).
#include "fuzz_input.hpp"
#include "platforms/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return gpusim::fuzz::run_loader(data, size, gpusim::fuzz::name_in_input(data, size, "entry") + ".yaml",
                                  [](const std::string& path) { gpusim::parse_device_file(path); });
}
