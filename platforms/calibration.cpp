#include "platforms/calibration.hpp"

#include <fmt/format.h>

#include <set>

#include "core/errors.hpp"
#include "core/yaml_reader.hpp"

namespace gpusim {
namespace {

// The bounds of a field read as a duration, in seconds.
struct SecondsBounds {
  double min, max;
};

// One fitted field: {value, cases}; with `seconds`, the value is a duration ("6.2us") within those bounds.
FittedValue read_fitted(const std::string& file, const YAML::Node& node, const std::string& key,
                        std::optional<SecondsBounds> seconds, double lo = kMinEfficiency,
                        double hi = kMaxEfficiency) {
  MapReader m(node, file, key);
  FittedValue f;
  if (seconds) {
    const YAML::Node v = m.required("value");
    f.value = quantity_of<Seconds>(file, v, key + ".value").v;
    if (!(f.value >= seconds->min && f.value <= seconds->max))
      throw error_at(file, v,
                     fmt::format("'{}.value' must be within [{:g}us, {:g}us]", key, seconds->min * 1e6,
                                 seconds->max * 1e6));
  } else {
    f.value = m.number_or("value", lo, hi, -1.0);
    if (f.value < 0) m.required("value");  // names the missing key
  }
  const YAML::Node cases = m.required("cases");
  require_sequence(file, cases, key + ".cases");
  for (const auto& c : cases) f.cases.push_back(scalar_of(file, c, key + ".cases[]"));
  m.finish();
  return f;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", \"" : "\"") + v[i] + "\"";
  return out + "]";
}

}  // namespace

Calibration read_calibration(const std::string& path, const Catalog& catalog) {
  const YAML::Node root = load_yaml_file(path);
  MapReader top(root, path, "calibration");
  Calibration out;
  out.file = path;
  const YAML::Node devices = top.required("devices");
  if (!devices.IsMap()) throw error_at(path, devices, "'devices' must map catalog entries to their fitted fields");
  for (const auto& kv : devices) {
    const std::string name = scalar_of(path, kv.first, "devices");
    if (!catalog.find(name))
      throw error_at(path, kv.first,
                     fmt::format("device '{}' is not in the catalog (known: {})", name, catalog.names()));
    MapReader d(kv.second, path, "device '" + name + "'");
    DeviceCalibration dc;
    dc.device = name;
    if (auto n = d.optional("compute_efficiency"))
      dc.compute_efficiency = read_fitted(path, *n, "compute_efficiency", std::nullopt);
    if (auto n = d.optional("memory_efficiency"))
      dc.memory_efficiency = read_fitted(path, *n, "memory_efficiency", std::nullopt);
    if (auto n = d.optional("l2_efficiency"))
      dc.l2_efficiency = read_fitted(path, *n, "l2_efficiency", std::nullopt);
    if (auto n = d.optional("l2_far_ratio"))
      dc.l2_far_ratio = read_fitted(path, *n, "l2_far_ratio", std::nullopt);
    for (auto [key, slot] :
         {std::pair{"compute_power", &dc.compute_power}, std::pair{"simt_power", &dc.simt_power},
          std::pair{"memory_power", &dc.memory_power}}) {
      if (auto n = d.optional(key))
        *slot = read_fitted(path, *n, key, std::nullopt, kMinPowerShare, kMaxPowerShare);
    }
    if (auto n = d.optional("launch_overhead"))
      dc.launch_overhead =
          read_fitted(path, *n, "launch_overhead", SecondsBounds{kMinLaunchOverhead, kMaxLaunchOverhead});
    if (auto n = d.optional("time_slice"))
      dc.time_slice = read_fitted(path, *n, "time_slice", SecondsBounds{kMinTimeSlice, kMaxTimeSlice});
    if (auto n = d.optional("context_switch"))
      dc.context_switch =
          read_fitted(path, *n, "context_switch", SecondsBounds{kMinContextSwitch, kMaxContextSwitch});
    if (auto n = d.optional("eager_host_launch"))
      dc.eager_host_launch =
          read_fitted(path, *n, "eager_host_launch", SecondsBounds{kMinEagerHostLaunch, kMaxEagerHostLaunch});
    d.finish();
    out.devices.push_back(std::move(dc));
  }
  top.finish();
  return out;
}

std::string calibration_yaml(const Calibration& c, const std::vector<std::string>& header) {
  std::string out;
  for (const auto& h : header) out += "# " + h + "\n";
  out += "devices:";
  if (c.devices.empty()) out += " {}";
  out += "\n";
  const auto field = [&out](const char* key, const std::optional<FittedValue>& f, bool seconds) {
    if (!f) return;
    out += fmt::format("    {}:\n      value: {}\n      cases: {}\n", key,
                       seconds ? fmt::format("{:.4g}us", f->value * 1e6) : fmt::format("{:.4g}", f->value),
                       quoted_list(f->cases));
  };
  for (const auto& d : c.devices) {
    out += "  " + d.device + ":";
    if (!d.compute_efficiency && !d.memory_efficiency && !d.l2_efficiency && !d.l2_far_ratio &&
        !d.compute_power && !d.simt_power && !d.memory_power && !d.launch_overhead && !d.time_slice &&
        !d.context_switch && !d.eager_host_launch)
      out += " {}";
    out += "\n";
    field("compute_efficiency", d.compute_efficiency, false);
    field("memory_efficiency", d.memory_efficiency, false);
    field("l2_efficiency", d.l2_efficiency, false);
    field("l2_far_ratio", d.l2_far_ratio, false);
    field("compute_power", d.compute_power, false);
    field("simt_power", d.simt_power, false);
    field("memory_power", d.memory_power, false);
    field("launch_overhead", d.launch_overhead, true);
    field("time_slice", d.time_slice, true);
    field("context_switch", d.context_switch, true);
    field("eager_host_launch", d.eager_host_launch, true);
  }
  return out;
}

void apply_calibration(DeviceSpec& d, const Calibration& c) {
  for (const auto& dc : c.devices) {
    if (dc.device != d.name) continue;
    if (dc.compute_efficiency) d.compute_efficiency = dc.compute_efficiency->value;
    if (dc.memory_efficiency) d.memory_efficiency = dc.memory_efficiency->value;
    if (dc.l2_efficiency) d.l2_efficiency = dc.l2_efficiency->value;
    if (dc.l2_far_ratio) d.l2_far_ratio = dc.l2_far_ratio->value;
    if (dc.compute_power) d.power_compute = dc.compute_power->value;
    if (dc.simt_power) d.power_simt = dc.simt_power->value;
    if (dc.memory_power) d.power_memory = dc.memory_power->value;
    if (dc.launch_overhead) d.launch_overhead = Seconds{dc.launch_overhead->value};
    if (dc.time_slice) d.time_slice = Seconds{dc.time_slice->value};
    if (dc.context_switch) d.context_switch = Seconds{dc.context_switch->value};
    if (dc.eager_host_launch) d.eager_host_launch = Seconds{dc.eager_host_launch->value};
  }
}

Catalog apply_calibration(const Catalog& catalog, const Calibration& c) {
  Catalog out = catalog;
  for (const auto& d : catalog.devices()) {
    DeviceSpec copy = d;
    apply_calibration(copy, c);
    out.replace(std::move(copy));
  }
  return out;
}

}  // namespace gpusim
