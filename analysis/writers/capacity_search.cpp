#include "analysis/writers/capacity_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/writers/table.hpp"

namespace gpusim {
namespace {

std::string search_table_ms(double s) { return std::isfinite(s) ? fmt::format("{:.1f}", 1e3 * s) : std::string("inf"); }

/// Over the seeds of one count: the worst latency at the quantile and attainment of each workload, and
/// the highest occupancy of each device.
struct Worst {
  std::vector<CapacityWorkload> workloads;
  std::vector<CapacityDevice> devices;
  bool simulated = false;
};

Worst worst_of(const std::vector<CapacityPoint>& pts) {
  Worst w;
  for (const CapacityPoint& p : pts) {
    if (!p.refused.empty()) continue;
    if (!w.simulated) {
      w.workloads = p.workloads;
      w.devices = p.devices;
      w.simulated = true;
      continue;
    }
    for (std::size_t i = 0; i < w.workloads.size() && i < p.workloads.size(); ++i) {
      auto& a = w.workloads[i];
      const auto& b = p.workloads[i];
      a.latency_q_s = std::max(a.latency_q_s, b.latency_q_s);
      a.p99_s = std::max(a.p99_s, b.p99_s);
      if (b.attainment) a.attainment = std::min(a.attainment.value_or(1.0), *b.attainment);
      a.meets = a.meets && b.meets;
    }
    for (std::size_t i = 0; i < w.devices.size() && i < p.devices.size(); ++i) {
      w.devices[i].occupied = std::max(w.devices[i].occupied, p.devices[i].occupied);
    }
  }
  return w;
}

const CapacityWorkload* varied(const Worst& w, const std::string& name) {
  for (const auto& x : w.workloads) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

double busiest(const Worst& w) {
  double o = 0;
  for (const auto& d : w.devices) o = std::max(o, d.occupied);
  return o;
}

/// "lobby 61.2 ms of 100 ms (38.8 ms margin)" for every workload with an SLA.
std::string margins(const Worst& w, double quantile) {
  std::string out;
  for (const auto& x : w.workloads) {
    if (!x.sla_s) continue;
    const double slack = *x.sla_s - x.latency_q_s;
    out += fmt::format("{}{} {} ms of {} ms ({})", out.empty() ? "" : ", ", x.name, search_table_ms(x.latency_q_s),
                       search_table_ms(*x.sla_s),
                       std::isfinite(slack) && slack >= 0
                           ? fmt::format("{} ms margin", search_table_ms(slack))
                           : fmt::format("{:.2f} % within", 100.0 * x.attainment.value_or(0.0)));
  }
  if (out.empty()) out = "no workload has an SLA";
  return fmt::format("{:g}th-percentile latency {}", 100.0 * quantile, out);
}

std::string occupancy(const Worst& w) {
  std::string out;
  for (const auto& d : w.devices) {
    out += fmt::format("{}{} {:.1f} %", out.empty() ? "" : ", ", d.name, 100.0 * d.occupied);
  }
  return "occupied " + out;
}

nlohmann::ordered_json point_json(const CapacityPoint& p) {
  nlohmann::ordered_json j;
  j["streams"] = p.streams;
  j["seed"] = p.seed;
  j["meets"] = p.meets;
  if (!p.binding.empty()) j["binding"] = p.binding;
  if (!p.failure.empty()) j["failure"] = p.failure;
  if (!p.refused.empty()) return j;
  j["saturated"] = p.saturated;
  if (p.saturated) j["saturation"] = p.saturation;
  auto& ws = j["workloads"] = nlohmann::ordered_json::array();
  for (const auto& w : p.workloads) {
    nlohmann::ordered_json x;
    x["name"] = w.name;
    x["streams"] = w.streams;
    x["sla_s"] = w.sla_s ? nlohmann::ordered_json(*w.sla_s) : nlohmann::ordered_json(nullptr);
    x["sla_attainment"] =
        w.attainment ? nlohmann::ordered_json(*w.attainment) : nlohmann::ordered_json(nullptr);
    x["latency_at_quantile_s"] = std::isfinite(w.latency_q_s) ? nlohmann::ordered_json(w.latency_q_s)
                                                              : nlohmann::ordered_json(nullptr);
    x["p99_s"] = std::isfinite(w.p99_s) ? nlohmann::ordered_json(w.p99_s) : nlohmann::ordered_json(nullptr);
    x["throughput_rps"] = w.throughput_rps;
    x["generated"] = w.generated;
    x["unfinished"] = w.unfinished;
    x["dropped"] = w.dropped;
    x["meets"] = w.meets;
    ws.push_back(std::move(x));
  }
  auto& ds = j["devices"] = nlohmann::ordered_json::array();
  for (const auto& d : p.devices) {
    ds.push_back({{"name", d.name},
                  {"type", d.type},
                  {"streams", d.streams},
                  {"occupied", d.occupied},
                  {"memory_bytes", d.memory_bytes},
                  {"memory_capacity_bytes", d.memory_capacity}});
  }
  return j;
}

std::string binding_text(const CapacitySearch& s) {
  const CapacityPoint* f = first_failure(points_at(s, s.answer + 1));
  return f ? f->failure : std::string("-");
}

std::string short_binding(const CapacitySearch& s) {
  const CapacityPoint* f = first_failure(points_at(s, s.answer + 1));
  if (!f) return "-";
  if (f->binding.rfind("sla:", 0) == 0) return "SLA of " + f->binding.substr(4);
  return f->binding;
}

}  // namespace

nlohmann::ordered_json capacity_json(const CapacityStudy& st) {
  nlohmann::ordered_json j;
  j["platform"] = st.platform_file;
  j["workloads"] = st.workloads_file;
  if (!st.overrides.empty()) j["overrides"] = st.overrides;
  j["vary"] = st.vary;
  j["rate_rps"] = st.rate_rps;
  j["sla_s"] = st.sla_s ? nlohmann::ordered_json(*st.sla_s) : nlohmann::ordered_json(nullptr);
  auto& others = j["others"] = nlohmann::ordered_json::array();
  for (const auto& [name, count] : st.others) others.push_back({{"name", name}, {"streams", count}});
  j["quantile"] = st.quantile;
  j["seeds"] = st.seeds;
  j["first_seed"] = st.seed;
  j["warmup_s"] = st.warmup_s;
  j["window_s"] = st.window_s;
  j["scheduler"] = st.scheduler;
  j["per_device"] = st.per_device;
  j["simulations"] = st.simulations;
  auto& ss = j["searches"] = nlohmann::ordered_json::array();
  for (const CapacitySearch& s : st.searches) {
    nlohmann::ordered_json x;
    x["device"] = s.label;
    if (!s.error.empty()) {
      x["error"] = s.error;
      ss.push_back(std::move(x));
      continue;
    }
    x["streams"] = s.answer;
    x["utilisation_bound"] = s.bound;
    x["fit_in_memory"] = s.most;
    x["binding"] = short_binding(s);
    x["binding_detail"] = binding_text(s);
    if (!s.suggestion.empty()) x["suggestion"] = s.suggestion;
    auto& at = x["at_answer"] = nlohmann::ordered_json::array();
    for (const auto& p : points_at(s, s.answer)) at.push_back(point_json(p));
    auto& beyond = x["one_more"] = nlohmann::ordered_json::array();
    for (const auto& p : points_at(s, s.answer + 1)) beyond.push_back(point_json(p));
    auto& tried = x["tried"] = nlohmann::ordered_json::array();
    for (const auto& [n, pts] : s.points) tried.push_back({{"streams", n}, {"meets", all_meet(pts)}});
    ss.push_back(std::move(x));
  }
  return j;
}

std::string capacity_question(const CapacityStudy& st) {
  std::string others;
  for (const auto& [name, count] : st.others) {
    others += fmt::format("{}{} x{}", others.empty() ? "" : ", ", name, count);
  }
  return fmt::format(
      "how many streams of '{}' ({:g}/s each, SLA {}){}{}, with every workload's requests within its SLA at "
      "{:g} % "
      "and the run a steady state, for {} seed(s) from {}; each count simulated {:g} s after a {:g} s "
      "warm-up",
      st.vary, st.rate_rps, st.sla_s ? search_table_ms(*st.sla_s) + " ms" : std::string("none"),
      st.per_device ? " fit on one GPU of each type" : " fit on the platform",
      others.empty() ? std::string() : " next to " + others, 100.0 * st.quantile, st.seeds, st.seed,
      st.window_s, st.warmup_s);
}

std::vector<std::vector<std::string>> capacity_rows(const CapacityStudy& st) {
  const std::string q = fmt::format("p{:g}", 100.0 * st.quantile);
  std::vector<std::vector<std::string>> rows{{st.per_device ? "device" : "platform", "streams", "bound",
                                              q + " at N ms", q + " at N+1 ms", "occupied at N %",
                                              "binding at N+1"}};
  for (const CapacitySearch& s : st.searches) {
    if (!s.error.empty()) {
      rows.push_back({s.label, "-", "-", "-", "-", "-", "cannot place one stream"});
      continue;
    }
    const Worst at = worst_of(points_at(s, s.answer));
    const Worst beyond = worst_of(points_at(s, s.answer + 1));
    const CapacityWorkload* a = varied(at, st.vary);
    const CapacityWorkload* b = varied(beyond, st.vary);
    rows.push_back({s.label, fmt::format("{}", s.answer), fmt::format("{}", s.bound),
                    a ? search_table_ms(a->latency_q_s) : "-", b ? search_table_ms(b->latency_q_s) : "-",
                    at.simulated ? fmt::format("{:.1f}", 100.0 * busiest(at)) : "-", short_binding(s)});
  }
  return rows;
}

std::vector<std::string> capacity_paragraphs(const CapacityStudy& st) {
  std::vector<std::string> out;
  for (const CapacitySearch& s : st.searches) {
    if (!s.error.empty()) {
      out.push_back(fmt::format("{}: {}", s.label, s.error));
      continue;
    }
    const Worst at = worst_of(points_at(s, s.answer));
    std::string p = fmt::format("{}: {} stream(s) of '{}'.", s.label, s.answer, st.vary);
    if (at.simulated) p += fmt::format(" At {}: {}; {}.", s.answer, margins(at, st.quantile), occupancy(at));
    p += fmt::format(" At {}: {}.", s.answer + 1, binding_text(s));
    out.push_back(std::move(p));
    if (!s.suggestion.empty()) out.push_back("knob: " + s.suggestion);
  }
  return out;
}

std::vector<std::pair<long, double>> capacity_curve(const CapacityStudy& st, const CapacitySearch& s) {
  std::vector<std::pair<long, double>> out;
  for (const auto& [n, pts] : s.points) {
    const Worst w = worst_of(pts);
    const CapacityWorkload* v = varied(w, st.vary);
    if (v && std::isfinite(v->latency_q_s)) out.emplace_back(n, v->latency_q_s);
  }
  return out;
}

void print_capacity(std::ostream& out, const CapacityStudy& st) {
  out << fmt::format("gpusim capacity: {} + {}; scheduler {}\n", st.platform_file, st.workloads_file,
                     st.scheduler);
  if (!st.overrides.empty()) {
    std::string o;
    for (const auto& s : st.overrides) o += (o.empty() ? "--set " : ", --set ") + s;
    out << "overrides: " << o << "\n";
  }
  out << "question: " << capacity_question(st) << "\n\n";
  std::vector<std::vector<std::string>> rows = capacity_rows(st);
  Table t(rows.front(), {false, true, true, true, true, true, false});
  for (std::size_t i = 1; i < rows.size(); ++i) t.add(rows[i]);
  out << fmt::format("Streams of '{}' {}\n", st.vary, st.per_device ? "per GPU" : "on the platform");
  t.print(out, "  ");
  out << "  (bound: the utilisation bracket from the isolated request times; N: the answer)\n\n";
  for (const std::string& p : capacity_paragraphs(st))
    out << (p.rfind("knob: ", 0) == 0 ? "  " : "") << p << "\n";
  out << fmt::format("{} simulation(s)\n", st.simulations);
}

}  // namespace gpusim
