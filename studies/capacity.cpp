#include "studies/capacity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <memory>
#include <thread>

#include "analysis/invariants.hpp"
#include "analysis/metrics.hpp"
#include "analysis/saturation.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "platforms/catalog.hpp"
#include "sim/runner.hpp"

namespace gpusim {
namespace {

/// One device configuration being searched: its scenario (the varied count set per point) and state.
struct Config {
  Scenario base;
  CapacitySearch search;
  SearchState state;
  std::string refused_above;  ///< why most + 1 streams cannot be planned ("" when most is the cap)
};

int workload_index(const Scenario& sc, const std::string& name) {
  const auto& s = sc.workloads.streams;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i].name == name) return static_cast<int>(i);
  }
  std::string known;
  for (const auto& w : s) known += (known.empty() ? "" : ", ") + w.name;
  throw ConfigError(fmt::format("error: --vary '{}': no workload named '{}' (known: {})", name, name, known));
}

Scenario with_count(const Scenario& base, int vary, long n) {
  Scenario sc = base;
  sc.workloads.streams[static_cast<std::size_t>(vary)].count = static_cast<int>(n);
  return sc;
}

std::unique_ptr<Scheduler> policy_of(const Scenario& sc) {
  return make_scheduler(sc.workloads.run.scheduler, sc.workloads.run.scheduler_params);
}

Plan plan_of(const Scenario& sc) {
  const auto policy = policy_of(sc);
  return make_plan(sc, *policy, sc.workloads.run.scheduler);
}

/// The plan's error for n streams, or "" when it can be planned.
std::string plan_error(const Scenario& base, int vary, long n) {
  try {
    plan_of(with_count(base, vary, n));
    return {};
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const PolicyError& e) {
    return e.what();
  }
}

/// A device name from a catalog type ("A100-PCIe-40GB" -> "a100-pcie-40gb").
std::string device_name(const std::string& type) {
  std::string out;
  for (char c : type)
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
  return out;
}

/// The platform reduced to its first device, made a `spec` (its catalog figures, its own host link, no
/// power cap; MIG becomes time slicing: a partition belongs to one product). Workloads' placements are
/// dropped: every workload runs on the one device.
Scenario one_device(const Scenario& base, const DeviceSpec& spec) {
  Scenario sc = base;
  DeviceInstance d = base.platform.devices.front();
  d.name = device_name(spec.name);
  d.spec = spec;
  d.pcie_bandwidth = spec.pcie_bandwidth;
  d.power_cap.reset();
  if (d.sharing == SharingMode::MIG) {
    d.sharing = SharingMode::TIME_SLICE;
    d.mig_partition.clear();
    d.mig_auto = false;
  }
  sc.platform.nodes = {d.node};
  sc.platform.devices = {d};
  for (StreamSpec& w : sc.workloads.streams) w.placement = PlacementSpec{};  // one device: pins have no say
  return sc;
}

/// The utilisation bracket from the plan at one stream: per unit, the varied stream's device time per
/// second (rate x isolated request time) and the other workloads' (all of them at their counts).
long bracket(const Scenario& base, int vary) {
  const Scenario sc = with_count(base, vary, 1);
  const Plan plan = plan_of(sc);
  const auto& units = plan.units();
  std::vector<std::optional<double>> per_stream(units.size());
  std::vector<double> others(units.size(), 0.0);
  const StreamSpec& v = sc.workloads.streams[static_cast<std::size_t>(vary)];
  for (std::size_t u = 0; u < units.size(); ++u) {
    const DeviceInstance& d = sc.platform.devices[static_cast<std::size_t>(units[u].device)];
    if (const auto t = isolated_request_time(v, d, units[u])) per_stream[u] = v.arrival.rate.v * t->v;
  }
  for (const Placement& p : plan.placements()) {
    if (p.stream.workload == vary) continue;
    const StreamSpec& w = sc.workloads.streams[static_cast<std::size_t>(p.stream.workload)];
    const Unit& unit = units[static_cast<std::size_t>(p.unit)];
    const DeviceInstance& d = sc.platform.devices[static_cast<std::size_t>(unit.device)];
    if (const auto t = isolated_request_time(w, d, unit))
      others[static_cast<std::size_t>(p.unit)] += w.arrival.rate.v * t->v;
  }
  return utilisation_bound(per_stream, others);
}

