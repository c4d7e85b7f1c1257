// Set-up of a simulation: contexts, the SimGrid platform, per-kernel costs, arrivals, and run().

#include <simgrid/kernel/Timer.hpp>
#include <sys/resource.h>
#include <xbt/log.h>

#include <chrono>
#include <cmath>
#include <map>

#include "core/logging.hpp"
#include "sim/simgrid_engine.hpp"
#include "sim/simulation.hpp"

namespace gpusim {
namespace {

using simgrid::kernel::timer::Timer;

// SplitMix64 mixes the run seed with a stream index so each stream gets an independent generator.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A uniform double in [0, 1) from the top 53 bits: portable across standard libraries.
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

}  // namespace

Simulation::Simulation(const Scenario& sc, const Plan& plan, Scheduler* policy)
    : sc_(sc),
      plan_(plan),
      policy_(policy && policy->per_request() ? policy : nullptr),
      mech_(sc.platform.contention) {}

// A context is one CUDA context: a unit's dispatcher when the policy decides per request, a server per
// (unit, workload) for a workload with dynamic batching, otherwise one per stream.
void Simulation::build_contexts() {
  std::map<std::pair<int, int>, int> keyed;  // (unit, workload or -1) -> context
  const auto& placements = plan_.placements();
  streams_.resize(placements.size());
  for (std::size_t s = 0; s < placements.size(); ++s) {
    const Placement& p = placements[s];
    Stream& st = streams_[s];
    st.workload = p.stream.workload;
    st.spec = &sc_.workloads.streams[st.workload];
    st.unit = p.unit;
    // Seeded by (workload, instance), not by position: a stream draws the same arrivals whichever other
    // streams are simulated with it (the additivity analysis relies on it).
    st.rng.seed(mix_seed(sc_.workloads.run.seed,
                         (static_cast<std::uint64_t>(st.workload) << 32) |
                             static_cast<std::uint32_t>(p.stream.instance)));
    const bool batching = mech_.batching && st.spec->batching.has_value();
    int key = -2;
    if (policy_) key = -1;
    if (batching) key = st.workload;
    if (key == -2) {
      st.context = static_cast<int>(contexts_.size());
      contexts_.emplace_back();
    } else {
      auto [it, fresh] = keyed.try_emplace({st.unit, key}, static_cast<int>(contexts_.size()));
      if (fresh) contexts_.emplace_back();
      st.context = it->second;
    }
    Context& c = contexts_[st.context];
    c.unit = st.unit;
    c.share = std::min(c.share, p.mps_share);
    if (batching) {
      c.workload = st.workload;
      c.batching = &*st.spec->batching;
    }
  }
}

void Simulation::build_platform() {
  auto* zone = sg::create_full_zone("gpusim");
  devices_.resize(sc_.platform.devices.size());
  std::map<std::string, sg::Host*> cpus;
  for (std::size_t d = 0; d < devices_.size(); ++d) {
    DeviceRt& dev = devices_[d];
    dev.spec = &sc_.platform.devices[d];
    dev.clocks = pstate_clocks(dev.spec->spec);
    dev.model = PowerModel{dev.spec->spec.idle_power, dev.spec->spec.tdp, mech_.compute_power, mech_.memory_power};
    dev.cap = dev.spec->power_cap.value_or(dev.spec->spec.tdp);
    dev.temperature = dev.spec->spec.thermal.ambient;
    dev.record.min_clock_hz = dev.clocks.front().v;
    if (mech_.pcie) {
      auto [it, fresh] = cpus.try_emplace(dev.spec->node, nullptr);
      if (fresh) it->second = zone->create_host(dev.spec->node + ".cpu", 1.0);
      dev.cpu = it->second;
      dev.pcie = zone->create_link(dev.spec->name + ".pcie", dev.spec->pcie_bandwidth.v)->set_latency(0)->seal();
    }
  }
  units_.resize(plan_.units().size());
  for (std::size_t u = 0; u < plan_.units().size(); ++u) {
    const Unit& unit = plan_.units()[u];
    DeviceRt& dev = devices_[unit.device];
    UnitRt& rt = units_[u];
    rt.spec = dev.spec;
    rt.unit = &unit;
    rt.mps = dev.spec->sharing == SharingMode::MPS;
    std::vector<double> speeds;
    for (const auto& f : dev.clocks) {
      speeds.push_back(kWorkUnitsPerSecond * unit.sm_fraction * plan_.speed_scale() * f.v / dev.clocks.front().v);
    }
    rt.gpu = zone->create_host(unit.name, speeds);
    rt.mem = zone->create_host(unit.name + ".mem", 1.0);
    rt.bus_bandwidth = dev.spec->spec.achievable_bandwidth().v * unit.bw_fraction * plan_.speed_scale();
    rt.bus = zone->create_link(unit.name + ".bus", rt.bus_bandwidth)->set_latency(0);
    if (!mech_.bandwidth) rt.bus->set_sharing_policy(sg::Link::SharingPolicy::FATPIPE);
    rt.bus->seal();
    zone->add_route(rt.gpu->get_netpoint(), rt.mem->get_netpoint(), nullptr, nullptr, {sg::LinkInRoute(rt.bus)},
                    true);
    if (dev.pcie) {
      zone->add_route(dev.cpu->get_netpoint(), rt.mem->get_netpoint(), nullptr, nullptr,
                      {sg::LinkInRoute(dev.pcie), sg::LinkInRoute(rt.bus)}, true);
    }
    dev.units.push_back(static_cast<int>(u));
    dev.hosts.push_back(rt.gpu);
  }
  // MPS: a context whose share is below 1 runs its kernels on the unit and on a private host of share x
  // the unit's speed, so its progress can never exceed that share while the unit stays shared.
  for (std::size_t c = 0; c < contexts_.size(); ++c) {
    Context& ctx = contexts_[c];
    UnitRt& rt = units_[ctx.unit];
    if (!rt.mps || ctx.share >= 1.0) continue;
    std::vector<double> speeds;
    for (unsigned long p = 0; p < rt.gpu->get_pstate_count(); ++p) speeds.push_back(rt.gpu->get_pstate_speed(p) * ctx.share);
    ctx.cap = zone->create_host(rt.unit->name + ".ctx" + std::to_string(c), speeds);
    devices_[rt.unit->device].hosts.push_back(ctx.cap);
  }
  zone->seal();
}

void Simulation::build_costs() {
  for (auto& st : streams_) {
    const DeviceInstance& d = *units_[st.unit].spec;
    st.predicted_service = isolated_request_time(*st.spec, d, *units_[st.unit].unit).value().v;
    const double compute_rate = d.spec.achievable(st.spec->precision).v;
    for (const auto& stage : st.spec->stages) {
      std::vector<KernelCost> costs;
      for (const auto& k : stage.kernels) {
        costs.push_back(KernelCost{k.flops.v / compute_rate * kWorkUnitsPerSecond, k.weight_bytes.v, k.bytes.v});
      }
      st.stage_kernels.push_back(std::move(costs));
    }
    st.record_stages = st.spec->stages.size() > 1;
  }
}

void Simulation::schedule_first_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  const ArrivalSpec& a = st.spec->arrival;
  switch (a.kind) {
    case ArrivalKind::PERIODIC:
      // Cameras are not synchronised: each stream starts at a random phase within its first period.
      st.phase = uniform01(st.rng) / a.rate.v;
      st.next_arrival = st.phase;
      break;
    case ArrivalKind::POISSON:
      st.next_arrival = -std::log1p(-uniform01(st.rng)) / a.rate.v;
      break;
    case ArrivalKind::TRACE:
      st.next_arrival = a.trace.front().v;
      break;
  }
  if (st.next_arrival < window_end_) Timer::set(st.next_arrival, [this, s] { on_arrival(s); });
}

