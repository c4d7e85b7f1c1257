#include "platforms/parse_platform.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "core/logging.hpp"
#include "core/schema.hpp"
#include "core/yaml_reader.hpp"
#include "platforms/calibration.hpp"
#include "platforms/device_fields.hpp"
#include "platforms/input_schema.hpp"

namespace gpusim {

std::string_view to_string(SharingMode m) {
  switch (m) {
    case SharingMode::TIME_SLICE:
      return "time-slice";
    case SharingMode::MPS:
      return "mps";
    case SharingMode::MIG:
      return "mig";
  }
  return "?";
}

namespace {

// The platform.yaml field at `path` (its range and default).
const FieldSpec& platform_field(std::string_view path) { return platform_schema().at(path); }

SharingMode parse_sharing(const std::string& file, const YAML::Node& node, const std::string& device) {
  const std::string text = scalar_of(file, node, "sharing");
  if (text == "time-slice") return SharingMode::TIME_SLICE;
  if (text == "mps") return SharingMode::MPS;
  if (text == "mig") return SharingMode::MIG;
  throw error_at(file, node,
                 fmt::format("device '{}': unknown sharing mode '{}' (known: time-slice, mps, mig)", device, text));
}

void parse_device(const std::string& file, const YAML::Node& node, const std::string& node_name,
                  std::optional<ByteRate> node_pcie, const Catalog& catalog, PlatformSpec& out,
                  std::map<std::string, int>& names) {
  MapReader m(node, file, "device");
  const std::string base_name = name_in(m, platform_field("nodes[].devices[].name"));
  const YAML::Node type_node = m.required("type");
  const std::string type = scalar_of(file, type_node, "type");
  const DeviceSpec* spec = catalog.find(type);
  if (!spec) {
    throw error_at(file, type_node,
                   fmt::format("device '{}': unknown catalog entry '{}' (known: {})", base_name, type, catalog.names()));
  }
  const long long count = int_in_or(m, platform_field("nodes[].devices[].count"), 1);
  DeviceInstance proto;
  proto.node = node_name;
  proto.spec = *spec;
  proto.loc = loc_of(file, node);
  if (auto o = m.optional("overrides")) {
    MapReader ov(*o, file, fmt::format("overrides of device '{}'", base_name));
    read_device_fields(ov, proto.spec, true);
    ov.finish();
  }
  if (auto s = m.optional("sharing")) proto.sharing = parse_sharing(file, *s, base_name);
  proto.pcie_bandwidth = node_pcie.value_or(proto.spec.pcie_bandwidth);
  proto.pcie_bandwidth = get_in_or(m, platform_field("nodes[].devices[].pcie_bandwidth"), proto.pcie_bandwidth);
  if (auto pc = m.optional("power_cap")) {
    const Watts cap = quantity_of<Watts>(file, *pc, "power_cap");
    if (!(cap > proto.spec.idle_power)) {
      throw error_at(file, *pc, fmt::format("device '{}': power_cap must be above the idle power ({} W)", base_name,
                                            proto.spec.idle_power.v));
    }
    const Watts max_cap = proto.spec.tdp * kMaxPowerCapOverTdp;
    if (cap > max_cap) {
      throw error_at(file, *pc, fmt::format("device '{}': power_cap must be at most {} x tdp ({} W) (got '{}')",
                                            base_name, kMaxPowerCapOverTdp, max_cap.v, pc->Scalar()));
    }
    if (cap > proto.spec.tdp) {
      logger("cfg")->warn("{}: device '{}': power_cap {} W is above tdp ({} W); real boards rarely allow it",
                          loc_of(file, *pc).str(), base_name, cap.v, proto.spec.tdp.v);
    }
    proto.power_cap = cap;
  }
  proto.queue_limit = static_cast<int>(int_in_or(m, platform_field("nodes[].devices[].queue_limit"), 0));
  auto mig = m.optional("mig");
  if (mig && mig->IsScalar() && mig->Scalar() == "auto") {
    proto.mig_auto = true;
  } else if (mig) {
    require_sequence(file, *mig, "mig");
    for (const auto& p : *mig) proto.mig_partition.push_back(scalar_of(file, p, "mig"));
  }
  m.finish();
  if (proto.sharing == SharingMode::MIG) {
    if (!mig || (!proto.mig_auto && proto.mig_partition.empty())) {
      throw error_at(file, node, fmt::format("device '{}': sharing 'mig' needs a 'mig' list of profiles (or "
                                             "'mig: auto')", base_name));
    }
    if (proto.spec.mig_profiles.empty()) {
      throw error_at(file, *mig, fmt::format("device '{}': {} does not support MIG", base_name, proto.spec.name));
    }
    if (!proto.mig_auto) {
      std::size_t bad = proto.mig_partition.size();
      const std::string problem = check_mig_partition(proto.spec, proto.mig_partition, &bad);
      if (!problem.empty()) {
        const YAML::Node at = bad < proto.mig_partition.size() ? (*mig)[bad] : *mig;
        throw error_at(file, at, fmt::format("device '{}': {}", base_name, problem));
      }
    }
  } else if (mig) {
    throw error_at(file, *mig, fmt::format("device '{}': 'mig' is only valid with sharing: mig", base_name));
  }
  for (long long i = 0; i < count; ++i) {
    DeviceInstance d = proto;
    d.name = count == 1 ? base_name : fmt::format("{}{}", base_name, i);
    const auto [it, added] = names.emplace(d.name, proto.loc.line);
    if (!added) {
      throw error_at(file, node, fmt::format("duplicate device name '{}' (the device at line {} has it too)", d.name,
                                             it->second));
    }
    out.devices.push_back(std::move(d));
  }
}

// `contention:` — each mechanism is on/off, or a mapping of its parameters (with optional `enabled`).
ContentionSpec parse_contention(const std::string& file, const YAML::Node& node) {
  MapReader m(node, file, "contention");
  ContentionSpec c;
  for (const auto& name : mechanism_names()) {
    auto n = m.optional(name);
    if (!n) continue;
    if (n->IsScalar()) {
      const std::string v = n->Scalar();
      if (v == "on" || v == "true" || v == "yes") {
        c.set(name, true);
      } else if (v == "off" || v == "false" || v == "no") {
        c.set(name, false);
      } else {
        throw error_at(file, *n, fmt::format("contention '{}' must be on, off or a mapping of parameters", name));
      }
      continue;
    }
    MapReader p(*n, file, fmt::format("contention '{}'", name));
    c.set(name, p.bool_or("enabled", true));
    if (name == "l2") c.l2_sensitivity = number_in_or(p, platform_field("contention.l2.sensitivity"), c.l2_sensitivity);
    if (name == "time_slice") {
      c.slice = get_in_or(p, platform_field("contention.time_slice.slice"), c.slice);
      if (auto sc = p.optional("switch_cost")) {
        c.switch_cost = quantity_of<Seconds>(file, *sc, "switch_cost");
        if (c.switch_cost.v < 0) throw error_at(file, *n, "'switch_cost' must not be negative");
        check_range(file, *sc, platform_field("contention.time_slice.switch_cost"), c.switch_cost.v);
      }
    }
    if (name == "power") {
      c.compute_power = number_in_or(p, platform_field("contention.power.compute_power"), c.compute_power);
      c.memory_power = number_in_or(p, platform_field("contention.power.memory_power"), c.memory_power);
      c.clock_exponent =
          number_in_or(p, platform_field("contention.power.clock_exponent"), c.clock_exponent);
      c.control_period = get_in_or(p, platform_field("contention.power.period"), c.control_period);
    }
    p.finish();
  }
  c.sample_interval = get_in_or(m, platform_field("contention.sample_interval"), c.sample_interval);
  m.finish();
  return c;
}

}  // namespace

// A MIG partition must use the product's own profiles, within its slice budget (7 compute slices,
// 8 memory slices on A100/H100/H200: the largest profile's counts) and each profile's instance limit.
std::string check_mig_partition(const DeviceSpec& s, const std::vector<std::string>& partition,
                                std::size_t* bad_entry) {
  if (s.mig_profiles.empty()) return fmt::format("{} does not support MIG", s.name);
  if (partition.empty()) return "the MIG partition is empty";
  int max_compute = 0;
  int max_memory = 0;
  for (const auto& p : s.mig_profiles) {
    max_compute = std::max(max_compute, p.compute_slices);
    max_memory = std::max(max_memory, p.memory_slices);
  }
  int compute = 0;
  int memory = 0;
  std::map<std::string, int> uses;
  for (std::size_t i = 0; i < partition.size(); ++i) {
    const std::string& name = partition[i];
    if (bad_entry) *bad_entry = i;
    const MigProfile* p = s.mig_profile(name);
    if (!p) {
      std::string known;
      for (const auto& q : s.mig_profiles) known += (known.empty() ? "" : ", ") + q.name;
      return fmt::format("unknown MIG profile '{}' for {} (known: {})", name, s.name, known);
    }
    if (++uses[name] > p->max_instances) {
      return fmt::format("at most {} instance(s) of MIG profile '{}' on {}", p->max_instances, name, s.name);
    }
    compute += p->compute_slices;
    memory += p->memory_slices;
  }
  if (bad_entry) *bad_entry = partition.size();
  if (compute > max_compute || memory > max_memory) {
    return fmt::format("MIG partition needs {} compute and {} memory slices, {} has {} and {}", compute, memory,
                       s.name, max_compute, max_memory);
  }
  return "";
}

PlatformSpec parse_platform(const std::string& path, const Catalog& catalog) {
  return parse_platform(load_yaml_file(path), path, catalog);
}

PlatformSpec parse_platform(const YAML::Node& root, const std::string& path, const Catalog& catalog) {
  MapReader top(root, path, "platform");
  PlatformSpec out;
  out.file = path;
  out.memory_headroom = number_in_or(top, platform_field("memory_headroom"), out.memory_headroom);
  if (auto c = top.optional("contention")) out.contention = parse_contention(path, *c);
  // A calibration overlay (path relative to this file) replaces the fitted fields of the entries it names.
  std::optional<Catalog> calibrated;
  if (auto c = top.optional("calibration")) {
    const std::string name = scalar_of(path, *c, "calibration");
    const std::filesystem::path file = std::filesystem::path(path).parent_path() / name;
    std::error_code ec;
    if (name.empty() || !std::filesystem::is_regular_file(file, ec))
      throw error_at(path, *c, fmt::format("'calibration': no such file '{}'", file.string()));
    calibrated = apply_calibration(catalog, read_calibration(file.string(), catalog));
  }
  const Catalog& devices_from = calibrated ? *calibrated : catalog;
  YAML::Node nodes = top.required("nodes");
  require_sequence(path, nodes, "nodes");
  if (nodes.size() == 0) throw error_at(path, nodes, "'nodes' must list at least one node");
  std::set<std::string> node_names;
  std::map<std::string, int> device_names;  // name -> line of its entry
  for (const auto& n : nodes) {
    MapReader nm(n, path, "node");
    const YAML::Node name_node = nm.required("name");
    const std::string name = scalar_of(path, name_node, "name");
    check_name(path, name_node, "name", name);
    if (!node_names.insert(name).second) throw error_at(path, name_node, fmt::format("duplicate node name '{}'", name));
    std::optional<ByteRate> pcie;
    if (auto p = nm.optional("pcie_bandwidth")) {
      pcie = quantity_of<ByteRate>(path, *p, "pcie_bandwidth");
      if (!(pcie->v > 0)) throw error_at(path, *p, "'pcie_bandwidth' must be greater than zero");
      check_range(path, *p, platform_field("nodes[].pcie_bandwidth"), pcie->v);
    }
    YAML::Node devs = nm.required("devices");
    require_sequence(path, devs, "devices");
    if (devs.size() == 0) throw error_at(path, devs, fmt::format("node '{}': 'devices' is empty", name));
    nm.finish();
    out.nodes.push_back(name);
    for (const auto& d : devs) parse_device(path, d, name, pcie, devices_from, out, device_names);
  }
  top.finish();
  return out;
}

}  // namespace gpusim
