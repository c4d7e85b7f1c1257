#include "analysis/additivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "analysis/metrics.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "sim/simgrid_engine.hpp"

namespace gpusim {
namespace {

// One simulation of the analysis: a subset of the run's streams, a contention setting and a speed scale.
struct Variant {
  std::vector<int> streams;  // indices into the run's Plan::streams
  std::string without;       // mechanism switched off ("" = none)
  double scale = 1.0;
};

struct Outcome {
  std::vector<double> occupied;    // per physical device, fraction of the window
  std::vector<double> attainment;  // per workload: SLA attainment (or completion share without SLA)
  std::vector<std::uint64_t> generated;
};

class Runner {
 public:
  Runner(const Scenario& sc, const Plan& plan, Scheduler* policy, unsigned parallel)
      : sc_(sc), plan_(plan), policy_(policy), parallel_(parallel) {}

  std::vector<Outcome> run(const std::vector<Variant>& variants) {
    std::vector<Scenario> scenarios(variants.size(), sc_);
    std::vector<Plan> plans(variants.size());
    std::vector<std::function<SimResult()>> jobs;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const Variant& v = variants[i];
      if (!v.without.empty()) scenarios[i].platform.contention.set(v.without, false);
      Plan& p = plans[i];
      p.units = plan_.units;
      p.scheduler = plan_.scheduler;
      p.speed_scale = v.scale;
      for (int s : v.streams) {
        p.streams.push_back(plan_.streams[s]);
        p.unit_of.push_back(plan_.unit_of[s]);
        p.mps_share.push_back(plan_.mps_share.empty() ? 1.0 : plan_.mps_share[s]);
      }
      p.memory_used.assign(p.units.size(), 0.0);
      const Scenario* scp = &scenarios[i];
      const Plan* pp = &plans[i];
      Scheduler* policy = policy_;
      jobs.push_back([scp, pp, policy] { return simulate(*scp, *pp, policy); });
    }
    const std::vector<SimResult> results = run_parallel(jobs, parallel_);
    std::vector<Outcome> out;
    for (std::size_t i = 0; i < results.size(); ++i) {
      const RunMetrics m = compute_metrics(scenarios[i], plans[i], results[i]);
      Outcome o;
      o.occupied.assign(sc_.platform.devices.size(), 0.0);
      for (std::size_t u = 0; u < plans[i].units.size(); ++u) {
        o.occupied[plans[i].units[u].device] += m.devices[u].occupied * plans[i].units[u].sm_fraction;
      }
      for (const auto& w : m.workloads) {
        const double done = w.generated ? static_cast<double>(w.completed) / static_cast<double>(w.generated) : 1.0;
        o.attainment.push_back(w.sla_attainment.value_or(done));
        o.generated.push_back(w.generated);
      }
      out.push_back(std::move(o));
    }
    return out;
  }

 private:
  const Scenario& sc_;
  const Plan& plan_;
  Scheduler* policy_;
  unsigned parallel_;
};

struct Scope {
  std::string name;
  int device = -1;                        // -1: the platform
  std::vector<int> workloads;             // workload indices
  std::map<int, std::vector<int>> streams;  // workload -> its stream instances in the scope
  std::vector<int> all;                   // every stream in the scope
};

double occupied_of(const Outcome& o, const Scope& s) {
  if (s.device >= 0) return o.occupied[s.device];
  double total = 0;
  for (double x : o.occupied) total += x;
  return total;
}

// The precision carrying most of the scope's FLOPs: its peak gives the TFLOP/s scale.
Precision dominant_precision(const Scenario& sc, const Scope& s) {
  std::map<Precision, double> flops;
  for (int w : s.workloads) {
    const StreamSpec& spec = sc.workloads.streams[w];
    flops[spec.precision] += spec.request_flops().v * static_cast<double>(s.streams.at(w).size());
  }
  return std::max_element(flops.begin(), flops.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

std::string signed_pct(double x) {
  const double p = x * 100.0;
  return fmt::format("{}{:.1f} %", p >= 0 ? "+" : "\u2212", std::fabs(p));
}

std::string make_verdict(const AdditivityResult& r) {
  const double gap = r.ratio - 1.0;
  std::string out;
  if (std::fabs(gap) < 0.005) {
    out = fmt::format("combined demand equals the simple sum ({:.3f} vs {:.3f})", r.combined, r.sum);
  } else {
    out = fmt::format("combined demand is {:.1f} % {} the simple sum", std::fabs(gap) * 100.0,
                      gap > 0 ? "above" : "below");
  }
  std::vector<std::pair<std::string, double>> parts(r.attribution.begin(), r.attribution.end());
  std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return std::fabs(a.second) > std::fabs(b.second); });
  std::string list;
  for (const auto& [name, delta] : parts) {
    if (std::fabs(delta) < 0.005) continue;
    list += fmt::format("{}{} {}", list.empty() ? "" : ", ", name, signed_pct(delta));
  }
  if (!list.empty()) out += ": " + list;
  return out;
}

}  // namespace

