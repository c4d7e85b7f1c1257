#include "cli/profile.hpp"

#include <iostream>
#include <optional>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/profile.hpp"

namespace gpusim {

int command_profile(const ProfileOptions& o) {
  const Precision p = precision_arg(o.model.precision);
  std::optional<Catalog> catalog;
  std::optional<ProfileDevice> dv;
  if (!o.device.empty()) {
    catalog = catalog_arg(o.model.catalog);
    const DeviceSpec& d = device_arg(*catalog, o.device, p);
    dv = ProfileDevice{&d, p, d.achievable(p), d.achievable_bandwidth()};
  }
  const ModelCost m = load_model_arg(o.model, o.model.batch);
  const ProfileRequest request{o.model.model, static_cast<long>(o.model.batch), p};
  if (o.json) {
    std::cout << json_text(profile_json(request, m, dv));
  } else {
    print_profile(std::cout, request, m, dv);
  }
  return 0;
}

}  // namespace gpusim
