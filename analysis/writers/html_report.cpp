#include "analysis/writers/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>

#include "analysis/intervals.hpp"
#include "analysis/request_times.hpp"
#include "analysis/writers/capacity_search.hpp"
#include "analysis/writers/html_page.hpp"

namespace gpusim {
namespace {

using nlohmann::json;

const char* colour(std::size_t i) {
  static const char* palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return palette[i % (sizeof palette / sizeof palette[0])];
}

json axis(const std::string& title, bool linear = true) {
  json a{{"title", {{"display", true}, {"text", title}}}};
  if (linear) a["type"] = "linear";
  return a;
}

// A line through (x, y) points, no markers.
json line(const std::string& label, const json& points, std::size_t colour_index, bool dashed = false) {
  json d{{"label", label},       {"data", points},     {"showLine", true},
         {"pointRadius", 0},     {"borderWidth", 1.5}, {"borderColor", colour(colour_index)},
         {"backgroundColor", colour(colour_index)}};
  if (dashed) d["borderDash"] = {6, 4};
  return d;
}

json scatter_chart(json datasets, const std::string& x, const json& y, double x_max = 0) {
  json xa = axis(x);
  // The axis ends on the last sample, rounded to the nanosecond: sample times summed from steps carry float noise
  // (20.0000000000003) that the chart would print as its last tick.
  if (x_max > 0) xa["max"] = std::round(x_max * 1e9) / 1e9;
  return {{"type", "scatter"},
          {"data", {{"datasets", std::move(datasets)}}},
          {"options", {{"scales", {{"x", xa}, {"y", y}}}, {"plugins", {{"legend", {{"position", "bottom"}}}}}}}};
}

// The empirical CDF of sorted latencies (seconds) as at most ~400 points in milliseconds.
json cdf_points(const std::vector<double>& sorted) {
  json pts = json::array();
  const std::size_t n = sorted.size();
  if (n == 0) return pts;
  const std::size_t step = std::max<std::size_t>(1, n / 400);
  for (std::size_t i = 0; i < n; i += step) {
    pts.push_back({{"x", sorted[i] * 1e3}, {"y", static_cast<double>(i + 1) / static_cast<double>(n)}});
  }
  pts.push_back({{"x", sorted.back() * 1e3}, {"y", 1.0}});
  return pts;
}

std::string html_ms(double s) { return fmt::format("{:.2f}", s * 1e3); }

void latency_cdf(HtmlPage& page, const Scenario& sc, const Plan& plan, const SimResult& r, const RunMetrics& m) {
  const RunSpec& run = sc.workloads.run;
  std::vector<std::vector<double>> lat(m.workloads.size());
  for (const auto& rec : r.requests) {
    if (rec.status != RequestStatus::COMPLETED || !in_window(run, rec)) continue;
    lat[static_cast<std::size_t>(plan.placements()[rec.stream].stream.workload)].push_back(rec.finish - rec.arrival);
  }
  json sets = json::array();
  for (std::size_t w = 0; w < lat.size(); ++w) {
    std::sort(lat[w].begin(), lat[w].end());
    sets.push_back(line(m.workloads[w].name, cdf_points(lat[w]), w));
    if (m.workloads[w].sla_s) {
      const double x = *m.workloads[w].sla_s * 1e3;
      sets.push_back(line(fmt::format("{} SLA {:g} ms", m.workloads[w].name, x),
                          json::array({{{"x", x}, {"y", 0.0}}, {{"x", x}, {"y", 1.0}}}), w, true));
    }
  }
  json y = axis("fraction of requests completed within");
  y["min"] = 0;
  y["max"] = 1;
  json chart = scatter_chart(sets, "latency (ms, logarithmic)", y);
  chart["options"]["scales"]["x"]["type"] = "logarithmic";
  page.chart(chart,
             "Latency CDF of the measured requests of each workload (arrival to completion, ms, logarithmic "
             "axis); dashed: its SLA.");
}

void stage_split(HtmlPage& page, const Scenario& sc, const Plan& plan, const SimResult& r) {
  const RunSpec& run = sc.workloads.run;
  const auto times = request_times(sc, plan, r);
  struct Acc {
    double queue = 0, service = 0;
    long n = 0;
  };
  std::map<std::pair<int, int>, Acc> acc;  // (workload, stage) -> sums
  std::map<int, std::pair<double, long>> output;
  for (const auto& t : times) {
    const RequestRecord& rec = r.requests[t.request];
    if (rec.status != RequestStatus::COMPLETED || !in_window(run, rec)) continue;
    for (const auto& s : t.stages) {
      Acc& a = acc[{t.workload, s.stage}];
      a.queue += s.queue;
      a.service += s.service();
      ++a.n;
    }
    output[t.workload].first += t.output;
    ++output[t.workload].second;
  }
  json labels = json::array(), queue = json::array(), service = json::array(), out = json::array();
  for (auto it = acc.begin(); it != acc.end(); ++it) {
    const auto [w, stage] = it->first;
    const Acc& a = it->second;
    const auto& spec = sc.workloads.streams[static_cast<std::size_t>(w)];
    labels.push_back(spec.stages.size() > 1 ? spec.name + "/" + spec.stages[stage].name : spec.name);
    queue.push_back(a.queue / static_cast<double>(a.n) * 1e3);
    service.push_back(a.service / static_cast<double>(a.n) * 1e3);
    const auto next = std::next(it);
    const bool last_stage = next == acc.end() || next->first.first != w;
    out.push_back(last_stage ? output[w].first / static_cast<double>(output[w].second) * 1e3 : 0.0);
  }
  json x = axis("mean time per request (ms)");
  x["stacked"] = true;
  json y = axis("", false);
  y["stacked"] = true;
  json config{{"type", "bar"},
              {"data",
               {{"labels", labels},
                {"datasets",
                 {{{"label", "queueing (before the stage: waiting, copies in, GPU turns)"}, {"data", queue},
                   {"backgroundColor", colour(1)}},
                  {{"label", "service (the stage's kernels)"}, {"data", service}, {"backgroundColor", colour(0)}},
                  {{"label", "copy out (after the last stage)"}, {"data", out}, {"backgroundColor", colour(7)}}}}}},
              {"options", {{"indexAxis", "y"}, {"scales", {{"x", x}, {"y", y}}},
                           {"plugins", {{"legend", {{"position", "bottom"}}}}}}}};
  page.chart(config,
             "Per pipeline stage, mean over the measured completed requests: time before the stage began (ms) "
             "and the stage's own time (ms). Queueing + service of every stage + copy out = the latency.");
}

void device_series(HtmlPage& page, const RunMetrics& m) {
  for (std::size_t d = 0; d < m.power.size(); ++d) {
    const PowerMetrics& p = m.power[d];
    json util = json::array(), bw = json::array(), power = json::array(), clock = json::array(),
         temp = json::array();
    double t_max = 0;
    for (const auto& s : m.samples) {
      if (s.device != d) continue;
      util.push_back({{"x", s.time}, {"y", s.utilization * 100}});
      bw.push_back({{"x", s.time}, {"y", s.bandwidth_utilization * 100}});
      power.push_back({{"x", s.time}, {"y", s.power_w}});
      clock.push_back({{"x", s.time}, {"y", s.clock_hz / 1e6}});
      temp.push_back({{"x", s.time}, {"y", s.temperature_c}});
      t_max = std::max(t_max, s.time);
    }
    page.paragraph(fmt::format("{} ({})", p.name, p.type));
    json pct = axis("busy (%)");
    pct["min"] = 0;
    page.chart(scatter_chart({line("compute utilisation", util, 0), line("memory bandwidth", bw, 1)},
                             "simulated time (s)", pct, t_max),
               fmt::format("{}: compute (SM) and memory-bus busy fractions (%), averaged over each sample interval.",
                           p.name));
    json watts = axis("power (W)");
    watts["min"] = 0;
    page.chart(scatter_chart({line("power", power, 3),
                              line(fmt::format("cap {:.0f} W", p.power_cap_w),
                                   json::array({{{"x", 0.0}, {"y", p.power_cap_w}}, {{"x", t_max}, {"y", p.power_cap_w}}}),
                                   7, true)},
                             "simulated time (s)", watts, t_max),
               fmt::format("{}: board power (W) against its cap (dashed).", p.name));
    json c = scatter_chart({line("SM clock (MHz)", clock, 4), line("temperature (°C)", temp, 5)}, "simulated time (s)",
                           axis("SM clock (MHz)"), t_max);
    c["data"]["datasets"][1]["yAxisID"] = "y2";
    json y2 = axis("temperature (°C)");
    y2["position"] = "right";
    c["options"]["scales"]["y2"] = y2;
    page.chart(c, fmt::format("{}: SM clock (MHz; below {:.0f} MHz = throttled) and temperature (°C).", p.name,
                              p.boost_clock_hz / 1e6));
  }
}

void additivity_section(HtmlPage& page, const std::vector<AdditivityResult>& results) {
  page.section("Additivity: together against alone");
  page.paragraph(
      "Demand is the fraction of time a device is occupied. Each workload was simulated alone on the same device "
      "with the same arrivals, then all together; a mechanism's share is how much the ratio moves when that "
      "mechanism is switched off.");
  json labels = json::array();
  std::vector<std::string> names;
  for (const auto& r : results) {
    labels.push_back(r.scope);
    for (const auto& [w, x] : r.isolated) {
      if (std::find(names.begin(), names.end(), w) == names.end()) names.push_back(w);
    }
  }
  json sets = json::array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    json data = json::array();
    for (const auto& r : results) {
      const auto it = r.isolated.find(names[i]);
      data.push_back(it == r.isolated.end() ? 0.0 : it->second * 100);
    }
    sets.push_back({{"label", names[i] + " alone"}, {"data", data}, {"stack", "alone"},
                    {"backgroundColor", colour(i)}});
  }
  json together = json::array();
  for (const auto& r : results) together.push_back(r.combined * 100);
  sets.push_back({{"label", "all together"}, {"data", together}, {"stack", "together"}, {"backgroundColor", "#444"}});
  json y = axis("device occupied (%)");
  y["stacked"] = true;
  y["min"] = 0;
  json x = axis("", false);
  x["stacked"] = true;
  page.chart({{"type", "bar"},
              {"data", {{"labels", labels}, {"datasets", sets}}},
              {"options", {{"scales", {{"x", x}, {"y", y}}}, {"plugins", {{"legend", {{"position", "bottom"}}}}}}}},
             "Per device (and the platform): the workloads' demands alone, stacked (their simple sum), beside their "
             "demand together (% of the time occupied).");
  // Mechanism shares.
  std::vector<std::string> mechanisms;
  for (const auto& r : results) {
    for (const auto& [k, v] : r.attribution) {
      if (std::find(mechanisms.begin(), mechanisms.end(), k) == mechanisms.end()) mechanisms.push_back(k);
    }
  }
  json msets = json::array();
  for (std::size_t i = 0; i < mechanisms.size(); ++i) {
    json data = json::array();
    for (const auto& r : results) {
      const auto it = r.attribution.find(mechanisms[i]);
      data.push_back(it == r.attribution.end() ? 0.0 : it->second * 100);
    }
    msets.push_back({{"label", mechanisms[i]}, {"data", data}, {"backgroundColor", colour(i)}});
  }
  page.chart({{"type", "bar"},
              {"data", {{"labels", labels}, {"datasets", msets}}},
              {"options", {{"scales", {{"y", axis("share of the ratio (percentage points)")}}},
                           {"plugins", {{"legend", {{"position", "bottom"}}}}}}}},
             "Each mechanism's share: how far the together/alone ratio moves (percentage points) when it is "
             "switched off; positive = it makes sharing cost more.");
  // Mechanism shares of the required-compute gap, with the interval the searches' brackets allow.
  std::vector<std::string> rmech;
  for (const auto& r : results) {
    if (!r.required) continue;
    for (const auto& [k, v] : r.required->attribution) {
      if (std::find(rmech.begin(), rmech.end(), k) == rmech.end()) rmech.push_back(k);
    }
  }
  if (!rmech.empty()) {
    json rsets = json::array();
    for (std::size_t i = 0; i < rmech.size(); ++i) {
      json data = json::array();
      for (const auto& r : results) {
        json v = nullptr;
        if (r.required) {
          const auto it = r.required->attribution.find(rmech[i]);
          if (it != r.required->attribution.end() && it->second) v = it->second->value;
        }
        data.push_back(v);
      }
      rsets.push_back({{"label", rmech[i]}, {"data", data}, {"backgroundColor", colour(i)}});
    }
    page.chart({{"type", "bar"},
                {"data", {{"labels", labels}, {"datasets", rsets}}},
                {"options", {{"scales", {{"y", axis("share of the gap (TFLOP/s)")}}},
                             {"plugins", {{"legend", {{"position", "bottom"}}}}}}}},
               "Each mechanism's share of the required-compute gap (together minus the sum alone, TFLOP/s): how much "
               "the gap shrinks when it is switched off; the intervals are in the text below.");
  }
  for (const auto& r : results) {
    page.paragraph(r.scope + ": " + r.verdict + ".");
    const std::string shares = required_attribution(r);
    if (!shares.empty()) page.paragraph(r.scope + ", required-compute attribution: " + shares + ".");
    if (r.required && r.required->sum && r.required->combined && *r.required->sum > 0) {
      const double compute_ratio = *r.required->combined / *r.required->sum;
      const bool util_up = r.ratio > 1.005, util_down = r.ratio < 0.995;
      const bool comp_up = compute_ratio > 1.005, comp_down = compute_ratio < 0.995;
      if ((util_up && !comp_up) || (util_down && !comp_down) || (comp_up && !util_up) || (comp_down && !util_down)) {
        page.paragraph(fmt::format(
            "{}: the two views disagree (occupancy ratio {:.3f}, required-compute ratio {:.3f}): occupancy counts "
            "the time the device is busy, while required compute asks how fast it must be for every SLA to hold, "
            "which the tail of the queue decides.",
            r.scope, r.ratio, compute_ratio));
      }
    }
  }
}

}  // namespace