void Simulation::schedule_next_arrival(std::uint32_t s) {
  Stream& st = streams_[s];
  const ArrivalSpec& a = st.spec->arrival;
  switch (a.kind) {
    case ArrivalKind::PERIODIC:
      st.next_arrival = st.phase + static_cast<double>(st.arrivals) / a.rate.v;
      break;
    case ArrivalKind::POISSON:
      st.next_arrival += -std::log1p(-uniform01(st.rng)) / a.rate.v;
      break;
    case ArrivalKind::TRACE:
      if (st.arrivals >= a.trace.size()) return;
      st.next_arrival = a.trace[st.arrivals].v;
      break;
  }
  if (st.next_arrival < window_end_) Timer::set(st.next_arrival, [this, s] { on_arrival(s); });
}

// Items (faces) of one request: the sum of one draw per frame of the batch, each capped at the maximum.
int Simulation::draw_items(Stream& st) {
  const FanoutSpec& f = *st.spec->fanout;
  int total = 0;
  for (int frame = 0; frame < st.spec->batch; ++frame) {
    int k = 0;
    switch (f.kind) {
      case FanoutSpec::Kind::FIXED:
        k = static_cast<int>(f.mean);
        break;
      case FanoutSpec::Kind::UNIFORM:
        k = f.min + static_cast<int>(uniform01(st.rng) * (f.max - f.min + 1));
        break;
      case FanoutSpec::Kind::POISSON: {
        // Inversion by sequential search: exact and portable for the small means of a fan-out.
        const double u = uniform01(st.rng);
        double p = std::exp(-f.mean);
        double cdf = p;
        while (u > cdf && k < f.max) {
          ++k;
          p *= f.mean / k;
          cdf += p;
        }
        break;
      }
    }
    total += std::min(k, f.max);
  }
  return std::min(total, 65535 / std::max(1, st.spec->batch));
}

