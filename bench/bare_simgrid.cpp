// The bare SimGrid loop (see bench/bare_simgrid.hpp). The platform part mirrors
// sim/engine/platform_builder.cpp call for call, so that the two simulations differ only in what runs
// on the platform.

#include "bench/bare_simgrid.hpp"

#include <fmt/format.h>
#include <xbt/log.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sim/arrivals.hpp"
#include "sim/power_model.hpp"
#include "sim/simulate.hpp"
#include "sim/work_units.hpp"

namespace gpusim::bench {
namespace {

namespace sg = simgrid::s4u;
using simgrid::kernel::timer::Timer;

struct UnitHosts {
  sg::Host* gpu = nullptr;
  sg::Host* mem = nullptr;
};

struct Kernel {
  double work = 0;
  double bytes = 0;
};

struct BareStream {
  BareStream(const StreamSpec& s, int unit, std::uint64_t seed)
      : spec(&s), unit(unit), rng(seed), arrivals(s.arrival) {}
  const StreamSpec* spec;
  int unit;
  Rng rng;
  ArrivalProcess arrivals;
  std::vector<Kernel> kernels;  // of one request, in order
  std::size_t next = 0;         // kernel of the running request
  bool busy = false;
  std::uint64_t pending = 0;  // requests waiting behind the running one
  sg::ExecPtr exec;           // kept alive until it completes
};

class BareLoop {
 public:
  BareLoop(const Scenario& sc, const Plan& plan) : sc_(sc), plan_(plan) {}

  BareResult run() {
    const auto wall_start = std::chrono::steady_clock::now();
    prepare_simulation_engine();  // as gpusim's simulations get it (the same models, inherited when forked)
    sg::Engine& engine = *sg::Engine::get_instance();
    const RunSpec& run = sc_.workloads.run;
    window_end_ = run.duration.v;
    build_platform();
    build_streams();
    sg::Activity::on_completion_cb([this](const sg::Activity& a) {
      on_done(static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(a.get_data<void>())));
    });
    for (std::uint32_t s = 0; s < streams_.size(); ++s) schedule_arrival(s);
    engine.run_until(run.duration.v + run.drain.v);
    result_.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return result_;
  }

 private:
  // The hosts, links and routes of sim/engine/platform_builder.cpp (MPS capping hosts aside: the loop
  // refuses shares below 1).
  void build_platform() {
    const ContentionSpec& mech = sc_.platform.contention;
    auto* zone = sg::create_full_zone("gpusim");
    std::map<std::string, sg::Host*> cpus;
    std::vector<sg::Host*> cpu_of(sc_.platform.devices.size(), nullptr);
    std::vector<sg::Link*> pcie_of(sc_.platform.devices.size(), nullptr);
    for (std::size_t d = 0; d < sc_.platform.devices.size(); ++d) {
      const DeviceInstance& dev = sc_.platform.devices[d];
      if (!mech.pcie) continue;
      auto [it, fresh] = cpus.try_emplace(dev.node, nullptr);
      if (fresh) it->second = zone->create_host(dev.node + ".cpu", 1.0);
      cpu_of[d] = it->second;
      pcie_of[d] = zone->create_link(dev.name + ".pcie", dev.pcie_bandwidth.v)->set_latency(0)->seal();
    }
    units_.resize(plan_.units().size());
    for (std::size_t u = 0; u < plan_.units().size(); ++u) {
      const Unit& unit = plan_.units()[u];
      const DeviceInstance& dev = sc_.platform.devices[unit.device];
      const std::vector<double> speeds =
          unit_speeds(pstate_clocks(dev.spec), unit.sm_fraction, plan_.speed_scale());
      UnitHosts& rt = units_[u];
      rt.gpu = zone->create_host(unit.name, speeds);
      rt.mem = zone->create_host(unit.name + ".mem", 1.0);
      auto* bus = zone->create_link(unit.name + ".bus",
                                    unit_bus_bandwidth(dev.spec, unit.bw_fraction, plan_.speed_scale()).v)
                      ->set_latency(0);
      if (!mech.bandwidth) bus->set_sharing_policy(sg::Link::SharingPolicy::FATPIPE);
      bus->seal();
      zone->add_route(rt.gpu->get_netpoint(), rt.mem->get_netpoint(), nullptr, nullptr,
                      {sg::LinkInRoute(bus)}, true);
      if (pcie_of[unit.device]) {
        zone->add_route(cpu_of[unit.device]->get_netpoint(), rt.mem->get_netpoint(), nullptr, nullptr,
                        {sg::LinkInRoute(pcie_of[unit.device]), sg::LinkInRoute(bus)}, true);
      }
    }
    zone->seal();
  }