std::vector<AdditivityResult> analyse_additivity(const Scenario& sc, const Plan& plan, Scheduler* policy,
                                                 const AdditivityOptions& options) {
  // Scopes: each device with two or more workloads, and the platform when it has two or more.
  std::vector<Scope> scopes;
  Scope platform;
  platform.name = "platform";
  for (std::size_t d = 0; d < sc.platform.devices.size(); ++d) {
    Scope s;
    s.name = sc.platform.devices[d].name;
    s.device = static_cast<int>(d);
    for (std::size_t i = 0; i < plan.streams.size(); ++i) {
      if (plan.units[plan.unit_of[i]].device != static_cast<int>(d)) continue;
      s.streams[plan.streams[i].workload].push_back(static_cast<int>(i));
      s.all.push_back(static_cast<int>(i));
    }
    for (const auto& [w, _] : s.streams) s.workloads.push_back(w);
    if (s.workloads.size() >= 2) scopes.push_back(s);
  }
  for (std::size_t i = 0; i < plan.streams.size(); ++i) {
    platform.streams[plan.streams[i].workload].push_back(static_cast<int>(i));
    platform.all.push_back(static_cast<int>(i));
  }
  for (const auto& [w, _] : platform.streams) platform.workloads.push_back(w);
  const bool single_device_scope = scopes.size() == 1 && sc.platform.devices.size() == 1;
  if (platform.workloads.size() >= 2 && !single_device_scope) scopes.push_back(platform);
  if (scopes.empty()) return {};

  // Utilisation view and attribution: every (scope, workload-or-combined, mechanism-off) variant at once.
  std::vector<std::string> mechanisms;
  for (const auto& m : mechanism_names()) {
    if (sc.platform.contention.enabled(m)) mechanisms.push_back(m);
  }
  std::vector<std::string> settings{""};
  settings.insert(settings.end(), mechanisms.begin(), mechanisms.end());
  std::vector<Variant> variants;
  for (const auto& scope : scopes) {
    for (const auto& off : settings) {
      for (int w : scope.workloads) variants.push_back(Variant{scope.streams.at(w), off, 1.0});
      variants.push_back(Variant{scope.all, off, 1.0});
    }
  }
  Runner runner(sc, plan, policy, options.parallel);
  logger("analysis")->info("additivity: {} scope(s), {} simulations", scopes.size(), variants.size());
  const std::vector<Outcome> outcomes = runner.run(variants);

  std::vector<AdditivityResult> results;
  std::size_t k = 0;
  for (const auto& scope : scopes) {
    AdditivityResult r;
    r.scope = scope.name;
    std::map<std::string, double> ratio_without;
    for (const auto& off : settings) {
      double sum = 0;
      std::map<std::string, double> isolated;
      for (int w : scope.workloads) {
        const double x = occupied_of(outcomes[k++], scope);
        isolated[sc.workloads.streams[w].name] = x;
        sum += x;
      }
      const double combined = occupied_of(outcomes[k++], scope);
      const double ratio = sum > 0 ? combined / sum : 1.0;
      if (off.empty()) {
        r.isolated = isolated;
        r.sum = sum;
        r.combined = combined;
        r.ratio = ratio;
      } else {
        ratio_without[off] = ratio;
      }
    }
    for (const auto& [m, ratio] : ratio_without) r.attribution[m] = r.ratio - ratio;
    for (int w : scope.workloads) r.workloads.push_back(sc.workloads.streams[w].name);
    // Memory: each workload alone vs together (shared weights of a workload are counted once per unit).
    for (std::size_t u = 0; u < plan.units.size(); ++u) {
      if (scope.device >= 0 && plan.units[u].device != scope.device) continue;
      r.memory_combined_bytes += plan.memory_used[u];
    }
    for (int w : scope.workloads) {
      std::vector<StreamInstance> only;
      std::vector<int> unit_of;
      for (int i : scope.streams.at(w)) {
        only.push_back(plan.streams[i]);
        unit_of.push_back(plan.unit_of[i]);
      }
      for (std::size_t u = 0; u < plan.units.size(); ++u) {
        r.memory_isolated_bytes += unit_memory(sc.workloads, only, unit_of, static_cast<int>(u),
                                               sc.platform.contention.shared_weights);
      }
    }
    results.push_back(std::move(r));
  }

  // Required-compute view: geometric bisection of the speed scale, all searches advancing together.
  if (options.required_compute) {
    struct Search {
      std::size_t scope;
      std::vector<int> streams;
      std::vector<int> workloads;
      double lo = 1.0 / 64, hi = 64.0;
      bool reachable = true;
    };
    std::vector<Search> searches;
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      for (int w : scopes[s].workloads) searches.push_back(Search{s, scopes[s].streams.at(w), {w}});
      searches.push_back(Search{s, scopes[s].all, scopes[s].workloads});
    }
    auto meets = [&](const Outcome& o, const Search& s) {
      for (int w : s.workloads) {
        if (o.generated[w] > 0 && o.attainment[w] < options.sla_target) return false;
      }
      return true;
    };
    {
      std::vector<Variant> top;
      for (const auto& s : searches) top.push_back(Variant{s.streams, "", s.hi});
      const auto res = runner.run(top);
      for (std::size_t i = 0; i < searches.size(); ++i) searches[i].reachable = meets(res[i], searches[i]);
    }
    for (int step = 0; step < options.search_steps; ++step) {
      std::vector<Variant> mid;
      for (const auto& s : searches) mid.push_back(Variant{s.streams, "", std::sqrt(s.lo * s.hi)});
      const auto res = runner.run(mid);
      for (std::size_t i = 0; i < searches.size(); ++i) {
        const double m = std::sqrt(searches[i].lo * searches[i].hi);
        (meets(res[i], searches[i]) ? searches[i].hi : searches[i].lo) = m;
      }
    }
    std::size_t i = 0;
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      const Scope& scope = scopes[s];
      const Precision p = dominant_precision(sc, scope);
      double peak = 0;
      for (std::size_t u = 0; u < plan.units.size(); ++u) {
        const Unit& unit = plan.units[u];
        if (scope.device >= 0 && unit.device != scope.device) continue;
        if (scope.device < 0 && std::find(plan.unit_of.begin(), plan.unit_of.end(), static_cast<int>(u)) == plan.unit_of.end()) continue;
        auto pk = sc.platform.devices[unit.device].spec.peak(p);
        if (pk) peak += pk->v * unit.sm_fraction;
      }
      RequiredCompute rc;
      rc.precision = std::string(to_string(p));
      double sum = 0;
      bool sum_ok = true;
      for (int w : scope.workloads) {
        const Search& se = searches[i++];
        std::optional<double> v;
        if (se.reachable) v = se.hi * peak / 1e12;
        rc.isolated[sc.workloads.streams[w].name] = v;
        sum_ok = sum_ok && v.has_value();
        if (v) sum += *v;
      }
      if (sum_ok) rc.sum = sum;
      const Search& together = searches[i++];
      if (together.reachable) rc.combined = together.hi * peak / 1e12;
      results[s].required = rc;
    }
  }
  for (auto& r : results) r.verdict = make_verdict(r);
  return results;
}

}  // namespace gpusim
