#include "analysis/seeds.hpp"
#include "analysis/writers/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "analysis/writers/json_text.hpp"
#include "analysis/writers/report.hpp"
#include "analysis/writers/table.hpp"
#include "core/csv.hpp"
#include "core/errors.hpp"

namespace gpusim {
namespace {

const std::vector<std::string> kWorkloadColumns{"p50_ms", "p99_ms", "sla_attainment", "throughput_rps",
                                                "unfinished", "saturated"};
const std::vector<std::string> kDeviceColumns{"occupied", "mean_power_w", "energy_j"};

// A figure as the files write it: the shortest text that reads back as the same double.
std::string figure(double x) { return fmt::format("{}", x); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// One CSV line of `fields`.
void append_line(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

ConfigError other_sweep(const std::string& path, const std::string& why) {
  return ConfigError(fmt::format("{}: error: written by another sweep ({}); write to a new file or run "
                                 "without --resume",
                                 path, why));
}

nlohmann::json layout_json(const SweepLayout& l) {
  nlohmann::json axes = nlohmann::json::array();
  for (std::size_t a = 0; a < l.axis_paths.size(); ++a) {
    axes.push_back({{"path", l.axis_paths[a]}, {"values", l.axis_values[a]}});
  }
  return {{"platform", l.platform},
          {"workloads", l.workloads},
          {"overrides", l.fixed},
          {"axes", axes},
          {"seeds", l.seeds},
          {"points", l.points},
          {"rows", l.points * static_cast<std::size_t>(l.seeds)},
          {"saturation",
           "the saturation verdict of gpusim run (docs/saturation.md): a rising backlog, more than 2 % of the "
           "requests dropped or unfinished, or a time-sliced unit occupied >= 99 % of the window"}};
}

template <class T>
T field_of(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw ConfigError(fmt::format("{}: error: a row has no '{}'", where, key));
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(fmt::format("{}: error: a row's '{}' has the wrong type", where, key));
  }
}

// A number written by figure(); ConfigError naming FILE:LINE and the column otherwise.
double read_number(const std::string& text, const std::string& where, const std::string& column) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0) {
    throw ConfigError(fmt::format("{}: error: column '{}': '{}' is not a number", where, column, text));
  }
  return v;
}

std::uint64_t read_count(const std::string& text, const std::string& where, const std::string& column) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 19) {
    throw ConfigError(fmt::format("{}: error: column '{}': '{}' is not a whole number", where, column, text));
  }
  return std::stoull(text);
}

// The last `parts` keys of `path` ("gpu.count" of "nodes.server0.devices.gpu.count" for 2).
std::string tail_of(const std::string& path, int parts) {
  std::size_t at = path.size();
  for (int k = 0; k < parts && at != std::string::npos && at > 0; ++k) at = path.rfind('.', at - 1);
  return at == std::string::npos ? path : path.substr(at + 1);
}

// The shortest tail of `path` that no other path of `all` shares: a table heading.
std::string short_path(const std::string& path, const std::vector<std::string>& all) {
  for (int parts = 1;; ++parts) {
    const std::string mine = tail_of(path, parts);
    if (mine == path) return path;
    bool unique = true;
    for (const auto& other : all) unique = unique && (other == path || tail_of(other, parts) != mine);
    if (unique) return mine;
  }
}

std::string sweep_pct(double f) { return fmt::format("{:.1f}", f * 100); }

// "12.3" for one value; "12.3 ± 1.1" for the mean and the half width of the 95 % Student-t interval of
// several (analysis/seeds.hpp).
std::string spread(const std::vector<double>& v, const std::function<std::string(double)>& fmt_one) {
  if (v.empty()) return "-";
  const SeedStat s = seed_stat(v);
  if (v.size() == 1) return fmt_one(s.mean);
  return fmt::format("{} ± {}", fmt_one(s.mean), fmt_one(s.half_width));
}

}  // namespace