  // Every kernel of every stage, in stage order, at the stream's batch (kernel_costs() as the engine, with
  // its launch stretch at that batch: the first tabulated one, the stream's own batch).
  void build_streams() {
    streams_.reserve(plan_.placements().size());
    for (const Placement& p : plan_.placements()) {
      const StreamSpec& spec = sc_.workloads.streams[p.stream.workload];
      if (spec.fanout || (spec.batching && sc_.platform.contention.batching) || p.mps_share < 1.0) {
        throw std::runtime_error(fmt::format(
            "bare SimGrid loop: workload '{}' uses fan-out, dynamic batching or an MPS share, which it does "
            "not model",
            spec.name));
      }
      BareStream& st = streams_.emplace_back(
          spec, p.unit, stream_seed(sc_.workloads.run.seed, p.stream.workload, p.stream.instance));
      const DeviceInstance& dev = sc_.platform.devices[plan_.units()[p.unit].device];
      const double b = spec.batch;
      for (const auto& stage : kernel_costs(spec, dev.spec, plan_.units()[p.unit].sm_fraction)) {
        for (const KernelCost& k : stage) {
          if (k.work_per_sample * b == 0 && k.bytes_fixed + k.bytes_per_sample * b == 0) continue;
          const double stretch = k.fit.empty() ? 1.0 : k.fit.front().stretch;
          st.kernels.push_back(
              Kernel{k.work_per_sample * b * stretch, (k.bytes_fixed + k.bytes_per_sample * b) * stretch});
        }
      }
    }
  }

  void schedule_arrival(std::uint32_t s) {
    BareStream& st = streams_[s];
    const std::optional<Seconds> t = st.arrivals.next(st.rng);
    if (t && t->v < window_end_) Timer::set(t->v, [this, s] { on_arrival(s); });
  }

  void on_arrival(std::uint32_t s) {
    BareStream& st = streams_[s];
    ++result_.requests;
    result_.end_time = sg::Engine::get_clock();
    if (st.busy) {
      ++st.pending;
    } else if (!st.kernels.empty()) {
      st.busy = true;
      st.next = 0;
      launch(s);
    }
    schedule_arrival(s);
  }

  void launch(std::uint32_t s) {
    BareStream& st = streams_[s];
    const Kernel& k = st.kernels[st.next];
    const UnitHosts& u = units_[st.unit];
    auto exec = sg::Exec::init();
    exec->set_hosts({u.gpu, u.mem});
    exec->set_flops_amounts({k.work, 0.0});
    exec->set_bytes_amounts({0.0, k.bytes, 0.0, 0.0});
    exec->set_data(reinterpret_cast<void*>(static_cast<std::uintptr_t>(s)));
    st.exec = exec;
    exec->start();
  }

  void on_done(std::uint32_t s) {
    BareStream& st = streams_[s];
    ++result_.kernels;
    result_.end_time = sg::Engine::get_clock();
    if (++st.next < st.kernels.size()) {
      launch(s);
      return;
    }
    st.next = 0;
    if (st.pending > 0) {
      --st.pending;
      launch(s);
    } else {
      st.busy = false;
      st.exec = nullptr;
    }
  }

  const Scenario& sc_;
  const Plan& plan_;
  std::vector<UnitHosts> units_;
  std::vector<BareStream> streams_;
  BareResult result_;
  double window_end_ = 0;
};

}  // namespace

BareResult simulate_bare(const Scenario& sc, const Plan& plan) { return BareLoop(sc, plan).run(); }

std::string to_string(const BareResult& r) {
  return fmt::format("{} {} {:.17g} {:.17g}", r.kernels, r.requests, r.end_time, r.wall_seconds);
}

BareResult bare_result_from(const std::string& text) {
  BareResult r;
  std::istringstream in(text);
  in >> r.kernels >> r.requests >> r.end_time >> r.wall_seconds;
  if (!in) throw std::runtime_error("bare SimGrid loop: unreadable result '" + text + "'");
  return r;
}

}  // namespace gpusim::bench