std::string run_report_html(const RunInfo& info, const Scenario& sc, const Plan& plan, const SimResult& r,
                            const RunMetrics& m, const std::vector<AdditivityResult>& additivity) {
  HtmlPage page("gpusim run: " + info.workloads_file);
  page.subtitle(fmt::format("{} + {}; scheduler {}, seed {}, {:g} s simulated, metrics over {:g} s after a {:g} s "
                            "warm-up",
                            info.platform_file, info.workloads_file, info.scheduler, info.seed, info.duration_s,
                            m.window_s, info.warmup_s));
  if (!sc.overrides.empty()) page.paragraph(overrides_line(sc.overrides));
  page.section("Workloads");
  std::vector<std::vector<std::string>> rows{
      {"workload", "streams", "completed", "req/s", "p50 ms", "p99 ms", "SLA ms", "SLA met %"}};
  for (const auto& w : m.workloads) {
    const std::string mark = w.saturation.saturated ? "*" : "";
    rows.push_back({w.name, std::to_string(w.streams), std::to_string(w.completed),
                    fmt::format("{:.1f}", w.throughput_rps), html_ms(w.latency.p50), html_ms(w.latency.p99) + mark,
                    w.sla_s ? fmt::format("{:g}", *w.sla_s * 1e3) : "-",
                    (w.sla_attainment ? fmt::format("{:.1f}", *w.sla_attainment * 100) : "-") + mark});
  }
  page.table(rows);
  for (const auto& w : m.workloads) {
    if (w.saturation.saturated) {
      page.paragraph(fmt::format("* {}: saturated: not a steady state ({})", w.name, w.saturation.reason));
    }
  }
  page.section("Latency");
  latency_cdf(page, sc, plan, r, m);
  page.section("Where the time goes");
  stage_split(page, sc, plan, r);
  page.section("Devices over time");
  device_series(page, m);
  if (!additivity.empty()) additivity_section(page, additivity);
  return page.render();
}