std::vector<std::string> sweep_csv_header(const SweepLayout& l) {
  std::vector<std::string> h{"point"};
  for (const auto& p : l.axis_paths) h.push_back(p);
  h.push_back("seed");
  h.push_back("status");
  for (const auto& w : l.workload_names) {
    for (const auto& c : kWorkloadColumns) h.push_back(w + "." + c);
  }
  for (const auto& d : l.device_names) {
    for (const auto& c : kDeviceColumns) h.push_back(d + "." + c);
  }
  h.push_back("saturated");
  h.push_back("error");
  return h;
}

std::string sweep_csv(const SweepLayout& l, const std::vector<SweepRow>& rows) {
  std::string out;
  append_line(out, sweep_csv_header(l));
  for (const auto& r : rows) {
    std::vector<std::string> f{std::to_string(r.point)};
    for (const auto& v : r.values) f.push_back(v);
    f.push_back(std::to_string(r.seed));
    f.push_back(r.error.empty() ? "ok" : "error");
    for (const auto& name : l.workload_names) {
      const auto w = std::find_if(r.workloads.begin(), r.workloads.end(), [&](auto& x) { return x.name == name; });
      if (w == r.workloads.end()) {
        f.insert(f.end(), kWorkloadColumns.size(), "");
        continue;
      }
      f.insert(f.end(), {figure(w->p50_ms), figure(w->p99_ms), w->sla_attainment ? figure(*w->sla_attainment) : "",
                         figure(w->throughput_rps), std::to_string(w->unfinished), w->saturated ? "1" : "0"});
    }
    for (const auto& name : l.device_names) {
      const auto d = std::find_if(r.devices.begin(), r.devices.end(), [&](auto& x) { return x.name == name; });
      if (d == r.devices.end()) {
        f.insert(f.end(), kDeviceColumns.size(), "");
        continue;
      }
      f.insert(f.end(), {figure(d->occupied), figure(d->mean_power_w), figure(d->energy_j)});
    }
    f.push_back(r.error.empty() ? (r.saturated() ? "1" : "0") : "");
    f.push_back(r.error);
    append_line(out, f);
  }
  return out;
}

nlohmann::json sweep_row_json(const SweepRow& r, const std::vector<std::string>& axis_paths) {
  nlohmann::json j;
  j["point"] = r.point;
  nlohmann::json values = nlohmann::json::object();
  for (std::size_t a = 0; a < axis_paths.size() && a < r.values.size(); ++a) values[axis_paths[a]] = r.values[a];
  j["values"] = values;
  j["seed"] = r.seed;
  j["status"] = r.error.empty() ? "ok" : "error";
  if (!r.error.empty()) {
    j["error"] = r.error;
    return j;
  }
  nlohmann::json ws = nlohmann::json::array();
  for (const auto& w : r.workloads) {
    ws.push_back({{"name", w.name},
                  {"p50_ms", w.p50_ms},
                  {"p99_ms", w.p99_ms},
                  {"sla_attainment", w.sla_attainment ? nlohmann::json(*w.sla_attainment) : nlohmann::json(nullptr)},
                  {"throughput_rps", w.throughput_rps},
                  {"unfinished", w.unfinished},
                  {"saturated", w.saturated}});
  }
  nlohmann::json ds = nlohmann::json::array();
  for (const auto& d : r.devices) {
    ds.push_back({{"name", d.name}, {"occupied", d.occupied}, {"mean_power_w", d.mean_power_w}, {"energy_j", d.energy_j}});
  }
  j["workloads"] = ws;
  j["devices"] = ds;
  j["saturated"] = r.saturated();
  return j;
}