/// The largest count up to `cap` that can be planned (memory, precision); `why` receives the refusal of
/// the next count. Doubling, then bisection: plans are cheap next to simulations.
long plannable(const Scenario& base, int vary, long cap, std::string& why) {
  why = plan_error(base, vary, 1);
  if (!why.empty()) return 0;
  long ok = 1;
  long bad = cap + 1;
  for (long n = 2; n <= cap; n = std::min(cap, n * 2)) {
    std::string e = plan_error(base, vary, n);
    if (!e.empty()) {
      bad = n;
      why = std::move(e);
      break;
    }
    ok = n;
    if (n == cap) break;
  }
  while (bad - ok > 1) {
    const long mid = ok + (bad - ok) / 2;
    std::string e = plan_error(base, vary, mid);
    if (e.empty()) {
      ok = mid;
    } else {
      bad = mid;
      why = std::move(e);
    }
  }
  if (bad == cap + 1) why.clear();
  return ok;
}

/// One simulation to run: a configuration's count and seed, its scenario, plan and policy.
struct Pending {
  std::size_t config = 0;
  long streams = 0;
  std::uint64_t seed = 0;
  bool batching = false;
};

struct Batch {
  std::vector<Pending> pending;
  std::deque<Scenario> scenarios;
  std::deque<Plan> plans;
  std::vector<std::unique_ptr<Scheduler>> policies;
  std::vector<SimJob> jobs;
  std::vector<std::string> refused;  ///< per pending: the plan's error (then no job)
  std::vector<int> job_of;           ///< per pending: index into jobs, or -1
};

void add_point(Batch& b, const Config& c, int vary, const Pending& p,
               const std::optional<BatchingSpec>& batching) {
  Scenario sc = with_count(c.base, vary, p.streams);
  sc.workloads.run.seed = p.seed;
  if (batching) sc.workloads.streams[static_cast<std::size_t>(vary)].batching = batching;
  b.pending.push_back(p);
  b.scenarios.push_back(std::move(sc));
  try {
    b.plans.push_back(plan_of(b.scenarios.back()));
  } catch (const ConfigError& e) {
    b.refused.push_back(e.what());
    b.job_of.push_back(-1);
    return;
  } catch (const PolicyError& e) {
    b.refused.push_back(e.what());
    b.job_of.push_back(-1);
    return;
  }
  b.policies.push_back(policy_of(b.scenarios.back()));
  b.refused.emplace_back();
  b.job_of.push_back(static_cast<int>(b.jobs.size()));
  b.jobs.push_back(SimJob{&b.scenarios.back(), &b.plans.back(), b.policies.back().get()});
}

/// Simulates the batch and judges each point.
std::vector<CapacityPoint> run_batch(Batch& b, double quantile, unsigned parallel) {
  const std::vector<SimAttempt> attempts = simulate_each(b.jobs, parallel, "capacity");
  std::vector<CapacityPoint> out;
  for (std::size_t i = 0; i < b.pending.size(); ++i) {
    const Pending& p = b.pending[i];
    CapacityPoint point;
    if (b.job_of[i] < 0 || !attempts[static_cast<std::size_t>(b.job_of[i])].result) {
      point.streams = p.streams;
      point.seed = p.seed;
      point.refused = b.job_of[i] < 0 ? b.refused[i] : attempts[static_cast<std::size_t>(b.job_of[i])].error;
      point.binding = b.job_of[i] < 0 ? "memory" : "error";
      point.failure = point.refused;
      out.push_back(std::move(point));
      continue;
    }
    const auto j = static_cast<std::size_t>(b.job_of[i]);
    const Scenario& sc = *b.jobs[j].scenario;
    const Plan& plan = *b.jobs[j].plan;
    const SimResult& r = *attempts[j].result;
    const RunMetrics m = compute_metrics(sc, plan, r);
    enforce_invariants(sc, plan, r, m);
    std::vector<std::vector<double>> latencies(sc.workloads.streams.size());
    for (const RequestRecord& rec : r.requests) {
      if (rec.status != RequestStatus::COMPLETED || !in_window(sc.workloads.run, rec)) continue;
      const auto w = static_cast<std::size_t>(plan.placements()[rec.stream].stream.workload);
      latencies[w].push_back(rec.finish - rec.arrival);
    }
    out.push_back(judge_point(m, latencies, quantile, p.streams, p.seed));
  }
  return out;
}