SimResult Simulation::run() {
  const auto wall_start = std::chrono::steady_clock::now();
  xbt_log_control_set("root.thres:critical");
  sg::Engine engine("gpusim");
  sg::Engine::set_config("host/model:ptask_L07");
  sg::Engine::set_config("network/model:CM02");
  sg::Engine::set_config("network/crosstraffic:0");
  set_sim_clock([] { return sg::Engine::get_clock(); });

  const RunSpec& run = sc_.workloads.run;
  window_begin_ = run.warmup.v;
  window_end_ = run.duration.v;
  horizon_ = run.duration.v + run.drain.v;
  build_contexts();
  build_platform();
  build_costs();
  result_.devices.resize(units_.size());
  samples_per_tick_ =
      std::max(1, static_cast<int>(std::lround(mech_.sample_interval.v / mech_.control_period.v)));

  sg::Activity::on_completion_cb([this](const sg::Activity& a) {
    on_done(static_cast<int>(reinterpret_cast<std::uintptr_t>(a.get_data<void>())));
  });
  sg::Engine::on_time_advance_cb([this](double dt) { account(dt); });
  for (std::uint32_t s = 0; s < streams_.size(); ++s) schedule_first_arrival(s);
  Timer::set(mech_.control_period.v, [this] { control_tick(); });

  logger("sim")->debug("simulating {} stream(s) on {} unit(s) for {} s (+{} s drain)", streams_.size(),
                      units_.size(), run.duration.v, run.drain.v);
  engine.run_until(horizon_);
  result_.end_time = last_event_;
  set_sim_clock(nullptr);

  for (std::size_t u = 0; u < units_.size(); ++u) result_.devices[u] = units_[u].record;
  for (const auto& d : devices_) result_.power.push_back(d.record);
  result_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  result_.peak_rss_kib = usage.ru_maxrss;
  return std::move(result_);
}

SimResult simulate(const Scenario& sc, const Plan& plan, Scheduler* policy) {
  Simulation sim(sc, plan, policy);
  return sim.run();
}

}  // namespace gpusim
