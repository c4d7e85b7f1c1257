#include "studies/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "analysis/invariants.hpp"
#include "analysis/writers/sweep.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "core/progress.hpp"
#include "core/yaml_reader.hpp"
#include "platforms/input_schema.hpp"
#include "sim/runner.hpp"
#include "workloads/workloads_schema.hpp"

namespace gpusim {
namespace {

constexpr std::size_t kMaxAxisValues = 10000;
constexpr std::size_t kMaxRows = 100000;

ConfigError axis_error(const std::string& set, const std::string& message) {
  return ConfigError(fmt::format("--set {}: error: {}", set, message));
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// A range bound: a number and the unit written after it ("10ms" -> 10, "ms").
struct Bound {
  double number = 0;
  std::string unit;
  bool integer = false;  // written without '.', 'e' or 'E'
};

Bound read_bound(const std::string& set, const std::string& text, const char* which) {
  const std::string t = trimmed(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end == t.c_str() || errno != 0 || !std::isfinite(v)) {
    throw axis_error(set, fmt::format("range START:STOP:STEP needs a number for {} (got '{}')", which, text));
  }
  const std::string number = t.substr(0, static_cast<std::size_t>(end - t.c_str()));
  return Bound{v, t.substr(number.size()), number.find_first_of(".eE") == std::string::npos};
}

std::vector<std::string> range_values(const std::string& set, const std::string& value) {
  const auto c1 = value.find(':');
  const auto c2 = value.find(':', c1 + 1);
  const Bound start = read_bound(set, value.substr(0, c1), "START");
  const Bound stop = read_bound(set, value.substr(c1 + 1, c2 - c1 - 1), "STOP");
  const Bound step = read_bound(set, value.substr(c2 + 1), "STEP");
  if (start.unit != stop.unit || start.unit != step.unit) {
    throw axis_error(set, fmt::format("START, STOP and STEP must have the same unit (got '{}', '{}', '{}')",
                                      start.unit, stop.unit, step.unit));
  }
  if (!(step.number > 0)) throw axis_error(set, "the range's STEP must be greater than zero");
  if (stop.number < start.number) throw axis_error(set, "the range's STOP is below its START");
  const double steps = std::floor((stop.number - start.number) / step.number * (1 + 1e-12) + 1e-9);
  if (steps + 1 > static_cast<double>(kMaxAxisValues)) {
    throw axis_error(set, fmt::format("the range has more than {} values", kMaxAxisValues));
  }
  const bool integers = start.integer && step.integer;
  std::vector<std::string> out;
  for (long long i = 0; i <= static_cast<long long>(steps); ++i) {
    const double v = start.number + static_cast<double>(i) * step.number;  // not accumulated: no drift
    out.push_back((integers ? fmt::format("{}", static_cast<long long>(std::llround(v))) : fmt::format("{:.12g}", v)) +
                  start.unit);
  }
  return out;
}

// The fields of `s` whose path is `prefix` or lies below it.
bool has_below(const Schema& s, const std::string& prefix) {
  for (const auto& f : s.fields) {
    if (f.path == prefix || f.path.rfind(prefix + ".", 0) == 0 || f.path.rfind(prefix + "[", 0) == 0) return true;
  }
  return false;
}

const FieldSpec* field(const Schema& s, const std::string& path) {
  for (const auto& f : s.fields) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// The keys directly under `prefix` ("run" -> drain, duration, ...), for a message.
std::string keys_under(const Schema& s, const std::string& prefix) {
  std::set<std::string> keys;
  const std::string lead = prefix.empty() ? "" : prefix + ".";
  for (const auto& f : s.fields) {
    if (f.path.rfind(lead, 0) != 0) continue;
    const std::string rest = f.path.substr(lead.size());
    keys.insert(rest.substr(0, rest.find_first_of(".[")));
  }
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// Whether parts[i..] continue the schema path `at`: a key as written, a key where the schema has a
// placeholder ("contention.<mechanism>"), an item of a list by its name ("workloads[]"), or anything below a
// mapping whose keys the schema does not list (scheduler_params, a device's overrides).
bool schema_has(const Schema& s, const std::vector<std::string>& parts, std::size_t i, const std::string& at,
                std::string& deepest) {
  if (at.size() > deepest.size()) deepest = at;
  if (i == parts.size()) return true;
  std::vector<std::string> candidates;
  const std::string literal = at.empty() ? parts[i] : at + "." + parts[i];
  if (has_below(s, literal)) candidates.push_back(literal);
  const std::string lead = at.empty() ? "<" : at + ".<";
  for (const auto& f : s.fields) {
    if (f.path.rfind(lead, 0) != 0) continue;
    const std::string placeholder = f.path.substr(0, f.path.find('>', lead.size()) + 1);
    if (std::find(candidates.begin(), candidates.end(), placeholder) == candidates.end()) {
      candidates.push_back(placeholder);
    }
  }
  for (const auto& c : candidates) {
    const FieldSpec* f = field(s, c);
    const bool list = f && f->kind == FieldKind::LIST && i + 1 < parts.size();
    if (schema_has(s, parts, list ? i + 2 : i + 1, list ? c + "[]" : c, deepest)) return true;
  }
  const FieldSpec* parent = field(s, at);
  bool listed = false;
  for (const auto& f : s.fields) listed = listed || f.path.rfind(at + ".", 0) == 0;
  return parent && parent->kind == FieldKind::MAPPING && !listed;
}

std::vector<std::string> split_list(const std::string& set, const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = value.find(',', start);
    const std::string item = trimmed(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (item.empty()) throw axis_error(set, "empty value in the list (VALUE,VALUE,...)");
    out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() > kMaxAxisValues) throw axis_error(set, fmt::format("the list has more than {} values", kMaxAxisValues));
  return out;
}

}  // namespace

std::optional<SweepAxis> parse_sweep_axis(const std::string& set) {
  const Override o = parse_override(set);
  const bool list = o.value.find(',') != std::string::npos;
  const auto colons = std::count(o.value.begin(), o.value.end(), ':');
  if (!list && colons != 2) return std::nullopt;
  SweepAxis axis;
  axis.path = o.path;
  axis.option = o.label();
  axis.values = list ? split_list(set, o.value) : range_values(set, o.value);
  std::set<std::string> seen;
  for (const auto& v : axis.values) {
    if (!seen.insert(v).second) throw axis_error(set, fmt::format("the value '{}' is listed twice", v));
  }
  return axis;
}

void check_override_path(const Override& o) {
  const Schema& s = override_file(o) == OverrideFile::PLATFORM ? platform_schema() : workloads_schema();
  std::string deepest;  // the longest schema path matched, for the message
  if (!schema_has(s, o.parts, 0, "", deepest)) {
    throw ConfigError(fmt::format("{}: error: unknown field '{}' (known{}: {})", o.label(), o.path,
                                  deepest.empty() ? "" : " under '" + deepest + "'", keys_under(s, deepest)));
  }
}

SweepRow SweepGrid::row(std::size_t i) const {
  SweepRow r;
  r.point = i / static_cast<std::size_t>(seeds);
  r.values = values[r.point];
  r.seed = first_seed[r.point] + i % static_cast<std::size_t>(seeds);
  return r;
}

SweepLayout SweepGrid::layout() const {
  SweepLayout l;
  l.platform = platform;
  l.workloads = workloads;
  l.fixed = fixed;
  for (const auto& a : axes) {
    l.axis_paths.push_back(a.path);
    l.axis_values.push_back(a.values);
  }
  l.seeds = seeds;
  l.points = points();
  l.workload_names = workload_names;
  l.device_names = device_names;
  return l;
}

std::vector<SweepRow> resumable_rows(const SweepGrid& grid, std::vector<SweepRow> rows, const std::string& file) {
  std::set<std::size_t> seen;
  for (const auto& r : rows) {
    const auto error = [&](const std::string& why) {
      return ConfigError(fmt::format("{}: error: written by another sweep (its row of point {}, seed {} {}); "
                                     "write to a new file or run without --resume",
                                     file, r.point, r.seed, why));
    };
    if (r.point >= grid.points()) throw error("is beyond this sweep's points");
    if (r.values != grid.values[r.point]) throw error("has other values");
    const std::uint64_t first = grid.first_seed[r.point];
    if (r.seed < first || r.seed - first >= static_cast<std::uint64_t>(grid.seeds)) throw error("has another seed");
    if (!seen.insert(r.point * static_cast<std::size_t>(grid.seeds) + (r.seed - first)).second) {
      throw error("is there twice");
    }
  }
  return rows;
}

SweepGrid make_sweep_grid(const SweepSpec& spec) {
  SweepGrid g;
  g.platform = spec.scenario.platform;
  g.workloads = spec.scenario.workloads;
  g.seeds = spec.seeds;
  if (spec.seeds < 1) throw ConfigError(fmt::format("error: --seeds {}: must be at least 1", spec.seeds));
  // Which --set is an axis; every path named once.
  std::vector<std::optional<std::size_t>> axis_of;  // per --set: its axis
  std::set<std::string> paths;
  for (const auto& set : spec.scenario.set) {
    auto axis = parse_sweep_axis(set);
    const Override o = parse_override(set);
    override_file(o);
    check_override_path(o);
    if (!paths.insert(o.path).second) {
      throw ConfigError(fmt::format("{}: error: '{}' is set twice", axis ? axis->option : o.label(), o.path));
    }
    if (axis) {
      axis_of.push_back(g.axes.size());
      g.axes.push_back(std::move(*axis));
    } else {
      axis_of.push_back(std::nullopt);
      g.fixed.push_back(o.path + "=" + o.value);
    }
  }
  std::size_t points = 1;
  for (const auto& a : g.axes) {
    points *= a.values.size();
    if (points * static_cast<std::size_t>(spec.seeds) > kMaxRows) {
      throw ConfigError(fmt::format("error: the sweep has more than {} rows (points x seeds)", kMaxRows));
    }
  }
  // The files and fixed overrides must load; an axis's path must exist in them (a list item by its name).
  ScenarioArgs base = spec.scenario;
  base.set = g.fixed;
  const Scenario base_sc = load_scenario(base);
  if (g.axes.empty()) {
    throw ConfigError("error: gpusim sweep needs an axis: a --set whose value is a list (a=1,2,4) or a range "
                      "(b=8:64:8)");
  }
  for (const auto& a : g.axes) {
    const Override o = parse_override(a.path + "=" + a.values.front());
    YAML::Node tree = load_yaml_file(override_file(o) == OverrideFile::PLATFORM ? base.platform : base.workloads);
    OverrideMarks marks;
    try {
      apply_override(tree, o, marks);
    } catch (const ConfigError& e) {
      std::string msg = e.what();
      if (msg.rfind(o.label(), 0) == 0) msg = a.option + msg.substr(o.label().size());
      throw ConfigError(msg);
    }
  }
  // Every point, row-major (the first axis varies slowest), loaded with its own --set list.
  for (std::size_t p = 0; p < points; ++p) {
    std::vector<std::size_t> index(g.axes.size());
    std::size_t rest = p;
    for (std::size_t a = g.axes.size(); a-- > 0;) {
      index[a] = rest % g.axes[a].values.size();
      rest /= g.axes[a].values.size();
    }
    std::vector<std::string> vals;
    for (std::size_t a = 0; a < g.axes.size(); ++a) vals.push_back(g.axes[a].values[index[a]]);
    ScenarioArgs args = spec.scenario;
    args.set.clear();
    for (std::size_t k = 0; k < spec.scenario.set.size(); ++k) {
      if (!axis_of[k]) {
        args.set.push_back(spec.scenario.set[k]);
      } else {
        args.set.push_back(g.axes[*axis_of[k]].path + "=" + vals[*axis_of[k]]);
      }
    }
    g.values.push_back(vals);
    try {
      g.scenarios.push_back(load_scenario(args));
      g.load_errors.emplace_back();
      g.first_seed.push_back(g.scenarios.back()->workloads.run.seed);
    } catch (const ConfigError& e) {
      g.scenarios.emplace_back();
      g.load_errors.push_back(e.what());
      g.first_seed.push_back(base_sc.workloads.run.seed);
    }
  }
  // The result columns: workloads and devices of every point, in the order first met.
  for (const auto& sc : g.scenarios) {
    if (!sc) continue;
    for (const auto& w : sc->workloads.streams) {
      if (std::find(g.workload_names.begin(), g.workload_names.end(), w.name) == g.workload_names.end()) {
        g.workload_names.push_back(w.name);
      }
    }
    for (const auto& d : sc->platform.devices) {
      if (std::find(g.device_names.begin(), g.device_names.end(), d.name) == g.device_names.end()) {
        g.device_names.push_back(d.name);
      }
    }
  }
  return g;
}

namespace {

// Simulates `rows` of the grid (indices) in parallel child processes; a row that fails holds its message.
std::vector<SweepRow> simulate_rows(const SweepGrid& grid, const std::vector<std::size_t>& rows, unsigned parallel) {
  const std::size_t n = rows.size();
  std::vector<SweepRow> out(n);
  std::vector<std::optional<Scenario>> scenarios(n);
  std::vector<std::unique_ptr<Scheduler>> policies(n);
  std::vector<std::optional<Plan>> plans(n);
  std::vector<std::size_t> index;
  std::vector<SimJob> jobs;
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = grid.row(rows[k]);
    const auto& sc = grid.scenarios[out[k].point];
    if (!sc) {
      out[k].error = grid.load_errors[out[k].point];
      continue;
    }
    try {
      scenarios[k] = *sc;
      scenarios[k]->workloads.run.seed = out[k].seed;
      const RunSpec& run = scenarios[k]->workloads.run;
      policies[k] = make_scheduler(run.scheduler, run.scheduler_params);
      plans[k] = make_plan(*scenarios[k], *policies[k], run.scheduler);
    } catch (const std::exception& e) {
      out[k].error = e.what();
      continue;
    }
    index.push_back(k);
    jobs.push_back(SimJob{&*scenarios[k], &*plans[k], policies[k].get()});
  }
  const std::vector<SimAttempt> attempts = simulate_each(jobs, parallel);
  for (std::size_t j = 0; j < index.size(); ++j) {
    const std::size_t k = index[j];
    if (!attempts[j].result) {
      out[k].error = attempts[j].error;
      continue;
    }
    const RunMetrics m = compute_metrics(*scenarios[k], *plans[k], *attempts[j].result);
    enforce_invariants(*scenarios[k], *plans[k], *attempts[j].result, m);  // gpusim's own bug: an internal error
    fill_sweep_row(out[k], *scenarios[k], *plans[k], m);
  }
  return out;
}

std::string joined_rows(const std::vector<SweepRow>& rows, const std::vector<std::string>& axis_paths) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back(sweep_row_json(r, axis_paths));
  return a.dump();
}

}  // namespace

std::vector<SweepRow> run_sweep(const SweepGrid& grid, const SweepRunOptions& options) {
  const SweepComm& comm = options.comm;
  const std::size_t total = grid.rows();
  // The rows still to run, decided at rank 0 (which read the earlier results) and sent to every rank.
  std::vector<std::optional<SweepRow>> done(total);
  std::string pending_text;
  if (comm.rank == 0) {
    for (const auto& r : options.done) {
      const std::size_t i = r.point * static_cast<std::size_t>(grid.seeds) + (r.seed - grid.first_seed[r.point]);
      if (r.error.empty()) done[i] = r;  // a failed row runs again
    }
    for (std::size_t i = 0; i < total; ++i) {
      if (!done[i]) pending_text += std::to_string(i) + " ";
    }
  }
  pending_text = comm.broadcast(pending_text);
  std::vector<std::size_t> pending;
  for (std::size_t at = 0, next; (next = pending_text.find(' ', at)) != std::string::npos; at = next + 1) {
    pending.push_back(std::stoull(pending_text.substr(at, next - at)));
  }
  const std::size_t size = static_cast<std::size_t>(comm.size);
  const std::size_t rank = static_cast<std::size_t>(comm.rank);
  std::vector<std::size_t> mine;
  for (std::size_t k = rank; k < pending.size(); k += size) mine.push_back(pending[k]);
  const unsigned parallel = std::max(1U, options.parallel ? options.parallel : std::thread::hardware_concurrency());
  const std::size_t chunk = 2 * static_cast<std::size_t>(parallel);
  const std::size_t per_rank = (pending.size() + size - 1) / size;  // the most rows one rank has
  const std::size_t rounds = (per_rank + chunk - 1) / chunk;
  if (comm.rank == 0) {
    logger("sim")->info("sweep: {} point(s) x {} seed(s) = {} row(s); {} already done, {} to run{}", grid.points(),
                        grid.seeds, total, total - pending.size(), pending.size(),
                        comm.size > 1 ? fmt::format(" on {} processes", comm.size) : "");
  }
  std::optional<Progress> progress;
  if (comm.rank == 0) progress.emplace("sweep", "sim");
  const SweepLayout layout = grid.layout();
  const std::vector<std::string>& paths = layout.axis_paths;
  std::size_t finished = 0;
  for (std::size_t round = 0; round < rounds; ++round) {
    const std::size_t from = std::min(mine.size(), round * chunk);
    const std::size_t to = std::min(mine.size(), from + chunk);
    const std::vector<std::size_t> now(mine.begin() + static_cast<std::ptrdiff_t>(from),
                                       mine.begin() + static_cast<std::ptrdiff_t>(to));
    const std::vector<std::string> parts = comm.gather(joined_rows(simulate_rows(grid, now, options.parallel), paths));
    if (comm.rank != 0) continue;
    std::map<std::size_t, SweepRow> arrived;  // this round's rows of every rank, in row order
    for (const auto& part : parts) {
      for (const auto& j : nlohmann::json::parse(part)) {
        SweepRow r = sweep_row_from_json(j, paths, "sweep rank");
        arrived[r.point * static_cast<std::size_t>(grid.seeds) + (r.seed - grid.first_seed[r.point])] = std::move(r);
      }
    }
    for (auto& [i, r] : arrived) {
      if (!r.error.empty()) logger("sim")->warn("sweep: {}: {}", sweep_row_label(layout, r), r.error);
      done[i] = std::move(r);
      ++finished;
    }
    progress->update(static_cast<double>(finished) / static_cast<double>(pending.size()),
                     fmt::format("{} of {} rows", finished, pending.size()), true);
    if (options.checkpoint) {
      std::vector<SweepRow> so_far;
      for (const auto& r : done) {
        if (r) so_far.push_back(*r);
      }
      options.checkpoint(so_far);
    }
  }
  if (comm.rank != 0) return {};
  progress->finish(fmt::format("{} rows", pending.size()));
  std::vector<SweepRow> all;
  for (auto& r : done) {
    GPUSIM_CHECK(r.has_value(), "a sweep row was not run");
    all.push_back(std::move(*r));
  }
  return all;
}

}  // namespace gpusim