SweepRow sweep_row_from_json(const nlohmann::json& j, const std::vector<std::string>& axis_paths,
                             const std::string& where) {
  SweepRow r;
  r.point = field_of<std::size_t>(j, "point", where);
  r.seed = field_of<std::uint64_t>(j, "seed", where);
  const auto values = field_of<std::map<std::string, std::string>>(j, "values", where);
  for (const auto& p : axis_paths) {
    const auto it = values.find(p);
    if (it == values.end()) throw ConfigError(fmt::format("{}: error: a row has no value of '{}'", where, p));
    r.values.push_back(it->second);
  }
  if (field_of<std::string>(j, "status", where) != "ok") {
    r.error = field_of<std::string>(j, "error", where);
    return r;
  }
  for (const auto& w : field_of<nlohmann::json>(j, "workloads", where)) {
    SweepWorkload s;
    s.name = field_of<std::string>(w, "name", where);
    s.p50_ms = field_of<double>(w, "p50_ms", where);
    s.p99_ms = field_of<double>(w, "p99_ms", where);
    if (!field_of<nlohmann::json>(w, "sla_attainment", where).is_null()) {
      s.sla_attainment = field_of<double>(w, "sla_attainment", where);
    }
    s.throughput_rps = field_of<double>(w, "throughput_rps", where);
    s.unfinished = field_of<std::uint64_t>(w, "unfinished", where);
    s.saturated = field_of<bool>(w, "saturated", where);
    r.workloads.push_back(s);
  }
  for (const auto& d : field_of<nlohmann::json>(j, "devices", where)) {
    r.devices.push_back(SweepDevice{field_of<std::string>(d, "name", where), field_of<double>(d, "occupied", where),
                                    field_of<double>(d, "mean_power_w", where), field_of<double>(d, "energy_j", where)});
  }
  return r;
}

std::string sweep_json(const SweepLayout& l, const std::vector<SweepRow>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back(sweep_row_json(r, l.axis_paths));
  return json_text({{"sweep", layout_json(l)}, {"rows", a}});
}

std::vector<SweepRow> read_sweep_csv(const std::string& path, const SweepLayout& l) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: error: cannot read the earlier results", path));
  std::string line;
  std::vector<SweepRow> rows;
  if (!std::getline(in, line)) return rows;
  const auto header = sweep_csv_header(l);
  const auto found = split_csv_line(line, path + ":1");
  if (found != header) {
    std::size_t i = 0;
    while (i < found.size() && i < header.size() && found[i] == header[i]) ++i;
    throw other_sweep(path, i < header.size() ? fmt::format("column {} is '{}', this sweep writes '{}'", i + 1,
                                                            i < found.size() ? found[i] : "", header[i])
                                              : "it has more columns");
  }
  for (int n = 2; std::getline(in, line); ++n) {
    const std::string where = fmt::format("{}:{}", path, n);
    const auto f = split_csv_line(line, where);
    if (f.size() != header.size()) {
      throw ConfigError(fmt::format("{}: error: {} fields, the header has {}", where, f.size(), header.size()));
    }
    std::size_t c = 0;
    SweepRow r;
    r.point = read_count(f[c++], where, "point");
    for (std::size_t a = 0; a < l.axis_paths.size(); ++a) r.values.push_back(f[c++]);
    r.seed = read_count(f[c++], where, "seed");
    const std::string status = f[c++];
    for (const auto& name : l.workload_names) {
      auto cell = [&](std::size_t k) { return f[c + k]; };
      auto col = [&](std::size_t k) { return name + "." + kWorkloadColumns[k]; };
      if (!cell(1).empty()) {
        SweepWorkload w;
        w.name = name;
        w.p50_ms = read_number(cell(0), where, col(0));
        w.p99_ms = read_number(cell(1), where, col(1));
        if (!cell(2).empty()) w.sla_attainment = read_number(cell(2), where, col(2));
        w.throughput_rps = read_number(cell(3), where, col(3));
        w.unfinished = read_count(cell(4), where, col(4));
        w.saturated = cell(5) == "1";
        r.workloads.push_back(w);
      }
      c += kWorkloadColumns.size();
    }
    for (const auto& name : l.device_names) {
      if (!f[c + 2].empty()) {
        r.devices.push_back(SweepDevice{name, read_number(f[c], where, name + ".occupied"),
                                        read_number(f[c + 1], where, name + ".mean_power_w"),
                                        read_number(f[c + 2], where, name + ".energy_j")});
      }
      c += kDeviceColumns.size();
    }
    ++c;  // saturated: from the workloads
    if (status != "ok") {
      r.error = f[c];
      r.workloads.clear();
      r.devices.clear();
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<SweepRow> read_sweep_json(const std::string& path, const SweepLayout& l) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: error: cannot read the earlier results", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("{}: error: not a sweep's JSON ({})", path, e.what()));
  }
  if (!j.is_object() || !j.contains("sweep") || !j.contains("rows") || !j["rows"].is_array()) {
    throw ConfigError(fmt::format("{}: error: not a sweep's JSON (no \"sweep\" and \"rows\")", path));
  }
  const nlohmann::json want = layout_json(l);
  for (const auto& [key, value] : want.items()) {
    if (!j["sweep"].contains(key) || j["sweep"][key] != value) {
      throw other_sweep(path, fmt::format("its \"{}\" differs", key));
    }
  }
  std::vector<SweepRow> rows;
  for (const auto& r : j["rows"]) rows.push_back(sweep_row_from_json(r, l.axis_paths, path));
  return rows;
}