namespace {

// One policy of a compare page: its rank and figures with their 95 % intervals, however they were obtained.
struct RankedPolicy {
  std::string rank;  // "-" for an error
  std::string scheduler;
  std::string error;
  std::optional<Interval> sla_pct;  // the attainment's interval (%); absent without an SLA
  double sla_mean_pct = 0;
  double p99_ms = 0;
  Interval p99_ci_ms;
  std::string throughput;  // as printed (req/s)
  int devices = 0;
  double energy_kj = 0;
  bool saturated = false;
  std::vector<double> latencies_s;  // sorted, for the CDF
};

RankedPolicy unranked(const std::string& scheduler, const std::string& error) {
  RankedPolicy p;
  p.rank = "-";
  p.scheduler = scheduler;
  p.error = error;
  return p;
}

// The ranking table, its two interval charts and the latency CDFs of a compare page.
void compare_sections(HtmlPage& page, const std::vector<RankedPolicy>& policies, const std::string& cdf_caption) {
  std::vector<std::vector<std::string>> table{{"rank", "scheduler", "SLA met %", "95 % interval", "p99 ms",
                                               "95 % interval", "req/s", "devices", "energy kJ"}};
  json labels = json::array(), att = json::array(), att_ci = json::array(), p99 = json::array(),
       p99_ci = json::array();
  for (const auto& p : policies) {
    if (!p.error.empty()) {
      table.push_back({"-", p.scheduler, "failed: " + p.error, "", "", "", "", "", ""});
      continue;
    }
    table.push_back({p.rank, p.scheduler,
                     (p.sla_pct ? fmt::format("{:.2f}", p.sla_mean_pct) : "-") + (p.saturated ? "*" : ""),
                     p.sla_pct ? fmt::format("{:.2f} .. {:.2f}", p.sla_pct->low, p.sla_pct->high) : "-",
                     fmt::format("{:.2f}", p.p99_ms), fmt::format("{:.2f} .. {:.2f}", p.p99_ci_ms.low, p.p99_ci_ms.high),
                     p.throughput, std::to_string(p.devices), fmt::format("{:.2f}", p.energy_kj)});
    labels.push_back(p.scheduler);
    att.push_back(p.sla_pct ? p.sla_mean_pct : 0.0);
    att_ci.push_back(p.sla_pct ? json{p.sla_pct->low, p.sla_pct->high} : json{0.0, 0.0});
    p99.push_back(p.p99_ms);
    p99_ci.push_back({p.p99_ci_ms.low, p.p99_ci_ms.high});
  }
  page.table(table);
  auto ranked = [&](const json& values, const json& intervals, const std::string& what) {
    return json{{"type", "bar"},
                {"data",
                 {{"labels", labels},
                  {"datasets",
                   {{{"type", "line"}, {"label", what}, {"data", values}, {"showLine", false}, {"pointRadius", 5},
                     {"borderColor", colour(3)}, {"backgroundColor", colour(3)}},
                    {{"label", "95 % interval"}, {"data", intervals}, {"backgroundColor", "rgba(31,119,180,0.35)"},
                     {"barPercentage", 0.4}}}}}},
                {"options", {{"scales", {{"y", axis(what)}}}, {"plugins", {{"legend", {{"position", "bottom"}}}}}}}};
  };
  page.chart(ranked(att, att_ci, "SLA met (%)"),
             "SLA attainment of each policy (%, best first) with its 95 % interval (bar).");
  page.chart(ranked(p99, p99_ci, "p99 latency (ms)"), "p99 latency of each policy (ms) with its 95 % interval (bar).");
  page.section("Latency");
  json sets = json::array();
  std::size_t i = 0;
  for (const auto& p : policies) {
    if (p.error.empty()) sets.push_back(line(p.scheduler, cdf_points(p.latencies_s), i++));
  }
  json y = axis("fraction of requests completed within");
  y["min"] = 0;
  y["max"] = 1;
  json chart = scatter_chart(sets, "latency (ms, logarithmic)", y);
  chart["options"]["scales"]["x"]["type"] = "logarithmic";
  page.chart(chart, cdf_caption);
}

void saturation_notes(HtmlPage& page, const std::string& scheduler, const RunMetrics& m, const std::string& which) {
  for (const auto& w : m.workloads) {
    if (w.saturation.saturated) {
      page.paragraph(fmt::format("* {}: {}: saturated{}: not a steady state ({})", scheduler, w.name, which,
                                 w.saturation.reason));
    }
  }
}

}  // namespace