void check_request(const CapacityRequest& r) {
  if (!(r.quantile > 0 && r.quantile < 1)) {
    throw ConfigError(fmt::format("error: --quantile {:g}: must be in (0, 1), e.g. 0.99", r.quantile));
  }
  if (r.seeds < 1 || r.seeds > 64) {
    throw ConfigError(fmt::format("error: --seeds {}: must be from 1 to 64", r.seeds));
  }
  if (!(r.window_s > 0) || r.window_s > 3600) {
    throw ConfigError(fmt::format("error: --window {:g} s: must be positive and at most 3600 s", r.window_s));
  }
  if (r.max_streams < 1 || r.max_streams > 1000000) {
    throw ConfigError(fmt::format("error: --max-streams {}: must be from 1 to 1000000", r.max_streams));
  }
}

std::string suggestion_text(const CapacityStudy& st, long tried_hi, long best, const BatchingSpec& b) {
  const std::string set =
      fmt::format("--set workloads.{}.batching.max_batch={} --set workloads.{}.batching.max_delay={:g}ms",
                  st.vary, b.max_batch, st.vary, 1e3 * b.max_delay.v);
  if (best == 0) return {};
  return fmt::format(
      "with dynamic batching of '{}' (max_batch {}, max_delay {:g} ms), {} streams {} still meet every SLA: "
      "search again with {}",
      st.vary, b.max_batch, 1e3 * b.max_delay.v, best,
      best < tried_hi ? fmt::format("(not {})", tried_hi) : std::string("(the most tried)"), set);
}

}  // namespace

