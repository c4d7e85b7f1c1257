#include "cli/estimate.hpp"

#include <fmt/format.h>

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

}  // namespace

int command_estimate(const EstimateOptions& o) {
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
