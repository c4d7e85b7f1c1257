// The SimGrid platform: per device its controller and its host link, per unit a GPU host and its memory
// bus, per MPS context two capping hosts. With the bandwidth mechanism on, the bus and the host link are
// hosts as fast as they are, whose tasks' bytes are work on them: shared max-min as links would be, and
// no route to compute per task (SimGrid computes one for each pair of a task's hosts that exchange bytes,
// with a hash set: 11 % of an MPS run). Off, they are links, the bus a fat pipe (every task crosses it at
// full bandwidth, which a host cannot give), between a memory pseudo-host and the GPU, and the host link
// on the route from a host pseudo-host. One star zone holds them: a host's links are its own (the memory
// pseudo-host's is its bus, the host pseudo-host's its device's host link, the GPU and the capping hosts
// have none), so GPU -> memory crosses the bus and host -> memory the host link then the bus. Its routes
// cost memory per host, not per pair of hosts as in a full zone (16 B x hosts^2: 6.7 GiB at 10,000 devices).

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
    const ContentionSpec& mech = sc_.platform.contention_of(device_global_[d]);
    dev.controller.emplace(
        PowerModel{spec.idle_power, spec.tdp, compute_shares(spec, mech.compute_power).compute_power,
                   spec.power_memory.value_or(mech.memory_power), mech.clock_exponent},
        pstate_clocks(spec), dev.spec->power_cap.value_or(spec.tdp), spec.thermal, mech.power, mech.thermal);
    dev.record.min_clock_hz = dev.controller->clocks().front().v;
    if (mech.pcie && mech.bandwidth) {
      dev.pcie_host = zone->create_host(dev.spec->name + ".pcie", dev.spec->pcie_bandwidth.v);
    } else if (mech.pcie) {
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
    const ContentionSpec& mech = sc_.platform.contention_of(unit.device);
    rt.spec = dev.spec;
    rt.unit = &unit;
    rt.mps = dev.spec->sharing == SharingMode::MPS;
    rt.sm_wait = rt.mps && mech.sm_wait;
    rt.slice = time_slice_of(dev.spec->spec, mech).v;
    rt.switch_cost = context_switch_of(dev.spec->spec, mech).v;
    rt.preempt = !rt.mps && mech.time_slice;
    rt.speeds = unit_speeds(dev.controller->clocks(), unit.sm_fraction, plan_.speed_scale(unit.device));
    rt.launch_overhead = mech.launch_overhead ? dev.spec->spec.launch_overhead.v : 0.0;
    rt.l2.emplace(unit.l2, mech.l2_sensitivity, mech.l2);
    rt.gpu = zone->create_host(unit.name, rt.speeds);
    rt.l2_cost = l2_cost(dev.spec->spec, unit.l2, unit.mig_profile.empty());
    const ComputeShares shares = compute_shares(dev.spec->spec, mech.compute_power);
    rt.tensor_ratio = shares.tensor;
    rt.simt_ratio = shares.simt;
    const double bus = unit_bus_bandwidth(dev.spec->spec, unit.bw_fraction, plan_.speed_scale(unit.device)).v;
    if (mech.bandwidth) {
      rt.bus_host = zone->create_host(unit.name + ".bus", bus);
    } else {
      rt.mem = zone->create_host(unit.name + ".mem", 1.0);
      rt.bus = zone->create_link(unit.name + ".bus", bus)->set_latency(0);
      rt.bus->set_sharing_policy(sg::Link::SharingPolicy::FATPIPE);
      rt.bus->seal();
      zone->add_route(rt.mem->get_netpoint(), nullptr, nullptr, nullptr, {sg::LinkInRoute(rt.bus)}, true);
    }
    dev.units.push_back(static_cast<int>(u));
    dev.hosts.push_back(rt.gpu);
  }
  // MPS: each context's kernel also runs on two private hosts, one at the unit's speed (following its
  // clock) and one as fast as its bus: charged its compute and bytes x its stretch there, it can never
  // go faster than alone at the SMs it holds, while on the unit's shared GPU host and bus it is charged
  // only what it really uses. Kernels of other contexts thus run beside it on the SMs it leaves free.
  for (std::size_t c = 0; c < contexts_.size(); ++c) {
    Context& ctx = contexts_[c];
    UnitRt& rt = units_[ctx.unit];
    if (!rt.mps) continue;
    const std::string name = rt.unit->name + ".ctx" + std::to_string(c);
    ctx.cap = zone->create_host(name, rt.speeds);
    ctx.cap_memory = zone->create_host(name + ".mem", bus_bandwidth(rt));
    devices_[rt.device].hosts.push_back(ctx.cap);
  }
  zone->seal();
  // Mechanisms that act by the platform's structure, not by events: a shared batching context, and
  // shared weights (memory only; marked so that no study takes them for inactive).
  for (auto& dev : devices_) dev.record.acted |= mechanism_bit(MechanismId::SHARED_WEIGHTS);
  for (const Context& ctx : contexts_) {
    if (ctx.batching) acted(ctx.unit, MechanismId::BATCHING);
  }
}

}  // namespace gpusim