std::string sweep_row_label(const SweepLayout& l, const SweepRow& r) {
  std::string at;
  for (std::size_t a = 0; a < l.axis_paths.size() && a < r.values.size(); ++a) {
    at += fmt::format("{}={} ", l.axis_paths[a], r.values[a]);
  }
  return fmt::format("point {} ({}seed {})", r.point, at, r.seed);
}

void print_sweep(std::ostream& out, const SweepLayout& l, const std::vector<SweepRow>& rows) {
  out << fmt::format("gpusim sweep: {} + {}; {} point(s) x {} seed(s)\n", l.platform, l.workloads, l.points, l.seeds);
  print_overrides(out, l.fixed);
  out << "\n";
  std::vector<std::string> headers{"point"};
  std::vector<bool> numeric{true};
  for (const auto& p : l.axis_paths) {
    headers.push_back(short_path(p, l.axis_paths));
    numeric.push_back(false);
  }
  for (const auto& w : l.workload_names) {
    headers.insert(headers.end(), {w + " p99 ms", w + " SLA met %"});
    numeric.insert(numeric.end(), {true, true});
  }
  headers.insert(headers.end(), {"max occupied %", "energy kJ", "saturated"});
  numeric.insert(numeric.end(), {true, true, false});
  Table t(headers, numeric);
  std::size_t i = 0;
  while (i < rows.size()) {
    std::size_t j = i;
    while (j < rows.size() && rows[j].point == rows[i].point) ++j;
    std::vector<std::string> line{std::to_string(rows[i].point)};
    for (const auto& v : rows[i].values) line.push_back(v);
    std::size_t failed = 0, saturated = 0;
    std::vector<double> occupied, energy;
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> per_workload;
    for (std::size_t k = i; k < j; ++k) {
      const SweepRow& r = rows[k];
      if (!r.error.empty()) {
        ++failed;
        continue;
      }
      saturated += r.saturated() ? 1 : 0;
      double occ = 0, e = 0;
      for (const auto& d : r.devices) {
        occ = std::max(occ, d.occupied);
        e += d.energy_j;
      }
      occupied.push_back(occ);
      energy.push_back(e);
      for (const auto& w : r.workloads) {
        per_workload[w.name].first.push_back(w.p99_ms);
        if (w.sla_attainment) per_workload[w.name].second.push_back(*w.sla_attainment);
      }
    }
    for (const auto& w : l.workload_names) {
      const auto& [p99, sla] = per_workload[w];
      line.push_back(spread(p99, [](double x) { return fmt::format("{:.2f}", x); }));
      line.push_back(spread(sla, sweep_pct));
    }
    line.push_back(spread(occupied, sweep_pct));
    line.push_back(spread(energy, [](double x) { return fmt::format("{:.2f}", x / 1e3); }));
    std::string flag = saturated == 0 ? "-" : j - i - failed == saturated ? "yes" : fmt::format("{} of {}", saturated, j - i - failed);
    if (failed > 0) flag = failed == j - i ? "error" : fmt::format("{}; {} error", flag, failed);
    line.push_back(flag);
    t.add(line);
    i = j;
  }
  if (l.seeds > 1) out << "Per point: the mean over its seeds ± the half width of its 95 % interval (Student t)\n";
  t.print(out, "  ");
  bool errors = false;
  for (const auto& r : rows) {
    if (r.error.empty()) continue;
    if (!errors) out << "\nFailed rows\n";
    errors = true;
    out << fmt::format("  {}: {}\n", sweep_row_label(l, r), r.error);
  }
}

}  // namespace gpusim
