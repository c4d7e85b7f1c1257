// libFuzzer target: platform.yaml through parse_platform against the shipped catalog.
#include "fuzz_input.hpp"
#include "platforms/catalog.hpp"
#include "platforms/parse_platform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const gpusim::Catalog catalog = gpusim::Catalog::load(GPUSIM_CATALOG_DIR);
  return gpusim::fuzz::run_loader(data, size, "platform.yaml",
                                  [](const std::string& path) { gpusim::parse_platform(path, catalog); });
}