std::string compare_report_html(const CompareInfo& info, const Scenario& sc, const std::vector<CompareRow>& rows) {
  HtmlPage page("gpusim compare: " + info.workloads);
  page.subtitle(fmt::format("{} + {}; seed {}, {:g} s simulated per policy", info.platform, info.workloads,
                            sc.workloads.run.seed, sc.workloads.run.duration.v));
  if (!sc.overrides.empty()) page.paragraph(overrides_line(sc.overrides));
  page.section("Ranking");
  page.paragraph(
      "Ranked by SLA attainment, then p99 latency, throughput, devices and units used, energy. The 95 % intervals "
      "treat one run's requests as independent samples (Wilson for the attainment, binomial order statistics for "
      "the p99); requests of one run are correlated, so run-to-run variation (other seeds) can be wider: "
      "--seeds N draws the intervals across N runs.");
  std::vector<RankedPolicy> policies;
  int rank = 0;
  for (const auto& r : rows) {
    RankedPolicy p = unranked(r.scheduler, r.error);
    if (r.error.empty()) {
      p.rank = std::to_string(++rank);
      if (r.sla_attainment) {
        const Interval a = wilson_interval(r.sla_met, r.sla_requests);
        p.sla_pct = Interval{a.low * 100, a.high * 100};
        p.sla_mean_pct = *r.sla_attainment * 100;
      }
      const Interval q = quantile_interval(r.latencies_s, 0.99);
      p.p99_ms = r.p99_s * 1e3;
      p.p99_ci_ms = Interval{q.low * 1e3, q.high * 1e3};
      p.throughput = fmt::format("{:.1f}", r.throughput_rps);
      p.devices = r.devices_used;
      p.energy_kj = r.energy_j / 1e3;
      p.saturated = r.saturated;
      p.latencies_s = r.latencies_s;
    }
    policies.push_back(std::move(p));
  }
  compare_sections(page, policies,
                   "Latency CDF of every measured request (all workloads) under each policy (ms, logarithmic axis).");
  for (const auto& r : rows) {
    if (r.error.empty()) saturation_notes(page, r.scheduler, r.metrics, "");
  }
  return page.render();
}

