#include "cli/estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/estimate.hpp"
#include "core/errors.hpp"
#include "studies/estimate.hpp"

namespace gpusim {
namespace {

// A positive quantity given on the command line, in the unit type Q (its unit is required).
template <class Q>
Q quantity_arg(const std::string& option, const std::string& text) {
  Q v{};
  try {
    v = parse_quantity_as<Q>(text);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("error: {}: {}", option, e.what()));
  }
  if (!(v.v > 0)) throw ConfigError(fmt::format("error: {} '{}': must be positive", option, text));
  return v;
}

// estimate answers for one model on one device type; a workloads file (pipelines, several workloads, their
// own rates and SLAs) is simulated whole on a platform by `gpusim capacity`, so it is sent there.
void reject_workloads_file(const std::string& model) {
  std::string ext = std::filesystem::path(model).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext != ".yaml" && ext != ".yml") return;
  throw ConfigError(fmt::format("error: MODEL '{}' is a YAML file: estimate takes one model (an ONNX file or "
                                "zoo:NAME); for a workloads file (pipelines included) run 'gpusim capacity "
                                "PLATFORM {} --vary WORKLOAD'",
                                model, model));
}

}  // namespace

int command_estimate(const EstimateOptions& o) {
  reject_workloads_file(o.model.model);
  EstimateRequest r;
  r.label = o.model.model;
  const Catalog catalog = catalog_arg(o.model.catalog);
  r.precision = precision_arg(o.model.precision);
  r.device = &device_arg(catalog, o.device, r.precision);
  r.rate = quantity_arg<PerSecond>("--rate", o.rate);
  r.sla = quantity_arg<Seconds>("--sla", o.sla);
  if (!(o.headroom > 0 && o.headroom <= 1)) {
    throw ConfigError(fmt::format("error: --headroom {}: must be in (0, 1]", o.headroom));
  }
  r.headroom = o.headroom;
  if (o.model.batch < 1) throw ConfigError(fmt::format("error: --batch {}: must be at least 1", o.model.batch));
  r.batch = static_cast<int>(o.model.batch);
  r.model = load_model_arg(o.model, 1);
  r.seed = o.seed;
  r.simulate = o.simulate == "on";
  const CapacityEstimate e = estimate_capacity(r);
  if (o.json) {
    std::cout << json_text(estimate_json(e));
  } else {
    print_estimate(std::cout, e);
  }
  return 0;
}

}  // namespace gpusim
