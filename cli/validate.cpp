#include "cli/validate.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "analysis/writers/report.hpp"
#include "analysis/writers/validation.hpp"
#include "core/errors.hpp"
#include "platforms/catalog.hpp"
#include "studies/validation/validate.hpp"

namespace gpusim {
namespace {

// The source tree's validation/ data, or $GPUSIM_VALIDATION when set.
std::string default_validation_dir() {
  const char* env = std::getenv("GPUSIM_VALIDATION");
  return env && *env ? std::string(env) : std::string(GPUSIM_VALIDATION_DIR);
}

}  // namespace

int command_validate(const ValidateCommandOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!o.json.empty() && o.json != "-") {
    const fs::path p(o.json);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (fs::is_directory(p, ec))
      throw ConfigError(fmt::format("{}: error: --json needs a file, not a directory", o.json));
    if (!fs::is_directory(dir, ec)) {
      throw ConfigError(
          fmt::format("{}: error: cannot write file: directory '{}' does not exist", o.json, dir.string()));
    }
  }
  ValidateOptions options;
  options.data_dir = o.data_dir.empty() ? default_validation_dir() : o.data_dir;
  options.catalog_dir = o.catalog.empty() ? Catalog::default_dir() : o.catalog;
  options.models_dir = GPUSIM_FACE_MODELS_DIR;
  options.parallel = o.jobs;
  const ValidationReport report = run_validation(options);
  // Everything is computed before anything is written.
  const std::string json = o.json.empty() ? std::string() : validation_json(report).dump(2) + "\n";
  if (o.json != "-") print_validation(std::cout, report);
  if (!o.json.empty()) write_file_atomically(o.json, json);
  return 0;
}

}  // namespace gpusim