std::string compare_seeds_report_html(const CompareInfo& info, const Scenario& sc, int seeds,
                                      const std::vector<SeedCompareRow>& rows) {
  const RunSpec& run = sc.workloads.run;
  HtmlPage page("gpusim compare: " + info.workloads);
  page.subtitle(fmt::format("{} + {}; seeds {}..{} ({} runs per policy), {:g} s simulated per run", info.platform,
                            info.workloads, run.seed, run.seed + static_cast<std::uint64_t>(seeds) - 1, seeds,
                            run.duration.v));
  if (!sc.overrides.empty()) page.paragraph(overrides_line(sc.overrides));
  page.section("Ranking");
  page.paragraph(fmt::format(
      "Ranked by mean SLA attainment, then mean p99 latency, over {} runs with different seeds. The 95 % intervals "
      "are Student t intervals across the runs ({} degrees of freedom; the runs are independent, the requests "
      "of one run are not), the attainment's clipped to 0..100 %. A policy shares the rank of the one above it "
      "unless its interval lies apart.",
      seeds, seeds - 1));
  std::vector<RankedPolicy> policies;
  for (const auto& r : rows) {
    RankedPolicy p = unranked(r.scheduler, r.error);
    if (r.error.empty()) {
      p.rank = std::to_string(r.rank);
      if (r.sla_attainment) {
        p.sla_mean_pct = r.sla_attainment->mean * 100;
        p.sla_pct =
            Interval{std::max(0.0, r.sla_attainment->low() * 100), std::min(100.0, r.sla_attainment->high() * 100)};
      }
      p.p99_ms = r.p99_s.mean * 1e3;
      p.p99_ci_ms = Interval{r.p99_s.low() * 1e3, r.p99_s.high() * 1e3};
      p.throughput = fmt::format("{:.1f} ± {:.1f}", r.throughput_rps.mean, r.throughput_rps.half_width);
      p.devices = r.mean.devices_used;
      p.energy_kj = r.mean.energy_j / 1e3;
      for (const auto& c : r.runs) {
        p.saturated = p.saturated || c.saturated;
        p.latencies_s.insert(p.latencies_s.end(), c.latencies_s.begin(), c.latencies_s.end());
      }
      std::sort(p.latencies_s.begin(), p.latencies_s.end());
    }
    policies.push_back(std::move(p));
  }
  compare_sections(page, policies,
                   fmt::format("Latency CDF of every measured request (all workloads, all {} runs pooled) under "
                               "each policy (ms, logarithmic axis).",
                               seeds));
  for (const auto& r : rows) {
    if (!r.error.empty()) continue;
    for (std::size_t i = 0; i < r.runs.size(); ++i) {
      saturation_notes(page, r.scheduler, r.runs[i].metrics,
                       fmt::format(" with seed {}", run.seed + static_cast<std::uint64_t>(i)));
    }
  }
  return page.render();
}

