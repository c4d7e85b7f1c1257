#include "studies/additivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "analysis/invariants.hpp"
#include "analysis/metrics.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"

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

  // `progress`: what the progress lines call this batch.
  std::vector<Outcome> run(const std::vector<Variant>& variants, const std::string& progress = "additivity") {
    std::vector<Scenario> scenarios(variants.size(), sc_);
    std::vector<Plan> plans;
    plans.reserve(variants.size());
    std::vector<SimJob> jobs;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const Variant& v = variants[i];
      if (!v.without.empty()) scenarios[i].platform.contention.set(v.without, false);
      plans.push_back(PlanBuilder(scenarios[i], plan_, v.streams).speed_scale(v.scale).build());
      jobs.push_back(SimJob{&scenarios[i], &plans.back(), policy_});
    }
    const std::vector<SimResult> results = simulate_all(jobs, parallel_, progress);
    std::vector<Outcome> out;
    for (std::size_t i = 0; i < results.size(); ++i) {
      const RunMetrics m = compute_metrics(scenarios[i], plans[i], results[i]);
      enforce_invariants(scenarios[i], plans[i], results[i], m);
      Outcome o;
      o.occupied.assign(sc_.platform.devices.size(), 0.0);
      const auto& units = plans[i].units();
      for (std::size_t u = 0; u < units.size(); ++u) {
        o.occupied[units[u].device] += m.devices[u].occupied * units[u].sm_fraction;
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

}  // namespace

std::vector<AdditivityResult> analyse_additivity(const Scenario& sc, const Plan& plan, Scheduler* policy,
                                                 const AdditivityOptions& options) {
  // Every device that hosts a workload is a scope. Devices do not interact (each has its own host link),
  // so the platform's figures are sums of the devices' and need no simulation of their own.
  std::vector<Scope> scopes;
  std::set<int> all_workloads;
  for (std::size_t d = 0; d < sc.platform.devices.size(); ++d) {
    Scope s;
    s.name = sc.platform.devices[d].name;
    s.device = static_cast<int>(d);
    const auto& placements = plan.placements();
    for (std::size_t i = 0; i < placements.size(); ++i) {
      if (plan.units()[placements[i].unit].device != static_cast<int>(d)) continue;
      s.streams[placements[i].stream.workload].push_back(static_cast<int>(i));
      s.all.push_back(static_cast<int>(i));
    }
    for (const auto& [w, _] : s.streams) {
      s.workloads.push_back(w);
      all_workloads.insert(w);
    }
    if (!s.workloads.empty()) scopes.push_back(s);
  }
  const bool any_shared = std::any_of(scopes.begin(), scopes.end(), [](const Scope& s) { return s.workloads.size() >= 2; });
  const bool platform_scope = all_workloads.size() >= 2 && scopes.size() >= 2;
  if (!any_shared && !platform_scope) return {};

  // Mechanisms whose switch can change the utilisation of this scenario (shared weights change memory
  // only: the memory line reports it).
  bool any_batching = false;
  bool any_copies = false;
  for (const auto& w : sc.workloads.streams) {
    any_batching = any_batching || w.batching.has_value();
    for (const auto& st : w.stages) any_copies = any_copies || st.input_bytes.v > 0 || st.output_bytes.v > 0;
  }
  std::vector<std::string> settings{""};
  for (const auto& m : mechanism_names()) {
    if (!sc.platform.contention.enabled(m) || m == "shared_weights") continue;
    if ((m == "batching" && !any_batching) || (m == "pcie" && !any_copies)) continue;
    settings.push_back(m);
  }
  Scenario base = sc;
  if (options.duration.v > 0 && options.duration < sc.workloads.run.duration) {
    base.workloads.run.duration = options.duration;
    base.workloads.run.warmup = std::min(sc.workloads.run.warmup, options.duration * 0.2);
  }
  std::vector<Variant> variants;
  for (const auto& scope : scopes) {
    for (const auto& off : settings) {
      for (int w : scope.workloads) variants.push_back(Variant{scope.streams.at(w), off, 1.0});
      if (scope.workloads.size() >= 2) variants.push_back(Variant{scope.all, off, 1.0});
    }
  }
  Runner runner(base, plan, policy, options.parallel);
  logger("analysis")->info("additivity: {} device(s), {} simulations of {} s", scopes.size(), variants.size(),
                           base.workloads.run.duration.v);
  const std::vector<Outcome> outcomes = runner.run(variants);

  // Per scope and setting: each workload alone, and together.
  struct Figures {
    std::map<std::string, std::map<int, double>> alone;  // setting -> workload -> occupied
    std::map<std::string, double> together;
  };
  std::vector<Figures> figures(scopes.size());
  std::size_t k = 0;
  for (std::size_t s = 0; s < scopes.size(); ++s) {
    for (const auto& off : settings) {
      for (int w : scopes[s].workloads) figures[s].alone[off][w] = occupied_of(outcomes[k++], scopes[s]);
      figures[s].together[off] = scopes[s].workloads.size() >= 2 ? occupied_of(outcomes[k++], scopes[s])
                                                                  : figures[s].alone[off].begin()->second;
    }
  }
  auto fill = [&](AdditivityResult& r, const std::vector<std::size_t>& members) {
    std::map<std::string, double> ratio_of;
    for (const auto& off : settings) {
      std::map<int, double> alone;
      double together = 0;
      for (std::size_t s : members) {
        for (const auto& [w, x] : figures[s].alone[off]) alone[w] += x;
        together += figures[s].together[off];
      }
      double sum = 0;
      for (const auto& [w, x] : alone) sum += x;
      ratio_of[off] = sum > 0 ? together / sum : 1.0;
      if (off.empty()) {
        for (const auto& [w, x] : alone) r.isolated[sc.workloads.streams[w].name] = x;
        r.sum = sum;
        r.combined = together;
        r.ratio = ratio_of[off];
      }
    }
    for (const auto& off : settings) {
      if (!off.empty()) r.attribution[off] = r.ratio - ratio_of[off];
    }
  };

  std::vector<AdditivityResult> results;
  std::vector<std::size_t> result_scope;  // scope index, or scopes.size() for the platform
  for (std::size_t s = 0; s < scopes.size(); ++s) {
    if (scopes[s].workloads.size() < 2) continue;
    AdditivityResult r;
    r.scope = scopes[s].name;
    fill(r, {s});
    results.push_back(std::move(r));
    result_scope.push_back(s);
  }
  if (platform_scope) {
    AdditivityResult r;
    r.scope = "platform";
    std::vector<std::size_t> members(scopes.size());
    for (std::size_t s = 0; s < scopes.size(); ++s) members[s] = s;
    fill(r, members);
    results.push_back(std::move(r));
    result_scope.push_back(scopes.size());
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    AdditivityResult& r = results[i];
    const bool whole = result_scope[i] == scopes.size();
    const int device = whole ? -1 : scopes[result_scope[i]].device;
    std::set<int> ws;
    for (const auto& scope : scopes) {
      if (whole || scope.device == device) ws.insert(scope.workloads.begin(), scope.workloads.end());
    }
    for (int w : ws) r.workloads.push_back(sc.workloads.streams[w].name);
    // Memory: each workload alone vs together (a workload's weights are stored once per unit).
    for (std::size_t u = 0; u < plan.units().size(); ++u) {
      if (!whole && plan.units()[u].device != device) continue;
      r.memory_combined_bytes += plan.memory_used()[u];
      for (int w : ws) {
        std::vector<Placement> only;
        for (const auto& p : plan.placements()) {
          if (p.stream.workload == w) only.push_back(p);
        }
        r.memory_isolated_bytes +=
            unit_memory(sc.workloads, only, static_cast<int>(u), sc.platform.contention.shared_weights);
      }
    }
  }

  // Required-compute view: per device, a geometric bisection of its speed scale for each workload alone
  // and for all together; the platform needs the sum over its devices.
  if (options.required_compute) {
    struct Search {
      std::size_t scope;
      std::vector<int> streams;
      std::vector<int> workloads;
      double lo = 1.0 / 4096, hi = 64.0;
      bool reachable = true;
    };
    std::vector<Search> searches;
    std::vector<std::map<int, std::size_t>> alone_search(scopes.size());
    std::vector<std::size_t> together_search(scopes.size());
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      for (int w : scopes[s].workloads) {
        alone_search[s][w] = searches.size();
        searches.push_back(Search{s, scopes[s].streams.at(w), {w}});
      }
      together_search[s] = alone_search[s].begin()->second;
      if (scopes[s].workloads.size() >= 2) {
        together_search[s] = searches.size();
        searches.push_back(Search{s, scopes[s].all, scopes[s].workloads});
      }
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
      const auto res = runner.run(top, "additivity: required compute at full speed");
      for (std::size_t i = 0; i < searches.size(); ++i) searches[i].reachable = meets(res[i], searches[i]);
    }
    for (int step = 0; step < options.search_steps; ++step) {
      std::vector<Variant> mid;
      for (const auto& s : searches) mid.push_back(Variant{s.streams, "", std::sqrt(s.lo * s.hi)});
      const auto res =
          runner.run(mid, fmt::format("additivity: required compute, step {} of {}", step + 1, options.search_steps));
      for (std::size_t i = 0; i < searches.size(); ++i) {
        const double m = std::sqrt(searches[i].lo * searches[i].hi);
        (meets(res[i], searches[i]) ? searches[i].hi : searches[i].lo) = m;
      }
    }
    // TFLOP/s = scale x the peak of the precision carrying most FLOPs, summed over the device's units.
    Scope everything;
    for (const auto& scope : scopes) {
      for (const auto& [w, list] : scope.streams) {
        auto& dst = everything.streams[w];
        dst.insert(dst.end(), list.begin(), list.end());
      }
    }
    for (const auto& [w, _] : everything.streams) everything.workloads.push_back(w);
    const Precision p = dominant_precision(sc, everything);
    auto peak_of = [&](int device) {
      double peak = 0;
      for (const auto& unit : plan.units()) {
        if (unit.device != device) continue;
        auto pk = sc.platform.devices[unit.device].spec.peak(p);
        if (pk) peak += pk->v * unit.sm_fraction;
      }
      return peak / 1e12;
    };
    auto value = [&](std::size_t i, double peak) -> std::optional<double> {
      if (!searches[i].reachable) return std::nullopt;
      return searches[i].hi * peak;
    };
    for (std::size_t i = 0; i < results.size(); ++i) {
      const bool whole = result_scope[i] == scopes.size();
      RequiredCompute rc;
      rc.precision = std::string(to_string(p));
      std::map<int, std::optional<double>> alone;
      std::optional<double> together = 0.0;
      for (std::size_t s = 0; s < scopes.size(); ++s) {
        if (!whole && s != result_scope[i]) continue;
        const double peak = peak_of(scopes[s].device);
        for (const auto& [w, idx] : alone_search[s]) {
          auto v = value(idx, peak);
          auto it = alone.find(w);
          if (it == alone.end()) {
            alone[w] = v;
          } else if (it->second && v) {
            it->second = *it->second + *v;
          } else {
            it->second = std::nullopt;
          }
        }
        auto t = value(together_search[s], peak);
        together = together && t ? std::optional<double>(*together + *t) : std::nullopt;
      }
      std::optional<double> sum = 0.0;
      for (const auto& [w, v] : alone) {
        rc.isolated[sc.workloads.streams[w].name] = v;
        sum = sum && v ? std::optional<double>(*sum + *v) : std::nullopt;
      }
      rc.sum = sum;
      rc.combined = together;
      results[i].required = rc;
    }
  }
  for (auto& r : results) r.verdict = additivity_verdict(r);
  return results;
}

}  // namespace gpusim