CapacityStudy find_capacity(const CapacityRequest& request) {
  check_request(request);
  const Scenario loaded = load_scenario(request.scenario);
  const int vary = workload_index(loaded, request.vary);
  CapacityStudy st;
  st.platform_file = request.scenario.platform;
  st.workloads_file = request.scenario.workloads;
  st.overrides = loaded.overrides;
  st.vary = request.vary;
  const StreamSpec& v = loaded.workloads.streams[static_cast<std::size_t>(vary)];
  st.rate_rps = v.arrival.rate.v;
  if (v.sla) st.sla_s = v.sla->v;
  for (const auto& w : loaded.workloads.streams) {
    if (w.name != request.vary) st.others.emplace_back(w.name, w.count);
  }
  st.quantile = request.quantile;
  st.seeds = request.seeds;
  st.seed = loaded.workloads.run.seed;
  st.scheduler = loaded.workloads.run.scheduler;
  const RunSpec& run = loaded.workloads.run;
  st.warmup_s = run.warmup.v;
  st.window_s = std::min(request.window_s, run.duration.v - run.warmup.v);
  st.per_device = !request.per_device.empty();

  Scenario base = loaded;
  base.workloads.run.duration = Seconds{st.warmup_s + st.window_s};

  std::vector<Config> configs;
  if (request.per_device.empty()) {
    configs.push_back(Config{base, {}, {}, {}});
    configs.back().search.label = "platform";
    configs.back().search.devices = static_cast<int>(base.platform.devices.size());
  } else {
    const Catalog catalog =
        Catalog::load(request.scenario.catalog.empty() ? Catalog::default_dir() : request.scenario.catalog);
    for (const auto& type : request.per_device) {
      const DeviceSpec* spec = catalog.find(type);
      if (!spec) {
        throw ConfigError(
            fmt::format("error: --per-device: unknown device type '{}' (known: {})", type, catalog.names()));
      }
      configs.push_back(Config{one_device(base, *spec), {}, {}, {}});
      configs.back().search.label = type;
    }
  }

  for (Config& c : configs) {
    c.state.most = plannable(c.base, vary, request.max_streams, c.refused_above);
    c.search.most = c.state.most;
    if (c.state.most == 0) {
      c.search.error = c.refused_above;
      continue;
    }
    c.search.bound = bracket(c.base, vary);
    {
      const Scenario one = with_count(c.base, vary, 1);
      for (const auto& x : impossible_slas(one, plan_of(one))) {
        logger("analysis")->warn("{}{}", st.per_device ? c.search.label + ": " : std::string(), x.message);
      }
    }
    c.state.hint = std::max(1L, std::min(c.search.bound, c.state.most));
    logger("sim")->info("capacity: {}: utilisation bound {} stream(s) of '{}', {} fit in memory",
                        c.search.label, c.search.bound, st.vary, c.state.most);
  }

  const unsigned cores =
      request.parallel ? request.parallel : std::max(1u, std::thread::hardware_concurrency());
  for (;;) {
    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < configs.size(); ++i) {
      if (configs[i].search.error.empty() && !search_done(configs[i].state)) active.push_back(i);
    }
    if (active.empty()) break;
    const int k =
        std::max(2, static_cast<int>(cores / (active.size() * static_cast<std::size_t>(request.seeds))));
    Batch b;
    for (std::size_t i : active) {
      const std::vector<long> counts = next_counts(configs[i].state, k);
      logger("sim")->info("capacity: {}: simulating {} stream(s)", configs[i].search.label,
                          fmt::format("{}", fmt::join(counts, ", ")));
      for (long n : counts) {
        for (int s = 0; s < request.seeds; ++s)
          add_point(b, configs[i], vary, Pending{i, n, st.seed + s, false}, {});
      }
    }
    std::vector<CapacityPoint> points = run_batch(b, request.quantile, request.parallel);
    st.simulations += b.jobs.size();
    for (std::size_t j = 0; j < points.size(); ++j) {
      Config& c = configs[b.pending[j].config];
      c.search.points[b.pending[j].streams].push_back(std::move(points[j]));
    }
    for (std::size_t i : active) {
      for (const auto& [n, pts] : configs[i].search.points) configs[i].state.tried[n] = all_meet(pts);
    }
  }

  for (Config& c : configs) {
    if (!c.search.error.empty()) continue;
    c.search.answer = search_low(c.state);
    const long beyond = c.search.answer + 1;
    if (beyond > c.state.most && !c.search.points.count(beyond)) {
      CapacityPoint p;
      p.streams = beyond;
      p.refused = c.refused_above.empty() ? fmt::format("not tried: --max-streams is {}", request.max_streams)
                                          : c.refused_above;
      p.binding = c.refused_above.empty() ? "cap" : "memory";
      p.failure = p.refused;
      c.search.points[beyond].push_back(p);
    }
  }

  // The knob: dynamic batching of the varied workload, when the SLA or saturation binds and it has none.
  if (request.suggest && !v.batching) {
    BatchingSpec spec;
    spec.max_batch = 8;
    spec.max_delay = Seconds{std::min(5e-3, st.sla_s ? *st.sla_s / 10 : 5e-3)};
    Batch b;
    for (std::size_t i = 0; i < configs.size(); ++i) {
      const CapacitySearch& s = configs[i].search;
      if (!s.error.empty()) continue;
      const CapacityPoint* f = first_failure(points_at(s, s.answer + 1));
      if (!f || (f->binding != "saturation" && f->binding.rfind("sla:", 0) != 0)) continue;
      const long a = s.answer + 1;
      const long bigger =
          std::min(configs[i].state.most, static_cast<long>(std::ceil(1.5 * static_cast<double>(a))));
      std::vector<long> counts{a};
      if (bigger > a) counts.push_back(bigger);
      for (long n : counts) {
        for (int sd = 0; sd < request.seeds; ++sd)
          add_point(b, configs[i], vary, Pending{i, n, st.seed + sd, true}, spec);
      }
    }
    if (!b.pending.empty()) {
      logger("sim")->info("capacity: trying dynamic batching of '{}' beyond each answer", st.vary);
      const std::vector<CapacityPoint> points = run_batch(b, request.quantile, request.parallel);
      st.simulations += b.jobs.size();
      std::map<std::size_t, std::map<long, bool>> ok;
      for (std::size_t j = 0; j < points.size(); ++j) {
        auto& m = ok[b.pending[j].config];
        const long n = b.pending[j].streams;
        m[n] = (m.count(n) ? m[n] : true) && points[j].meets;
      }
      for (const auto& [i, counts] : ok) {
        long best = 0;
        long fails = 0;
        for (const auto& [n, meets] : counts) {
          if (meets && fails == 0) best = n;
          if (!meets && fails == 0) fails = n;
        }
        configs[i].search.suggestion =
            suggestion_text(st, fails ? fails : counts.rbegin()->first, best, spec);
      }
    }
  }
  for (Config& c : configs) st.searches.push_back(std::move(c.search));
  return st;
}

}  // namespace gpusim
