#include "studies/additivity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "analysis/metrics.hpp"
#include "analysis/seeds.hpp"
#include "core/logging.hpp"
#include "studies/additivity_runs.hpp"
#include "studies/additivity_search.hpp"

namespace gpusim {
namespace {

using additivity::Outcome;
using additivity::Runner;
using additivity::Search;
using additivity::SearchRule;
using additivity::Variant;
using additivity::outcome_of;

struct Scope {
  std::string name;
  int device = -1;
  std::vector<int> workloads;               // workload indices
  std::map<int, std::vector<int>> streams;  // workload -> its stream instances in the scope
  std::vector<int> all;                     // every stream in the scope
  bool shared() const { return workloads.size() >= 2; }
};

// The precision carrying most of the scopes' FLOPs: its peak gives the TFLOP/s scale.
Precision dominant_precision(const Scenario& sc, const std::vector<Scope>& scopes) {
  std::map<Precision, double> flops;
  for (const auto& s : scopes) {
    for (const auto& [w, list] : s.streams) {
      const StreamSpec& spec = sc.workloads.streams[w];
      flops[spec.precision] += spec.request_flops().v * static_cast<double>(list.size());
    }
  }
  return std::max_element(flops.begin(), flops.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

// A scenario whose run lasts `warmup` + `window` (and drains no longer than needed). Its samples are at
// least 40 over the window (never finer than the controller's period), so that its batch means (ten
// stretches) have samples even in a short run; sampling only records, it changes nothing simulated.
Scenario with_length(const Scenario& sc, Seconds warmup, Seconds window, Seconds drain) {
  Scenario s = sc;
  s.workloads.run.warmup = warmup;
  s.workloads.run.duration = warmup + window;
  s.workloads.run.drain = drain;
  auto& c = s.platform.contention;
  c.sample_interval = std::max(c.control_period, std::min(c.sample_interval, window * (1.0 / 40)));
  return s;
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
  const bool any_shared = std::any_of(scopes.begin(), scopes.end(), [](const Scope& s) { return s.shared(); });
  const bool platform_scope = all_workloads.size() >= 2 && scopes.size() >= 2;
  if (!any_shared && !platform_scope) return {};

  const RunSpec& run = sc.workloads.run;
  const double q = options.sla_target;
  const Seconds window_run = run.duration - run.warmup;
  std::optional<Outcome> main_all;
  std::vector<Outcome> main_of(scopes.size());  // per scope: the run's figures for the scope's device
  std::optional<RunMetrics> main_metrics;
  if (options.main_run) {
    main_metrics = compute_metrics(sc, plan, *options.main_run);
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      main_of[s] = outcome_of(sc, plan, *options.main_run, *main_metrics, q, scopes[s].device);
    }
  }

  // The length of the extra runs. From the statistics: the relative standard error of each shared
  // device's load over the run's window (batch means) shrinks as 1 / sqrt(window), so the window that
  // reaches target_se is window_run x (se / target_se)^2, at least 1 s, at most the run's own.
  Seconds window = window_run;
  Seconds warmup = run.warmup;
  const Seconds floor = std::min(Seconds{1.0}, window_run);  // the shortest window of an extra run
  double se_run = 0;  // the largest relative standard error of a shared device over the run's window
  if (options.main_run) {
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      if (scopes[s].shared() && main_of[s].rel_se[scopes[s].device]) {
        se_run = std::max(se_run, *main_of[s].rel_se[scopes[s].device]);
      }
    }
  }
  // A clock that stepped down (power cap, temperature) carries the run's history: such runs keep its length.
  bool clock_moved = false;
  if (options.main_run) {
    const RunMetrics& m = *main_metrics;
    for (const auto& scope : scopes) {
      const PowerMetrics& p = m.power[scope.device];
      clock_moved = clock_moved || (scope.shared() && p.min_clock_hz < p.boost_clock_hz * (1 - 1e-9));
    }
  }
  if (options.duration && options.duration->v > 0) {
    const Seconds total = std::min(*options.duration, run.duration);
    warmup = std::min(run.warmup, total * 0.2);
    window = total - warmup;
  } else if (!options.duration) {
    if (clock_moved) {
      window = window_run;
    } else if (options.main_run && se_run > 0) {
      const double need = window_run.v * (se_run / options.target_se) * (se_run / options.target_se);
      window = Seconds{std::clamp(need, floor.v, window_run.v)};
    } else if (options.main_run) {
      window = floor;  // no variation at all between stretches of the run
    } else {
      window = std::min(window_run, Seconds{4.0});
    }
    if (window < window_run) warmup = std::min(run.warmup, window * 0.25);
  }
  logger("analysis")->debug("additivity: relative standard error over the run's {:.3g} s: {:.3g}; extra runs "
                            "measure {:.3g} s after {:.3g} s", window_run.v, se_run, window.v, warmup.v);
  // A request still queued `sla` after the run's end has missed its SLA: no need to drain longer.
  Seconds drain = run.drain;
  {
    double longest = 0;
    bool all_sla = true;
    for (int w : all_workloads) {
      const auto& sla = sc.workloads.streams[w].sla;
      all_sla = all_sla && sla.has_value();
      if (sla) longest = std::max(longest, sla->v);
    }
    if (all_sla) drain = std::min(run.drain, Seconds{longest * 1.01});
  }
  const Scenario base = with_length(sc, warmup, window, drain);
  // The relative standard error of a figure over the extra runs' window, from the run's.
  const double se_scale = std::sqrt(window_run.v / window.v);

  // Mechanisms whose switch can change the utilisation of this scenario (shared weights change memory
  // only: the memory line reports it). Power and thermal act only when the clock leaves its boost: if the
  // run (all workloads together, the most load) never throttled, the runs alone never would.
  bool any_batching = false;
  bool any_copies = false;
  bool any_geometry = false;  // kernels with launch geometry: the only ones that hold SMs under MPS (sm_wait)
  for (const auto& w : sc.workloads.streams) {
    any_batching = any_batching || w.batching.has_value();
    for (const auto& st : w.stages) {
      any_copies = any_copies || st.input_bytes.v > 0 || st.output_bytes.v > 0;
      for (const auto& k : st.kernels) any_geometry = any_geometry || k.shape.kind != KernelClass::FILL;
    }
  }
  bool any_time_slice = false;
  bool any_mps = false;
  bool all_time_slice = true;  // one context at a time: kernels of different contexts never co-run
  bool throttled = !main_metrics.has_value();
  for (const auto& scope : scopes) {
    if (!scope.shared()) continue;
    any_time_slice = any_time_slice || sc.platform.devices[scope.device].sharing == SharingMode::TIME_SLICE;
    any_mps = any_mps || sc.platform.devices[scope.device].sharing == SharingMode::MPS;
    all_time_slice = all_time_slice && sc.platform.devices[scope.device].sharing == SharingMode::TIME_SLICE;
    if (main_metrics) {
      const PowerMetrics& p = main_metrics->power[scope.device];
      throttled = throttled || p.min_clock_hz < p.boost_clock_hz * (1 - 1e-9);
    }
  }
  std::vector<std::string> settings{""};
  for (const auto& m : mechanism_names()) {
    if (!sc.platform.contention.enabled(m) || m == "shared_weights") continue;
    if ((m == "batching" && !any_batching) || (m == "pcie" && !any_copies)) continue;
    if (m == "time_slice" && !any_time_slice) continue;
    if (m == "sm_wait" && !(any_mps && any_geometry)) continue;
    if (m == "l2" && all_time_slice) continue;  // the L2 model acts between co-running kernels
    if ((m == "power" || m == "thermal") && !throttled) continue;
    settings.push_back(m);
  }
  // Runs. Headline: each workload of a shared device alone, for `window` (the together figure is the run
  // itself; without one it is simulated too). A device with one workload is its own "alone" figure.
  // Attribution: per setting (all on, and each mechanism off) each workload alone and all together, for
  // `paired_window`: a paired comparison (same arrivals, same window), whose noise cancels in the
  // difference of ratios, so a short window serves (0.5 s, or the run's when shorter).
  const bool together_from_run = options.main_run != nullptr;
  const Seconds paired_window = together_from_run && !options.duration && !clock_moved
                                    ? std::min({window, floor, Seconds{0.5}})
                                    : window;  // a clock that moved needs the run's history
  const bool same_window = paired_window == window;
  const Scenario paired_base =
      same_window ? base : with_length(sc, std::min(run.warmup, paired_window * 0.25), paired_window, drain);
  const bool attribute = settings.size() > 1;
  std::vector<Variant> head, paired;
  for (const auto& scope : scopes) {
    if (!scope.shared() && together_from_run) continue;
    for (int w : scope.workloads) head.push_back(Variant{scope.streams.at(w), "", 1.0});
    if (scope.shared() && !together_from_run) head.push_back(Variant{scope.all, "", 1.0});
    if (!attribute) continue;
    for (const auto& off : settings) {
      const bool reuse = off.empty() && same_window;  // the headline runs are these
      if (!reuse || !scope.shared()) {
        if (!reuse) {
          for (int w : scope.workloads) paired.push_back(Variant{scope.streams.at(w), off, 1.0});
        }
      }
      if (scope.shared() && (!reuse || together_from_run)) paired.push_back(Variant{scope.all, off, 1.0});
    }
  }
  Runner runner(plan, policy, options.parallel, q);
  logger("analysis")->info("additivity: {} device(s) shared, {} simulations of {:.3g} s and {} of {:.3g} s "
                           "({} setting(s))",
                           std::count_if(scopes.begin(), scopes.end(), [](auto& s) { return s.shared(); }),
                           head.size(), base.workloads.run.duration.v, paired.size(),
                           paired_base.workloads.run.duration.v, settings.size());
  const std::vector<Outcome> head_out = runner.run(base, head);
  const std::vector<Outcome> paired_out = runner.run_paired(paired_base, paired);

  // Per scope: the headline figures (with relative standard errors) and, per setting, the paired ones.
  struct Figures {
    std::map<int, double> alone;                          // headline: workload -> occupied
    double together = 0;                                  // headline: the run's own when there is one
    double together_rel_se = 0, alone_rel_se = 0;
    std::map<std::string, std::map<int, double>> paired_alone;  // setting -> workload -> occupied
    std::map<std::string, double> paired_together;
    // The same figures' batch means (occupied in 10 stretches of the window; empty: too few samples).
    std::map<std::string, std::map<int, std::vector<double>>> paired_alone_b;
    std::map<std::string, std::vector<double>> paired_together_b;
    std::map<int, const Outcome*> alone_outcome;          // headline, per workload (for the searches)
    const Outcome* together_outcome = nullptr;
  };
  std::vector<Figures> figures(scopes.size());
  std::size_t h = 0, k = 0;
  for (std::size_t s = 0; s < scopes.size(); ++s) {
    Figures& f = figures[s];
    const int d = scopes[s].device;
    if (!scopes[s].shared()) {
      // Alone = together: the run's figure (or its one simulation), for every setting.
      const Outcome* o = together_from_run ? &main_of[s] : &head_out[h++];
      const int w = scopes[s].workloads[0];
      f.alone[w] = f.together = o->occupied[d];
      for (const auto& off : settings) {
        f.paired_alone[off][w] = f.paired_together[off] = o->occupied[d];
        f.paired_alone_b[off][w] = f.paired_together_b[off] = o->batches[d];
      }
      f.together_rel_se = f.alone_rel_se = o->rel_se[d].value_or(0.0);
      f.alone_outcome[w] = f.together_outcome = o;
      continue;
    }
    for (int w : scopes[s].workloads) {
      f.alone_outcome[w] = &head_out[h];
      f.alone[w] = head_out[h++].occupied[d];
    }
    if (together_from_run) {
      f.together_outcome = &main_of[s];
      f.together = main_of[s].occupied[d];
      f.together_rel_se = main_of[s].rel_se[d].value_or(0.0);
      f.alone_rel_se = f.together_rel_se * se_scale;
    } else {
      f.together_outcome = &head_out[h];
      f.together = head_out[h++].occupied[d];
      f.together_rel_se = f.alone_rel_se = f.together_outcome->rel_se[d].value_or(0.0);
    }
    if (!attribute) continue;
    for (const auto& off : settings) {
      const bool reuse = off.empty() && same_window;
      for (int w : scopes[s].workloads) {
        const Outcome& o = reuse ? *f.alone_outcome.at(w) : paired_out[k++];
        f.paired_alone[off][w] = o.occupied[d];
        f.paired_alone_b[off][w] = o.batches[d];
      }
      const Outcome& o = reuse && !together_from_run ? *f.together_outcome : paired_out[k++];
      f.paired_together[off] = o.occupied[d];
      f.paired_together_b[off] = o.batches[d];
    }
  }
  auto fill = [&](AdditivityResult& r, const std::vector<std::size_t>& members) {
    std::map<std::string, double> ratio_of;
    // Per setting: the sum alone and the together figure in each of the ten stretches (batch means).
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> batch_of;
    if (attribute) {
      for (const auto& off : settings) {
        double sum = 0, together = 0;
        std::vector<double> sum_b, together_b;
        bool batched = true;
        auto accumulate = [&](std::vector<double>& acc, const std::vector<double>& x) {
          if (x.empty() || (!acc.empty() && acc.size() != x.size())) batched = false;
          if (!batched) return;
          acc.resize(x.size(), 0.0);
          for (std::size_t b = 0; b < x.size(); ++b) acc[b] += x[b];
        };
        for (std::size_t s : members) {
          for (const auto& [w, x] : figures[s].paired_alone[off]) sum += x;
          together += figures[s].paired_together[off];
          for (const auto& [w, x] : figures[s].paired_alone_b[off]) accumulate(sum_b, x);
          accumulate(together_b, figures[s].paired_together_b[off]);
        }
        ratio_of[off] = sum > 0 ? together / sum : 1.0;
        if (batched && !sum_b.empty() && sum_b.size() == together_b.size()) {
          batch_of[off] = {std::move(sum_b), std::move(together_b)};
        }
      }
    }
    std::map<int, double> alone, alone_var;
    double together = 0, together_var = 0;
    for (std::size_t s : members) {
      const Figures& f = figures[s];
      for (const auto& [w, x] : f.alone) {
        alone[w] += x;
        alone_var[w] += std::pow(x * f.alone_rel_se, 2);
      }
      together += f.together;
      together_var += std::pow(f.together * f.together_rel_se, 2);
    }
    double sum = 0, sum_var = 0;
    for (const auto& [w, x] : alone) {
      r.isolated[sc.workloads.streams[w].name] = x;
      r.isolated_se[sc.workloads.streams[w].name] = std::sqrt(alone_var[w]);
      sum += x;
      sum_var += alone_var[w];
    }
    r.sum = sum;
    r.sum_se = std::sqrt(sum_var);
    r.combined = together;
    r.combined_se = std::sqrt(together_var);
    r.ratio = sum > 0 ? together / sum : 1.0;
    if (sum > 0 && together > 0) {
      r.ratio_se = r.ratio * std::sqrt(sum_var / (sum * sum) + together_var / (together * together));
    }
    r.tolerance = std::max(0.005, 2 * r.ratio_se);
    r.run_length_s = head.empty() ? 0.0 : base.workloads.run.duration.v;
    // Each stretch's residual of the ratio estimator (delta method: (T_b - R S_b) / mean S, which copes
    // with stretches where nothing ran).
    auto residuals = [](const std::pair<std::vector<double>, std::vector<double>>& st) {
      double s_sum = 0, t_sum = 0;
      for (std::size_t b = 0; b < st.first.size(); ++b) {
        s_sum += st.first[b];
        t_sum += st.second[b];
      }
      std::vector<double> e;
      if (s_sum <= 0) return e;
      const double ratio = t_sum / s_sum, s_mean = s_sum / static_cast<double>(st.first.size());
      for (std::size_t b = 0; b < st.first.size(); ++b) e.push_back((st.second[b] - ratio * st.first[b]) / s_mean);
      return e;
    };
    for (const auto& off : settings) {
      if (off.empty()) continue;
      r.attribution[off] = ratio_of[""] - ratio_of[off];
      // The share's standard error, paired stretch by stretch (same arrivals), so what both runs share
      // cancels: the residuals with it on minus those with it off.
      const auto on_b = batch_of.find(""), off_b = batch_of.find(off);
      if (on_b == batch_of.end() || off_b == batch_of.end()) continue;
      const std::vector<double> e_on = residuals(on_b->second), e_off = residuals(off_b->second);
      if (e_on.empty() || e_on.size() != e_off.size()) continue;
      std::vector<double> diff;
      for (std::size_t b = 0; b < e_on.size(); ++b) diff.push_back(e_on[b] - e_off[b]);
      const SeedStat st = seed_stat(diff);
      if (st.n >= 2) r.attribution_se[off] = st.sd / std::sqrt(static_cast<double>(st.n));
    }
  };

  std::vector<AdditivityResult> results;
  std::vector<std::size_t> result_scope;  // scope index, or scopes.size() for the platform
  for (std::size_t s = 0; s < scopes.size(); ++s) {
    if (!scopes[s].shared()) continue;
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

  if (options.required_compute) {
    // Required-compute view: per device, the smallest speed scale for each workload alone and for all
    // together. Searches run long enough for each workload of the device to have 50 requests in the window
    // (at the 0.99 quantile that is its worst request), at least 1 s, at most the run's window; alone and
    // together alike, so that each workload is judged on the same requests (same arrivals, same window and
    // warmup) in both: a shorter window alone would judge it on fewer and other requests, and the ratio
    // would carry that difference (on the face example, a few per cent).
    // Per workload on its device: requests per second in the run (or in its run alone).
    std::vector<std::map<int, double>> rate(scopes.size());
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      for (int w : scopes[s].workloads) {
        const Outcome& o = together_from_run ? main_of[s] : *figures[s].alone_outcome.at(w);
        rate[s][w] = static_cast<double>(o.generated[w]) / (together_from_run ? window_run.v : window.v);
      }
    }
    std::map<double, Scenario> search_bases;  // by window
    auto search_base = [&](std::size_t s) -> const Scenario* {
      const Seconds win =
          additivity::search_window(rate[s], window, floor, window_run, !together_from_run || options.duration);
      auto it = search_bases.find(win.v);
      if (it == search_bases.end()) {
        const Seconds wu = win < window_run ? std::min(run.warmup, win * 0.25) : run.warmup;
        it = search_bases.emplace(win.v, with_length(sc, wu, win, drain)).first;
      }
      return &it->second;
    };
    std::vector<Search> searches;
    std::vector<std::map<int, std::size_t>> alone_search(scopes.size());
    std::vector<std::size_t> together_search(scopes.size());
    // The time of one request that no speed removes (launch overheads, host time): the request alone on
    // its unit at an unbounded speed.
    auto fixed_time = [&](int w, const std::vector<int>& streams) -> double {
      for (int i : streams) {
        const Placement& p = plan.placements()[i];
        if (p.stream.workload != w) continue;
        Unit fast = plan.units()[p.unit];
        fast.sm_fraction *= 1e12;
        fast.bw_fraction *= 1e12;
        const auto t = isolated_request_time(sc.workloads.streams[w], sc.platform.devices[fast.device], fast);
        return t ? t->v : 0.0;
      }
      return 0.0;
    };
    // The first point of a search is its run at speed 1 (the run itself for "together"). Its occupied
    // fraction o and the fixed part f of it (requests x fixed time) give the analytic lower bound: at
    // speed s the device is occupied f + (o - f) / s, which must stay below 1.
    auto seed = [&](Search& s, const Outcome* o, double over) {
      std::set<int> used;
      for (int i : s.streams) used.insert(plan.placements()[i].unit);
      double fixed_busy = 0;
      for (int w : s.workloads) {
        const double t = fixed_time(w, s.streams);
        const StreamSpec& spec = sc.workloads.streams[w];
        if (spec.sla) s.fixed = std::max(s.fixed, t / spec.sla->v);
        if (o) fixed_busy += t * static_cast<double>(o->generated[w]) / over;
      }
      if (!o) return;
      const double l = lateness_of(*o, s);
      if (l > 0 && std::isfinite(l)) s.points.push_back({1.0, l});
      const Unit& unit = plan.units()[*used.begin()];
      const double busy = additivity::busy_floor(o->occupied[unit.device], unit.sm_fraction, fixed_busy);
      if (used.size() == 1 && busy > 0) {
        s.floor = busy;
        // Under MPS contexts run side by side, so a device occupied all the time may still keep up; one
        // context (one stream without dynamic batching, whose batches would grow) serves one request at a time.
        bool batching = false;
        for (int w : s.workloads) batching = batching || sc.workloads.streams[w].batching.has_value();
        s.floor_fails = sc.platform.devices[unit.device].sharing != SharingMode::MPS ||
                        (s.streams.size() == 1 && !batching);
      }
    };
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      for (int w : scopes[s].workloads) {
        alone_search[s][w] = searches.size();
        Search x;
        x.scope = s;
        x.streams = scopes[s].streams.at(w);
        x.workloads = {w};
        x.base = search_base(s);
        const bool from_run = !scopes[s].shared() && together_from_run;
        seed(x, figures[s].alone_outcome.count(w) ? figures[s].alone_outcome.at(w) : nullptr,
             from_run ? window_run.v : window.v);
        searches.push_back(std::move(x));
      }
      together_search[s] = alone_search[s].begin()->second;
      if (scopes[s].shared()) {
        together_search[s] = searches.size();
        Search x;
        x.scope = s;
        x.streams = scopes[s].all;
        x.workloads = scopes[s].workloads;
        x.base = search_base(s);
        seed(x, figures[s].together_outcome, together_from_run ? window_run.v : window.v);
        searches.push_back(std::move(x));
      }
    }
    const double prec = options.search_precision;
    const SearchRule rule{q, prec, options.search_rounds};
    run_searches(searches, runner, rule);
    // Attribution of the required compute: each search of a shared device again with one mechanism off,
    // starting from the all-on bracket (when the mechanism moves the requirement less than the bracket's
    // width, one round of two runs settles it).
    std::map<std::string, std::map<std::size_t, std::size_t>> ablation;  // setting -> search -> its copy
    if (options.required_attribution) {
      std::vector<Search> copies;
      std::vector<std::pair<std::string, std::size_t>> of;
      for (const auto& off : settings) {
        if (off.empty()) continue;
        for (std::size_t i = 0; i < searches.size(); ++i) {
          const Search& on = searches[i];
          if (!scopes[on.scope].shared() || on.unreachable || on.hi <= 0) continue;
          Search x;
          x.scope = on.scope;
          x.base = on.base;
          x.without = off;
          x.streams = on.streams;
          x.workloads = on.workloads;
          x.fixed = on.fixed;  // the mechanism off can lower the occupied fraction: no analytic floor
          x.first = on.lo > 0 ? std::vector<double>{on.lo, on.hi} : std::vector<double>{on.hi};
          x.hi_holds = on.lo > 0 && adds_time(off);
          x.prior = on.runs;
          of.emplace_back(off, i);
          copies.push_back(std::move(x));
        }
      }
      run_searches(copies, runner, rule);
      for (std::size_t c = 0; c < copies.size(); ++c) {
        ablation[of[c].first][of[c].second] = searches.size();
        searches.push_back(std::move(copies[c]));
      }
    }
    // TFLOP/s = scale x the peak of the precision carrying most FLOPs, summed over the device's units.
    const Precision p = dominant_precision(sc, scopes);
    // The speed a search's answer stands for is that of the units its streams use (under MIG each
    // workload's own slices; otherwise the whole device).
    auto peak_of = [&](const Search& s) {
      std::set<int> used;
      for (int i : s.streams) used.insert(plan.placements()[i].unit);
      double peak = 0;
      for (int u : used) {
        const Unit& unit = plan.units()[u];
        auto pk = sc.platform.devices[unit.device].spec.peak(p);
        if (pk) peak += pk->v * unit.sm_fraction;
      }
      return peak / 1e12;
    };
    auto value = [&](std::size_t i) -> std::optional<Bracket> {
      const Search& s = searches[i];
      if (s.unreachable || s.hi <= 0) return std::nullopt;
      const double peak = peak_of(s);
      return Bracket{s.lo * peak, s.hi * peak};
    };
    auto add = [](std::optional<Bracket> a, const std::optional<Bracket>& b) -> std::optional<Bracket> {
      if (!a || !b) return std::nullopt;
      return Bracket{a->lo + b->lo, a->hi + b->hi};
    };
    for (std::size_t i = 0; i < results.size(); ++i) {
      const bool whole = result_scope[i] == scopes.size();
      RequiredCompute rc;
      rc.precision = std::string(to_string(p));
      std::map<int, std::optional<Bracket>> alone;
      std::optional<Bracket> together = Bracket{};
      for (std::size_t s = 0; s < scopes.size(); ++s) {
        if (!whole && s != result_scope[i]) continue;
        for (const auto& [w, idx] : alone_search[s]) {
          auto v = value(idx);
          auto it = alone.find(w);
          if (it == alone.end()) {
            alone[w] = v;
          } else {
            it->second = add(it->second, v);
          }
          rc.rounds = std::max(rc.rounds, searches[idx].rounds);
        }
        together = add(together, value(together_search[s]));
        rc.rounds = std::max(rc.rounds, searches[together_search[s]].rounds);
      }
      std::optional<Bracket> sum = Bracket{};
      for (const auto& [w, v] : alone) {
        const std::string& name = sc.workloads.streams[w].name;
        rc.isolated[name] = v ? std::optional<double>(v->hi) : std::nullopt;
        if (v) rc.isolated_bracket[name] = *v;
        sum = add(sum, v);
      }
      rc.sum = sum ? std::optional<double>(sum->hi) : std::nullopt;
      rc.combined = together ? std::optional<double>(together->hi) : std::nullopt;
      rc.combined_bracket = together;
      // Tolerance of the ratio: how far the brackets let it move (the true requirements lie in (lo, hi]).
      rc.tolerance = 0.01;
      if (sum && together) {
        const double down = together->lo > 0 ? 1 - together->lo / together->hi : prec;
        const double up = sum->lo > 0 ? sum->hi / sum->lo - 1 : prec;
        rc.tolerance = std::max({rc.tolerance, down, up});
      }
      // Each mechanism's share of the gap (together - sum alone): gap(all on) - gap(it off), with the
      // interval the brackets allow.
      auto gap_of = [&](const std::function<std::optional<Bracket>(std::size_t)>& fig) -> std::optional<Bracket> {
        std::optional<Bracket> g = Bracket{};
        for (std::size_t s = 0; s < scopes.size(); ++s) {
          if ((!whole && s != result_scope[i]) || !scopes[s].shared()) continue;
          std::optional<Bracket> t = fig(together_search[s]);
          std::optional<Bracket> a = Bracket{};
          for (const auto& [w, idx] : alone_search[s]) a = add(a, fig(idx));
          if (!t || !a) return std::nullopt;
          g = add(g, Bracket{t->lo - a->hi, t->hi - a->lo});
        }
        return g;
      };
      const auto gap_on = gap_of(value);
      for (const auto& off : settings) {
        if (off.empty() || !gap_on || !sum || !options.required_attribution) continue;
        const auto& copy = ablation[off];
        const auto gap_off = gap_of([&](std::size_t idx) -> std::optional<Bracket> {
          const auto it = copy.find(idx);
          return it == copy.end() ? std::nullopt : value(it->second);
        });
        if (!gap_off) {
          rc.attribution[off] = std::nullopt;
          continue;
        }
        // The shown figures are the brackets' upper ends; the share's interval spans their widths.
        const double shown_on = *rc.combined - *rc.sum;
        double shown_off = 0;
        for (std::size_t s = 0; s < scopes.size(); ++s) {
          if ((!whole && s != result_scope[i]) || !scopes[s].shared()) continue;
          shown_off += value(copy.at(together_search[s]))->hi;
          for (const auto& [w, idx] : alone_search[s]) shown_off -= value(copy.at(idx))->hi;
        }
        rc.attribution[off] = Share{shown_on - shown_off, gap_on->lo - gap_off->hi, gap_on->hi - gap_off->lo};
      }
      results[i].required = rc;
    }
  }
  if (options.main_run && options.main_run->kernels > 0) {
    logger("analysis")->info("additivity: {} simulations, {} kernels: {:.2f} times the run's {}", runner.simulations(),
                             runner.kernels(),
                             static_cast<double>(runner.kernels()) / static_cast<double>(options.main_run->kernels),
                             options.main_run->kernels);
  } else {
    logger("analysis")->info("additivity: {} simulations, {} kernels", runner.simulations(), runner.kernels());
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    AdditivityResult& r = results[i];
    std::set<std::string> modes;
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      if (result_scope[i] == s || result_scope[i] == scopes.size()) {
        modes.insert(std::string(to_string(sc.platform.devices[scopes[s].device].sharing)));
      }
    }
    r.sharing = modes.size() == 1 ? *modes.begin() : "mixed";
    // Under MIG, two workloads in one instance take turns in it (MIG auto may put them there).
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      if (result_scope[i] != s && result_scope[i] != scopes.size()) continue;
      if (sc.platform.devices[scopes[s].device].sharing != SharingMode::MIG) continue;
      std::map<int, std::set<int>> in_unit;  // unit -> its workloads
      for (int p : scopes[s].all) {
        const Placement& pl = plan.placements()[static_cast<std::size_t>(p)];
        in_unit[pl.unit].insert(pl.stream.workload);
      }
      for (const auto& [u, ws] : in_unit) r.shared_instance = r.shared_instance || ws.size() >= 2;
    }
    // Under MPS, periodic streams at phases drawn from the seed overlap as their phases fall.
    for (std::size_t s = 0; s < scopes.size(); ++s) {
      if (result_scope[i] != s && result_scope[i] != scopes.size()) continue;
      if (sc.platform.devices[scopes[s].device].sharing != SharingMode::MPS) continue;
      int drawn = 0;
      for (int p : scopes[s].all) {
        const int w = plan.placements()[static_cast<std::size_t>(p)].stream.workload;
        const ArrivalSpec& a = sc.workloads.streams[static_cast<std::size_t>(w)].arrival;
        drawn += a.kind == ArrivalKind::PERIODIC && !a.phase && !a.spread;
      }
      r.phases_drawn = r.phases_drawn || drawn >= 2;
    }
    r.utilisation_verdict = utilisation_verdict(r);
    r.verdict = additivity_verdict(r);
    r.why = disagreement(r);
  }
  return results;
}

}  // namespace gpusim
