#include "analysis/writers/report.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/writers/table.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"

namespace gpusim {
namespace {

std::string report_ms(double seconds) { return fmt::format("{:.2f}", seconds * 1e3); }
std::string report_pct(double fraction) { return fmt::format("{:.1f}", fraction * 100.0); }
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

nlohmann::json latency_json(const LatencyStats& l) {
  return {{"mean", l.mean * 1e3}, {"p50", l.p50 * 1e3}, {"p95", l.p95 * 1e3}, {"p99", l.p99 * 1e3},
          {"max", l.max * 1e3}};
}

}  // namespace

std::string overrides_line(const std::vector<std::string>& overrides) {
  if (overrides.empty()) return "";
  std::string line = "overrides:";
  for (const auto& o : overrides) line += " --set " + o;
  return line;
}

void print_overrides(std::ostream& out, const std::vector<std::string>& overrides) {
  if (!overrides.empty()) out << overrides_line(overrides) << "\n";
}

void print_saturation(std::ostream& out, const RunMetrics& m, const std::string& prefix) {
  for (const auto& w : m.workloads) {
    if (w.saturation.saturated) {
      out << fmt::format("  * {}{}: saturated: not a steady state ({})\n", prefix, w.name, w.saturation.reason);
    }
  }
}

nlohmann::json saturation_json(const SaturationVerdict& v) {
  return {{"saturated", v.saturated},
          {"saturation", v.saturated ? nlohmann::json(v.reason) : nlohmann::json(nullptr)}};
}

void print_report(std::ostream& out, const RunInfo& info, const RunMetrics& m) {
  out << fmt::format(
      "gpusim: {} + {}; scheduler {}, seed {}, {:g} s simulated, metrics over {:g} s after a {:g} s "
      "warm-up\n",
      info.platform_file, info.workloads_file, info.scheduler, info.seed, info.duration_s, m.window_s,
      info.warmup_s);
  print_overrides(out, info.overrides);
  out << "\n";
  Table wt({"workload", "streams", "devices", "generated", "completed", "dropped", "unfinished", "req/s",
            "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "SLA ms", "SLA met %", "TFLOP/s"},
           {false, true, false, true, true, true, true, true, true, true, true, true, true, true, true, true});
  for (const auto& w : m.workloads) {
    const std::string mark = w.saturation.saturated ? "*" : "";  // not a steady state: see below the table
    wt.add({w.name, std::to_string(w.streams), join(w.devices), std::to_string(w.generated),
            std::to_string(w.completed), std::to_string(w.dropped), std::to_string(w.unfinished),
            fmt::format("{:.1f}", w.throughput_rps), report_ms(w.latency.mean), report_ms(w.latency.p50), report_ms(w.latency.p95),
            report_ms(w.latency.p99) + mark, report_ms(w.latency.max), w.sla_s ? fmt::format("{:g}", *w.sla_s * 1e3) : "-",
            (w.sla_attainment ? report_pct(*w.sla_attainment) : "-") + mark,
            fmt::format("{:.3f}", w.achieved_flops / 1e12)});
  }
  out << "Workloads\n";
  wt.print(out, "  ");
  for (const auto& w : m.workloads) {
    if (w.host_pre_s + w.host_post_s > 0) {
      out << fmt::format("  {}: {} ms of each latency is host time outside the GPU (pre {} + post {} ms)\n",
                         w.name, report_ms(w.host_pre_s + w.host_post_s), report_ms(w.host_pre_s),
                         report_ms(w.host_post_s));
    }
    if (w.host_launch_s > 0) {
      out << fmt::format(
          "  {}: the host takes {} us to issue each kernel: {} ms for the {} kernels of a request "
          "that runs every stage (a kernel not yet issued waits off the GPU, which serves others)\n",
          w.name, fmt::format("{:.4g}", w.host_launch_s * 1e6),
          report_ms(w.host_launch_s * w.host_launch_kernels), fmt::format("{:g}", w.host_launch_kernels));
    }
  }
  print_saturation(out, m);
  Table st({"workload", "stage", "runs", "mean batch", "mean ms", "p95 ms", "p99 ms", "done at p50 ms",
            "done at p99 ms"},
           {false, false, true, true, true, true, true, true, true});
  bool any_stage = false;
  for (const auto& w : m.workloads) {
    for (const auto& s : w.stages) {
      any_stage = true;
      st.add({w.name, s.name, std::to_string(s.runs), fmt::format("{:.2f}", s.mean_batch), report_ms(s.latency.mean),
              report_ms(s.latency.p95), report_ms(s.latency.p99), report_ms(s.done_at.p50), report_ms(s.done_at.p99)});
    }
  }
  if (any_stage) {
    out << "\nPipeline stages (stage time, and time from the frame's arrival to the stage's end)\n";
    st.print(out, "  ");
  }
  Table dt({"device", "type", "node", "sharing", "streams", "compute util %", "bandwidth util %", "occupied %",
            "memory used GB", "memory GB", "kernels", "switches"},
           {false, false, false, false, true, true, true, true, true, true, true, true});
  for (const auto& d : m.devices) {
    dt.add({d.name, d.type, d.node, d.sharing, std::to_string(d.streams), report_pct(d.utilization),
            report_pct(d.bandwidth_utilization), report_pct(d.occupied), fmt::format("{:.2f}", d.memory_bytes / 1e9),
            fmt::format("{:.1f}", d.memory_capacity / 1e9), std::to_string(d.kernels), std::to_string(d.switches)});
  }
  out << "\nDevices\n";
  dt.print(out, "  ");
  Table pt({"device", "type", "energy kJ", "J/request", "mean W", "peak W", "cap W", "max temp C", "min clock MHz",
            "boost MHz"},
           {false, false, true, true, true, true, true, true, true, true});
  for (const auto& p : m.power) {
    pt.add({p.name, p.type, fmt::format("{:.2f}", p.energy_j / 1e3), fmt::format("{:.3f}", p.energy_per_request_j),
            fmt::format("{:.0f}", p.mean_power_w), fmt::format("{:.0f}", p.peak_power_w),
            fmt::format("{:.0f}", p.power_cap_w), fmt::format("{:.1f}", p.max_temperature_c),
            fmt::format("{:.0f}", p.min_clock_hz / 1e6), fmt::format("{:.0f}", p.boost_clock_hz / 1e6)});
  }
  out << "\nPower\n";
  pt.print(out, "  ");
}

nlohmann::json report_json(const RunInfo& info, const RunMetrics& m) {
  using nlohmann::json;
  json j;
  j["run"] = {{"platform", info.platform_file}, {"workloads", info.workloads_file}, {"scheduler", info.scheduler},
              {"seed", info.seed},          {"duration_s", info.duration_s},    {"warmup_s", info.warmup_s},
              {"window_s", m.window_s},     {"kernels", m.kernels},             {"simulated_s", m.simulated_s}};
  if (!info.overrides.empty()) j["run"]["overrides"] = info.overrides;
  j["workloads"] = json::array();
  for (const auto& w : m.workloads) {
    json o{{"name", w.name},
           {"streams", w.streams},
           {"devices", w.devices},
           {"generated", w.generated},
           {"completed", w.completed},
           {"dropped", w.dropped},
           {"unfinished", w.unfinished},
           {"throughput_rps", w.throughput_rps},
           {"latency_ms", latency_json(w.latency)},
           {"sla_ms", w.sla_s ? json(*w.sla_s * 1e3) : json(nullptr)},
           {"sla_attainment", w.sla_attainment ? json(*w.sla_attainment) : json(nullptr)},
           {"achieved_flops", w.achieved_flops}};
    o.update(saturation_json(w.saturation));
    // Only when the workload has host time, so the files of workloads without it stay as they were.
    if (w.host_pre_s + w.host_post_s > 0 || w.host_launch_s > 0) {
      o["host_ms"] = {{"pre", w.host_pre_s * 1e3}, {"post", w.host_post_s * 1e3}};
      if (w.host_launch_s > 0) {
        o["host_ms"]["launch_per_kernel"] = w.host_launch_s * 1e3;
        o["host_ms"]["launch_per_request"] = w.host_launch_s * w.host_launch_kernels * 1e3;
      }
    }
    if (!w.stages.empty()) {
      o["stages"] = json::array();
      for (const auto& s : w.stages) {
        o["stages"].push_back({{"name", s.name},
                               {"runs", s.runs},
                               {"mean_batch", s.mean_batch},
                               {"latency_ms", latency_json(s.latency)},
                               {"done_at_ms", latency_json(s.done_at)}});
      }
    }
    j["workloads"].push_back(o);
  }
  j["devices"] = json::array();
  for (const auto& d : m.devices) {
    j["devices"].push_back({{"name", d.name},
                            {"type", d.type},
                            {"node", d.node},
                            {"sharing", d.sharing},
                            {"streams", d.streams},
                            {"utilization", d.utilization},
                            {"bandwidth_utilization", d.bandwidth_utilization},
                            {"memory_bytes", d.memory_bytes},
                            {"memory_capacity_bytes", d.memory_capacity},
                            {"occupied", d.occupied},
                            {"switches", d.switches},
                            {"energy_j", d.energy_j},
                            {"kernels", d.kernels}});
  }
  j["power"] = json::array();
  for (const auto& p : m.power) {
    j["power"].push_back({{"device", p.name},
                          {"type", p.type},
                          {"energy_j", p.energy_j},
                          {"energy_per_request_j", p.energy_per_request_j},
                          {"mean_power_w", p.mean_power_w},
                          {"peak_power_w", p.peak_power_w},
                          {"power_cap_w", p.power_cap_w},
                          {"max_temperature_c", p.max_temperature_c},
                          {"min_clock_mhz", p.min_clock_hz / 1e6},
                          {"boost_clock_mhz", p.boost_clock_hz / 1e6}});
  }
  j["timeseries"] = json::array();
  for (std::size_t d = 0; d < m.power.size(); ++d) {
    json rows = json::array();
    for (const auto& s : m.samples) {
      if (s.device != d) continue;
      rows.push_back({s.time, s.power_w, s.temperature_c, s.clock_hz / 1e6, s.utilization, s.bandwidth_utilization});
    }
    j["timeseries"].push_back({{"device", m.power[d].name},
                               {"columns", {"time_s", "power_w", "temperature_c", "clock_mhz", "utilization",
                                            "bandwidth_utilization"}},
                               {"rows", rows}});
  }
  return j;
}

namespace {
std::string tflops(const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : "unreachable"; }
nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }
}  // namespace

void print_additivity(std::ostream& out, const std::vector<AdditivityResult>& results) {
  if (results.empty()) return;
  out << "\nAdditivity (each workload alone on its device vs all together; docs/additivity.md)\n";
  for (const auto& r : results) {
    std::string alone;
    for (const auto& [name, x] : r.isolated) alone += fmt::format("{}{} {:.3f}", alone.empty() ? "" : " + ", name, x);
    const std::string utilisation = fmt::format("utilisation (occupied fraction): {} = {:.3f} alone, {:.3f} together, "
                                                "ratio {:.3f}: {}",
                                                alone, r.sum, r.combined, r.ratio, r.utilisation_verdict);
    if (!r.required) {
      out << fmt::format("  {}: {}\n", r.scope, utilisation);
    } else {
      std::string parts;
      for (const auto& [name, v] : r.required->isolated) {
        parts += fmt::format("{}{} {}", parts.empty() ? "" : " + ", name, tflops(v));
      }
      out << fmt::format("  {}: required {} TFLOP/s to meet every SLA: {} = {} alone, {} together: {}\n", r.scope,
                         r.required->precision, parts, tflops(r.required->sum), tflops(r.required->combined),
                         r.verdict);
      const std::string shares = required_attribution(r);
      if (!shares.empty()) out << fmt::format("    required-compute attribution: {}\n", shares);
      out << fmt::format("    {}\n", utilisation);
    }
    if (!r.why.empty()) out << fmt::format("    why they differ: {}\n", r.why);
    if (r.phases_drawn) {
      out << "    phases: the periodic streams' phases are drawn from the seed, and under MPS requests that arrive "
             "together overlap: the utilisation view can change with the seed (--seed), or give each workload "
             "its `phase`\n";
    }
    out << fmt::format("    memory: {:.2f} GB alone, {:.2f} GB together\n", r.memory_isolated_bytes / 1e9,
                       r.memory_combined_bytes / 1e9);
  }
}

nlohmann::json additivity_json(const std::vector<AdditivityResult>& results) {
  using nlohmann::json;
  json a = json::array();
  for (const auto& r : results) {
    json o{{"device", r.scope},        {"workloads", r.workloads}, {"isolated", r.isolated}, {"sum", r.sum},
           {"combined", r.combined},   {"ratio", r.ratio},         {"attribution", r.attribution},
           {"verdict", r.verdict},     {"utilisation_verdict", r.utilisation_verdict},
           {"why", r.why},             {"sharing", r.sharing},
           {"memory_isolated_bytes", r.memory_isolated_bytes},
           {"memory_combined_bytes", r.memory_combined_bytes}};
    if (r.sharing == "mig") o["mig_shared_instance"] = r.shared_instance;  // two workloads in one instance
    if (r.sharing == "mps") o["mps_phases_drawn"] = r.phases_drawn;  // periodic streams at seeded phases
    // Confidence of each utilisation figure: its standard error (batch means), and the tolerance of "equals".
    o["confidence"] = {{"isolated_se", r.isolated_se}, {"sum_se", r.sum_se},       {"combined_se", r.combined_se},
                       {"ratio_se", r.ratio_se},       {"tolerance", r.tolerance}, {"run_length_s", r.run_length_s}};
    // Each mechanism's share of the ratio: its standard error and the interval of two of them.
    json share_se = json::object(), share_interval = json::object();
    for (const auto& [name, se] : r.attribution_se) {
      share_se[name] = se;
      share_interval[name] = {r.attribution.at(name) - 2 * se, r.attribution.at(name) + 2 * se};
    }
    o["confidence"]["attribution_se"] = share_se;
    o["confidence"]["attribution_interval"] = share_interval;
    if (r.required) {
      json iso = json::object();
      for (const auto& [name, v] : r.required->isolated) iso[name] = opt(v);
      json brackets = json::object();
      for (const auto& [name, b] : r.required->isolated_bracket) brackets[name] = {b.lo, b.hi};
      o["required_tflops"] = {{"precision", r.required->precision},
                              {"isolated", iso},
                              {"sum", opt(r.required->sum)},
                              {"combined", opt(r.required->combined)},
                              {"tolerance", r.required->tolerance},
                              {"confidence",
                               {{"isolated_interval", brackets},
                                {"combined_interval", r.required->combined_bracket
                                                          ? json{r.required->combined_bracket->lo,
                                                                 r.required->combined_bracket->hi}
                                                          : json(nullptr)},
                                {"search_rounds", r.required->rounds}}}};
      // Each mechanism's share of the gap (together - sum), in TFLOP/s, with the interval the brackets allow.
      json shares = json::object();
      for (const auto& [name, sh] : r.required->attribution) {
        shares[name] = sh ? json{{"tflops", sh->value}, {"interval", {sh->lo, sh->hi}}, {"resolved", sh->resolved()}}
                          : json(nullptr);
      }
      o["required_tflops"]["attribution"] = shares;
      o["required_tflops"]["attribution_text"] = required_attribution(r);
    }
    a.push_back(o);
  }
  return a;
}

void print_sharing_modes(std::ostream& out, const std::vector<ModeAnswer>& answers) {
  std::string precision;
  for (const auto& a : answers) {
    for (const auto& r : a.results) {
      if (r.required) precision = r.required->precision;
    }
  }
  out << fmt::format("Required {} TFLOP/s to meet every SLA (alone: the sum of each workload alone), and the "
                     "utilisation ratio, per sharing mode\n",
                     precision.empty() ? "" : precision);
  out << fmt::format("  {:<10}  {:>10}  {:>8}  {:>5}  {:<9}  {:>11}  {:<11}  {:>9}\n", "sharing", "alone TF/s",
                     "together", "ratio", "verdict", "util. ratio", "util. view", "SLA met %");
  out << fmt::format("  {:<10}  {:>10}  {:>8}  {:>5}  {:<9}  {:>11}  {:<11}  {:>9}\n", "----------", "----------",
                     "--------", "-----", "---------", "-----------", "-----------", "---------");
  for (const auto& a : answers) {
    const AdditivityResult* whole = nullptr;
    for (const auto& r : a.results) {
      if (r.scope == "platform" || a.results.size() == 1) whole = &r;
    }
    std::string ratio = "-", verdict = "-", uratio = "-", uview = "-";
    if (whole) {
      uratio = fmt::format("{:.3f}", whole->ratio);
      uview = std::string(compared_to_sum(whole->ratio, std::max(0.005, whole->tolerance)));
      if (a.required && a.required_alone && *a.required_alone > 0) {
        ratio = fmt::format("{:.2f}", *a.required / *a.required_alone);
        verdict =
            std::string(required_compared_to_sum(*a.required / *a.required_alone, whole->required->tolerance));
      }
    }
    out << fmt::format("  {:<10}  {:>10}  {:>8}  {:>5}  {:<9}  {:>11}  {:<11}  {:>9.1f}\n", a.mode,
                       tflops(a.required_alone), tflops(a.required), ratio, verdict, uratio, uview,
                       a.sla_attainment * 100.0);
  }
  if (const auto best = least_demanding(answers)) {
    out << fmt::format("least: {} needs {:.2f} {} TFLOP/s for every workload together\n", answers[*best].mode,
                       *answers[*best].required, precision);
  } else {
    out << "least: no mode has a required-compute figure (no device hosts two or more workloads)\n";
  }
  for (const auto& a : answers) {
    out << fmt::format("\nUnder {}:\n", a.mode);
    if (a.results.empty()) out << "  no device hosts two or more workloads\n";
    std::ostringstream section;
    print_additivity(section, a.results);
    const std::string text = section.str();
    out << text.substr(std::min(text.find('\n', 1) + 1, text.size()));  // its rows, not its heading
  }
}

nlohmann::json sharing_modes_json(const std::vector<ModeAnswer>& answers) {
  nlohmann::json modes = nlohmann::json::array();
  for (const auto& a : answers) {
    modes.push_back({{"sharing", a.mode},
                     {"required_tflops_alone", opt(a.required_alone)},
                     {"required_tflops_together", opt(a.required)},
                     {"sla_attainment", a.sla_attainment},
                     {"additivity", additivity_json(a.results)}});
  }
  const auto best = least_demanding(answers);
  return {{"modes", modes}, {"least", best ? nlohmann::json(answers[*best].mode) : nlohmann::json(nullptr)}};
}

const std::vector<std::string>& csv_file_names() {
  static const std::vector<std::string> names{"timeseries.csv", "power.csv", "workloads.csv", "devices.csv"};
  return names;
}

std::vector<std::pair<std::string, std::string>> csv_tables(const RunMetrics& m) {
  std::ostringstream w;
  w << "name,streams,generated,completed,dropped,unfinished,throughput_rps,latency_mean_ms,latency_p50_ms,"
       "latency_p95_ms,latency_p99_ms,latency_max_ms,sla_ms,sla_attainment,achieved_flops\n";
  for (const auto& x : m.workloads) {
    w << fmt::format("{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{},{},{:.6e}\n", x.name, x.streams,
                     x.generated, x.completed, x.dropped, x.unfinished, x.throughput_rps, x.latency.mean * 1e3,
                     x.latency.p50 * 1e3, x.latency.p95 * 1e3, x.latency.p99 * 1e3, x.latency.max * 1e3,
                     x.sla_s ? fmt::format("{:g}", *x.sla_s * 1e3) : "",
                     x.sla_attainment ? fmt::format("{:.6f}", *x.sla_attainment) : "", x.achieved_flops);
  }
  std::ostringstream d;
  d << "name,type,node,sharing,streams,utilization,bandwidth_utilization,memory_bytes,memory_capacity_bytes,"
       "kernels,occupied,switches\n";
  for (const auto& x : m.devices) {
    d << fmt::format("{},{},{},{},{},{:.6f},{:.6f},{:.0f},{:.0f},{},{:.6f},{}\n", x.name, x.type, x.node, x.sharing,
                     x.streams, x.utilization, x.bandwidth_utilization, x.memory_bytes, x.memory_capacity,
                     x.kernels, x.occupied, x.switches);
  }
  std::ostringstream t;
  t << "device,time_s,power_w,temperature_c,clock_mhz,utilization,bandwidth_utilization\n";
  for (const auto& s : m.samples) {
    t << fmt::format("{},{:.6f},{:.3f},{:.3f},{:.0f},{:.6f},{:.6f}\n", m.power[s.device].name, s.time, s.power_w,
                     s.temperature_c, s.clock_hz / 1e6, s.utilization, s.bandwidth_utilization);
  }
  std::ostringstream p;
  p << "device,type,energy_j,energy_per_request_j,mean_power_w,peak_power_w,power_cap_w,max_temperature_c,"
       "min_clock_mhz,boost_clock_mhz\n";
  for (const auto& x : m.power) {
    p << fmt::format("{},{},{:.6f},{:.6f},{:.3f},{:.3f},{:.3f},{:.3f},{:.0f},{:.0f}\n", x.name, x.type, x.energy_j,
                     x.energy_per_request_j, x.mean_power_w, x.peak_power_w, x.power_cap_w, x.max_temperature_c,
                     x.min_clock_hz / 1e6, x.boost_clock_hz / 1e6);
  }
  return {{"timeseries.csv", t.str()}, {"power.csv", p.str()}, {"workloads.csv", w.str()}, {"devices.csv", d.str()}};
}

}  // namespace gpusim
