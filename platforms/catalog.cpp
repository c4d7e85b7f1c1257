#include "platforms/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <type_traits>

#include "core/errors.hpp"
#include "core/schema.hpp"
#include "core/yaml_reader.hpp"
#include "platforms/device_fields.hpp"
#include "platforms/input_schema.hpp"

#ifndef GPUSIM_CATALOG_DIR
#define GPUSIM_CATALOG_DIR "platforms/catalog"
#endif

namespace gpusim {

std::optional<FlopRate> DeviceSpec::peak(Precision p) const {
  auto it = peaks.find(p);
  if (it == peaks.end()) return std::nullopt;
  return it->second;
}

FlopRate DeviceSpec::achievable(Precision p) const {
  auto pk = peak(p);
  return pk ? *pk * compute_efficiency : FlopRate{0.0};
}

const MigProfile* DeviceSpec::mig_profile(const std::string& profile_name) const {
  for (const auto& m : mig_profiles) {
    if (m.name == profile_name) return &m;
  }
  return nullptr;
}

namespace {

// The catalog-entry field at `path` (its range and default).
const FieldSpec& device_field(std::string_view path) { return device_schema().at(path); }

std::map<Precision, double> read_precision_map(const std::string& file, const YAML::Node& node,
                                               const std::string& key, bool with_unit) {
  MapReader m(node, file, key);
  std::map<Precision, double> out;
  for (Precision p : all_precisions()) {
    const std::string name(to_string(p));
    auto n = m.optional(name);
    if (!n) continue;
    double v = 0;
    if (with_unit) {
      v = quantity_of<FlopRate>(file, *n, key + "." + name).v;
    } else {
      v = n->as<double>(0.0);
    }
    if (!(v > 0)) throw error_at(file, *n, fmt::format("'{}.{}' must be greater than zero", key, name));
    check_range(file, *n, device_field(key + ".<precision>"), v, key + "." + name);
    out[p] = v;
  }
  m.finish();
  return out;
}

std::vector<MigProfile> read_mig_profiles(const std::string& file, const YAML::Node& node) {
  require_sequence(file, node, "mig_profiles");
  std::vector<MigProfile> out;
  for (const auto& item : node) {
    MapReader m(item, file, "MIG profile");
    MigProfile p;
    p.name = name_in(m, device_field("mig_profiles[].name"));
    p.compute_slices = static_cast<int>(int_in(m, device_field("mig_profiles[].compute_slices")));
    p.memory_slices = static_cast<int>(int_in(m, device_field("mig_profiles[].memory_slices")));
    p.sm_count = static_cast<int>(int_in(m, device_field("mig_profiles[].sm_count")));
    p.memory = get_in<Bytes>(m, device_field("mig_profiles[].memory"));
    p.max_instances = static_cast<int>(int_in(m, device_field("mig_profiles[].max_instances")));
    m.finish();
    out.push_back(p);
  }
  return out;
}

}  // namespace

void read_device_fields(MapReader& m, DeviceSpec& d, bool is_override) {
  const std::string& file = m.file();
  auto str = [&](const char* key, std::string& out) {
    if (auto n = m.optional(key)) out = scalar_of(file, *n, key);
  };
  auto integer = [&](const char* key, int& out) {
    if (!is_override && !m.has(key)) {
      m.required(key);  // throws "missing required key"
    }
    out = static_cast<int>(int_in_or(m, device_field(key), out));
  };
  // A positive quantity, of the type of `out`.
  auto qty = [&](const char* key, auto& out, bool required) {
    if (required && !is_override) {
      out = get_in<std::decay_t<decltype(out)>>(m, device_field(key));
    } else {
      out = get_in_or(m, device_field(key), out);
    }
  };
  str("vendor", d.vendor);
  str("architecture", d.architecture);
  str("form_factor", d.form_factor);
  str("memory_type", d.memory_type);
  integer("sm_count", d.sm_count);
  integer("fp32_lanes_per_sm", d.fp32_lanes_per_sm);
  if (auto n = m.optional("sm_limits")) {
    MapReader l(*n, file, "sm_limits");
    SmLimits& s = d.sm_limits;
    s.threads = static_cast<int>(int_in_or(l, device_field("sm_limits.threads"), s.threads));
    s.blocks = static_cast<int>(int_in_or(l, device_field("sm_limits.blocks"), s.blocks));
    s.registers = static_cast<int>(int_in_or(l, device_field("sm_limits.registers"), s.registers));
    s.shared_memory = get_in_or(l, device_field("sm_limits.shared_memory"), s.shared_memory);
    l.finish();
  }
  qty("boost_clock", d.boost_clock, true);
  qty("base_clock", d.base_clock, false);
  if (auto n = m.optional("tensor_macs_per_sm_per_clock")) {
    d.tensor_macs_per_sm_per_clock = read_precision_map(file, *n, "tensor_macs_per_sm_per_clock", false);
  }
  if (auto n = m.optional("peaks")) {
    for (const auto& [p, v] : read_precision_map(file, *n, "peaks", true)) d.peaks[p] = FlopRate{v};
  } else if (!is_override) {
    m.required("peaks");
  }
  if (!is_override && !d.peaks.count(Precision::FP32)) {
    throw error_at(file, m.node()["peaks"], fmt::format("device '{}': peaks must include fp32", d.name));
  }
  qty("memory", d.memory, true);
  qty("memory_bandwidth", d.memory_bandwidth, true);
  qty("l2_cache", d.l2_cache, true);
  qty("l2_bandwidth", d.l2_bandwidth, false);
  d.l2_partitions = static_cast<int>(int_in_or(m, device_field("l2_partitions"), d.l2_partitions));
  qty("pcie_bandwidth", d.pcie_bandwidth, true);
  qty("tdp", d.tdp, true);
  qty("idle_power", d.idle_power, true);
  if (auto n = m.optional("efficiency")) {
    MapReader e(*n, file, "efficiency");
    d.compute_efficiency = number_in_or(e, device_field("efficiency.compute"), d.compute_efficiency);
    d.memory_efficiency = number_in_or(e, device_field("efficiency.memory"), d.memory_efficiency);
    if (e.has("l2")) d.l2_efficiency = number_in_or(e, device_field("efficiency.l2"), 1.0);
    d.l2_far_ratio = number_in_or(e, device_field("efficiency.l2_far"), d.l2_far_ratio);
    e.finish();
  }
  if (auto n = m.optional("power")) {
    MapReader pw(*n, file, "power");
    const auto share = [&](const char* key, std::optional<double>& out) {
      if (pw.has(key)) out = number_in_or(pw, device_field(std::string("power.") + key), 0.0);
    };
    share("compute", d.power_compute);
    share("simt", d.power_simt);
    share("memory", d.power_memory);
    pw.finish();
  }
  if (auto n = m.optional("launch_overhead")) {
    d.launch_overhead = quantity_of<Seconds>(file, *n, "launch_overhead");
    if (d.launch_overhead.v < 0) throw error_at(file, *n, "'launch_overhead' must not be negative");
    check_range(file, *n, device_field("launch_overhead"), d.launch_overhead.v);
  }
  if (auto n = m.optional("thermal")) {
    MapReader t(*n, file, "thermal");
    d.thermal.ambient = get_in_or(t, device_field("thermal.ambient"), d.thermal.ambient);
    d.thermal.resistance = get_in_or(t, device_field("thermal.resistance"), d.thermal.resistance);
    d.thermal.time_constant = get_in_or(t, device_field("thermal.time_constant"), d.thermal.time_constant);
    d.thermal.limit = get_in_or(t, device_field("thermal.limit"), d.thermal.limit);
    t.finish();
  }
  if (auto n = m.optional("mig_profiles")) d.mig_profiles = read_mig_profiles(file, *n);
  if (auto n = m.optional("sources")) {
    require_sequence(file, *n, "sources");
    d.sources.clear();
    for (const auto& s : *n) d.sources.push_back(scalar_of(file, s, "sources"));
  }
  str("notes", d.notes);
  if (d.base_clock.v == 0) d.base_clock = d.boost_clock;
  if (d.idle_power >= d.tdp) {
    // Points at idle_power where this mapping sets it (an override may set only tdp).
    const YAML::Node idle = m.node()["idle_power"];
    throw error_at(file, idle ? idle : m.node(), fmt::format("device '{}': idle_power must be below tdp", d.name));
  }
}

DeviceSpec parse_device_file(const std::string& path) {
  YAML::Node root = load_yaml_file(path);
  MapReader m(root, path, "catalog entry");
  DeviceSpec d;
  d.file = path;
  d.name = name_in(m, device_field("name"));
  const std::string stem = std::filesystem::path(path).stem().string();
  if (d.name != stem) {
    throw error_at(path, m.required("name"), fmt::format("name '{}' must match the file name '{}'", d.name, stem));
  }
  read_device_fields(m, d, false);
  if (d.sources.empty()) throw error_at(path, root, fmt::format("device '{}': 'sources' must cite at least one source", d.name));
  m.finish();
  return d;
}

std::string Catalog::default_dir() {
  if (const char* env = std::getenv("GPUSIM_CATALOG")) return env;
  return GPUSIM_CATALOG_DIR;
}

Catalog Catalog::load(const std::string& dir) {
  Catalog c;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw ConfigError(fmt::format("{}: error: device catalog directory not found", dir));
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) c.add_file(f);
  return c;
}

void Catalog::add_file(const std::string& path) {
  DeviceSpec d = parse_device_file(path);
  if (find(d.name)) throw ConfigError(fmt::format("{}: error: duplicate catalog entry '{}'", path, d.name));
  devices_.push_back(std::move(d));
}

void Catalog::replace(DeviceSpec d) {
  for (auto& e : devices_) {
    if (e.name == d.name) {
      e = std::move(d);
      return;
    }
  }
  GPUSIM_CHECK(false, "replace names a catalog entry");
}

const DeviceSpec* Catalog::find(const std::string& name) const {
  for (const auto& d : devices_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string Catalog::names() const {
  std::string out;
  for (const auto& d : devices_) out += (out.empty() ? "" : ", ") + d.name;
  return out;
}

}  // namespace gpusim