namespace {

// The leading number of an axis value ("16", "10ms", "0.5"), or none for a name ("T4").
std::optional<double> leading_number(const std::string& v) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (end == v.c_str()) return std::nullopt;
  return x;
}

}  // namespace

std::string sweep_report_html(const SweepLayout& l, const std::vector<SweepRow>& rows) {
  HtmlPage page("gpusim sweep: " + l.workloads);
  page.subtitle(fmt::format("{} + {}; {} point(s) x {} seed(s)", l.platform, l.workloads, l.points, l.seeds));
  if (!l.fixed.empty()) page.paragraph(overrides_line(l.fixed));
  // The x axis: the first axis of numbers, in its order of values; a line per combination of the others.
  std::size_t x = 0;
  for (std::size_t a = 0; a < l.axis_paths.size(); ++a) {
    const auto& vals = l.axis_values[a];
    if (std::all_of(vals.begin(), vals.end(), [](const std::string& v) { return leading_number(v).has_value(); })) {
      x = a;
      break;
    }
  }
  std::vector<std::string> series;  // "type=L4": the other axes' values of each line, first met first
  std::map<std::pair<std::string, std::string>, std::vector<const SweepRow*>> at;  // (series, x value) -> rows
  for (const auto& r : rows) {
    std::string key;
    for (std::size_t a = 0; a < l.axis_paths.size(); ++a) {
      if (a != x) key += fmt::format("{}{}={}", key.empty() ? "" : ", ", l.axis_paths[a], r.values[a]);
    }
    if (std::find(series.begin(), series.end(), key) == series.end()) series.push_back(key);
    at[{key, r.values[x]}].push_back(&r);
  }
  const std::vector<std::string>& xs = l.axis_values[x];
  auto curve = [&](const std::string& what, const std::string& y_title,
                   const std::function<std::optional<double>(const SweepWorkload&)>& figure) {
    json sets = json::array();
    double lo = std::numeric_limits<double>::infinity(), hi = 0;  // the positive figures' range
    std::size_t i = 0;
    for (const auto& w : l.workload_names) {
      for (const auto& key : series) {
        json data = json::array(), style = json::array();
        bool any = false;
        for (const auto& v : xs) {
          double sum = 0;
          int n = 0;
          bool saturated = false;
          for (const SweepRow* r : at[{key, v}]) {
            for (const auto& sw : r->workloads) {
              const auto y = sw.name == w ? figure(sw) : std::nullopt;
              if (!y) continue;
              sum += *y;
              ++n;
              saturated = saturated || sw.saturated;
            }
          }
          if (n == 0) {
            data.push_back(nullptr);
          } else {
            const double y = sum / n;
            data.push_back(y);
            if (y > 0) {
              lo = std::min(lo, y);
              hi = std::max(hi, y);
            }
            any = true;
          }
          style.push_back(saturated ? "triangle" : "circle");
        }
        if (!any) continue;
        sets.push_back({{"label", key.empty() ? w : w + ", " + key},
                        {"data", data},
                        {"pointStyle", style},
                        {"pointRadius", 4},
                        {"spanGaps", false},
                        {"borderWidth", 1.5},
                        {"borderColor", colour(i)},
                        {"backgroundColor", colour(i)}});
        ++i;
      }
    }
    const bool wide = hi / lo > 100;  // more than two decades: a logarithmic axis
    json y = axis(y_title + (wide ? " (logarithmic)" : ""), !wide);
    if (wide) y["type"] = "logarithmic";
    json x_axis{{"title", {{"display", true}, {"text", l.axis_paths[x]}}}};
    json options{{"scales", {{"x", x_axis}, {"y", y}}}, {"plugins", {{"legend", {{"position", "bottom"}}}}}};
    json chart{{"type", "line"}, {"data", {{"labels", xs}, {"datasets", sets}}}, {"options", options}};
    page.chart(chart, fmt::format("{} of each workload against {}{}; triangles: saturated (not a steady state, "
                                  "docs/saturation.md), gaps: failed points.",
                                  what, l.axis_paths[x], l.seeds > 1 ? " (mean over the seeds)" : ""));
  };
  page.section("p99 latency");
  curve("p99 latency (ms)", "p99 latency (ms)", [](const SweepWorkload& w) { return std::optional<double>(w.p99_ms); });
  page.section("SLA attainment");
  curve("SLA attainment (%)", "SLA met (%)", [](const SweepWorkload& w) {
    return w.sla_attainment ? std::optional<double>(*w.sla_attainment * 100) : std::nullopt;
  });
  page.section("Points");
  std::vector<std::vector<std::string>> table{{"point", "seed"}};
  for (const auto& p : l.axis_paths) table.front().push_back(p);
  for (const auto& w : l.workload_names) {
    table.front().push_back(w + " p99 ms");
    table.front().push_back(w + " SLA met %");
  }
  table.front().push_back("saturated");
  for (const auto& r : rows) {
    std::vector<std::string> line{std::to_string(r.point), std::to_string(r.seed)};
    line.insert(line.end(), r.values.begin(), r.values.end());
    for (const auto& w : l.workload_names) {
      const auto it = std::find_if(r.workloads.begin(), r.workloads.end(), [&](const auto& s) { return s.name == w; });
      line.push_back(it == r.workloads.end() ? "-" : fmt::format("{:.2f}", it->p99_ms));
      line.push_back(it == r.workloads.end() || !it->sla_attainment ? "-"
                                                                    : fmt::format("{:.1f}", *it->sla_attainment * 100));
    }
    line.push_back(r.error.empty() ? (r.saturated() ? "yes" : "-") : "failed: " + r.error);
    table.push_back(line);
  }
  page.table(table);
  return page.render();
}

