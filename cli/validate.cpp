#include "cli/validate.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/output_files.hpp"
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
  OutputFiles files;
  if (!o.json.empty()) files.add_file("--json", o.json);
  ValidateOptions options;
  options.data_dir = o.data_dir.empty() ? default_validation_dir() : o.data_dir;
  options.catalog_dir = o.catalog.empty() ? Catalog::default_dir() : o.catalog;
  options.models_dir = GPUSIM_FACE_MODELS_DIR;
  options.parallel = o.jobs;
  const ValidationReport report = run_validation(options);
  // Everything is computed, then written.
  if (!o.json.empty()) files.set(o.json, json_text(validation_json(report)));
  files.commit();
  if (o.json != "-") print_validation(std::cout, report);
  return 0;
}

}  // namespace gpusim
