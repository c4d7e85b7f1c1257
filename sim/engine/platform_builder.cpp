// The SimGrid platform: per device its controller, a host pseudo-host and its host link, per unit a GPU
// host, a memory pseudo-host and the memory bus between them, per MPS context with a share below 1 a
// capping host. One star zone holds them: a host's links are its own (the memory pseudo-host's is its bus,
// the host pseudo-host's its device's host link, the GPU has none), so GPU -> memory crosses the bus and
// host -> memory the host link then the bus. Its routes cost memory per host, not per pair of hosts as in
// a full zone (16 B x hosts^2: 6.7 GiB at 10,000 devices).

#include <string>

#include "sim/engine/simulation.hpp"

namespace gpusim {

void Simulation::build_platform() {
  auto* zone = sg::create_star_zone("gpusim");
  devices_.resize(device_global_.size());
  for (std::size_t d = 0; d < devices_.size(); ++d) {
    DeviceRt& dev = devices_[d];
    dev.spec = &sc_.platform.devices[device_global_[d]];
    const DeviceSpec& spec = dev.spec->spec;
    dev.controller.emplace(PowerModel{spec.idle_power, spec.tdp, mech_.compute_power, mech_.memory_power},
                           pstate_clocks(spec), dev.spec->power_cap.value_or(spec.tdp), spec.thermal,
                           mech_.power, mech_.thermal);
    dev.record.min_clock_hz = dev.controller->clocks().front().v;
    if (mech_.pcie) {
      dev.cpu = zone->create_host(dev.spec->name + ".host", 1.0);
      dev.pcie =
          zone->create_link(dev.spec->name + ".pcie", dev.spec->pcie_bandwidth.v)->set_latency(0)->seal();
      zone->add_route(dev.cpu->get_netpoint(), nullptr, nullptr, nullptr, {sg::LinkInRoute(dev.pcie)}, true);
    }
  }
  units_.resize(unit_global_.size());
  for (std::size_t u = 0; u < units_.size(); ++u) {
    const Unit& unit = plan_.units()[unit_global_[u]];
    UnitRt& rt = units_[u];
    rt.device = device_local_[unit.device];
    DeviceRt& dev = devices_[rt.device];
    rt.spec = dev.spec;
    rt.unit = &unit;
    rt.mps = dev.spec->sharing == SharingMode::MPS;
    rt.speeds = unit_speeds(dev.controller->clocks(), unit.sm_fraction, plan_.speed_scale());
    rt.launch_overhead = mech_.launch_overhead ? dev.spec->spec.launch_overhead.v : 0.0;
    rt.l2.emplace(unit.l2, mech_.l2_sensitivity, mech_.l2);
    rt.gpu = zone->create_host(unit.name, rt.speeds);
    rt.mem = zone->create_host(unit.name + ".mem", 1.0);
    rt.l2_hit_cost = dev.spec->spec.l2_hit_cost();
    rt.bus = zone->create_link(unit.name + ".bus",
                               unit_bus_bandwidth(dev.spec->spec, unit.bw_fraction, plan_.speed_scale()).v)
                 ->set_latency(0);
    if (!mech_.bandwidth) rt.bus->set_sharing_policy(sg::Link::SharingPolicy::FATPIPE);
    rt.bus->seal();
    zone->add_route(rt.mem->get_netpoint(), nullptr, nullptr, nullptr, {sg::LinkInRoute(rt.bus)}, true);
    dev.units.push_back(static_cast<int>(u));
    dev.hosts.push_back(rt.gpu);
  }
  // MPS: a context whose share is below 1 runs its kernels on the unit and on a private host of share x
  // the unit's speed, so its progress can never exceed that share while the unit stays shared.
  for (std::size_t c = 0; c < contexts_.size(); ++c) {
    Context& ctx = contexts_[c];
    UnitRt& rt = units_[ctx.unit];
    if (!rt.mps || ctx.share >= 1.0) continue;
    ctx.cap =
        zone->create_host(rt.unit->name + ".ctx" + std::to_string(c), share_speeds(rt.speeds, ctx.share));
    devices_[rt.device].hosts.push_back(ctx.cap);
  }
  zone->seal();
}

}  // namespace gpusim