std::string capacity_report_html(const CapacityStudy& st) {
  HtmlPage page(fmt::format("gpusim capacity: streams of '{}'", st.vary));
  page.subtitle(fmt::format("{} + {}; scheduler {}", st.platform_file, st.workloads_file, st.scheduler));
  if (!st.overrides.empty()) {
    std::string o;
    for (const auto& s : st.overrides) o += (o.empty() ? "--set " : ", --set ") + s;
    page.subtitle("overrides: " + o);
  }
  page.section("Answer");
  page.paragraph("Question: " + capacity_question(st) + ".");
  page.table(capacity_rows(st));
  for (const std::string& p : capacity_paragraphs(st)) page.paragraph(p);
  page.section("Latency against streams");
  json sets = json::array();
  double most = 0;
  for (std::size_t i = 0; i < st.searches.size(); ++i) {
    const CapacitySearch& s = st.searches[i];
    if (!s.error.empty()) continue;
    json pts = json::array();
    json answer = json::array();
    for (const auto& [n, latency] : capacity_curve(st, s)) {
      pts.push_back({{"x", n}, {"y", latency * 1e3}});
      if (n == s.answer) answer.push_back({{"x", n}, {"y", latency * 1e3}});
      most = std::max(most, static_cast<double>(n));
    }
    json d = line(s.label, pts, i);
    d["pointRadius"] = 3;
    sets.push_back(d);
    json a = line(fmt::format("{}: answer {}", s.label, s.answer), answer, i);
    a["showLine"] = false;
    a["pointRadius"] = 8;
    a["pointStyle"] = "triangle";
    sets.push_back(a);
  }
  if (st.sla_s) {
    const double y = *st.sla_s * 1e3;
    sets.push_back(line(fmt::format("SLA {:g} ms", y),
                        json::array({{{"x", 0}, {"y", y}}, {{"x", most}, {"y", y}}}), st.searches.size(),
                        true));
  }
  json chart = scatter_chart(sets, "streams of " + st.vary, axis("latency (ms, logarithmic)"));
  chart["options"]["scales"]["y"]["type"] = "logarithmic";
  page.chart(chart, fmt::format(
                        "Latency that {:g} % of the requests of '{}' meet (worst seed, ms, logarithmic axis) "
                        "at each stream count simulated, per device configuration; triangle: the answer; "
                        "dashed: the SLA. Counts where more requests were lost are not drawn.",
                        100.0 * st.quantile, st.vary));
  return page.render();
}

}  // namespace gpusim
