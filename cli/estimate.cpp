#include "cli/estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <tuple>

#include "analysis/metrics.hpp"
#include "analysis/table.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "sim/runner.hpp"
#include "workloads/model_source.hpp"

namespace gpusim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr Seconds kWarmup{1.0};     // the device starts idle: the first second is not measured
constexpr Seconds kMeasured{10.0};  // the simulated window whose requests count
// A GPU held this share of the window or more is taken as saturated: its queue hardly ever drains, the
// backlog grows with time, and a longer run would miss the SLA even when the short one does not.
constexpr double kSaturated = 0.999;

double quantity_arg(const std::string& option, const std::string& text, Dimension d) {
  double v = 0;
  try {
    v = parse_quantity(text, d);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("error: {}: {}", option, e.what()));
  }
  if (!(v > 0)) throw ConfigError(fmt::format("error: {} '{}': must be positive", option, text));
  return v;
}

/// Everything the command derives before simulating.
struct Setup {
  std::string label;  ///< the model reference as given
  const DeviceSpec* device = nullptr;
  Precision precision = Precision::FP32;
  StreamSpec stream;  ///< one stream of the model (count set per simulation)
  DeviceInstance instance;
  Unit unit;
  double macs = 0;  ///< per request
  Seconds alone;    ///< latency of one request alone: kernels + launch overheads
  Seconds compute_term;
  Seconds memory_term;
  int switches = 1;  ///< context switches per request when streams share the device
  ContentionSpec contention;
  CapacityInputs capacity;
  double headroom = 0.8;
};

Setup make_setup(const EstimateOptions& o, const Catalog& catalog) {
  Setup s;
  s.label = o.model.model;
  s.precision = precision_arg(o.model.precision);
  s.device = &device_arg(catalog, o.device, s.precision);
  const double rate = quantity_arg("--rate", o.rate, Dimension::PER_SECOND);
  const double sla = quantity_arg("--sla", o.sla, Dimension::SECONDS);
  if (!(o.headroom > 0 && o.headroom <= 1)) {
    throw ConfigError(fmt::format("error: --headroom {}: must be in (0, 1]", o.headroom));
  }
  s.headroom = o.headroom;
  if (o.model.batch < 1)
    throw ConfigError(fmt::format("error: --batch {}: must be at least 1", o.model.batch));
  // Imported at batch 1: a kernel's weights are read once per request, its activations once per sample.
  const ModelCost m = load_model_arg(o.model, 1);
  s.macs = m.total_macs() * static_cast<double>(o.model.batch);

  StageSpec stage = stage_from_cost(m, s.label);
  stage.name = s.label;
  StreamSpec& st = s.stream;
  st.name = s.label;
  st.batch = static_cast<int>(o.model.batch);
  st.precision = s.precision;
  st.stages.push_back(std::move(stage));
  st.arrival.kind = ArrivalKind::PERIODIC;
  st.arrival.rate = PerSecond{rate};
  st.sla = Seconds{sla};

  s.instance.name = "gpu0";
  s.instance.node = "node0";
  s.instance.spec = *s.device;
  s.instance.sharing = SharingMode::TIME_SLICE;
  s.instance.pcie_bandwidth = s.device->pcie_bandwidth;
  s.unit = units_of(s.instance, 0, {}).front();

  s.alone = isolated_request_time(st, s.instance, s.unit).value();
  std::tie(s.compute_term, s.memory_term) = request_roofline_terms(st, s.instance, s.unit);
  // Time-slice sharing: consecutive requests come from different streams (contexts), so each request
  // pays one context switch, and one more per time slice it outlasts while others wait.
  s.switches = std::max(1, static_cast<int>(std::ceil(s.alone.v / s.contention.slice.v)));

  const StageSpec& only = st.stages.front();
  CapacityInputs& c = s.capacity;
  c.service = s.alone + s.contention.switch_cost * static_cast<double>(s.switches);
  c.copies = Seconds{(only.input_bytes.v + only.output_bytes.v) * st.batch / s.device->pcie_bandwidth.v};
  c.rate = PerSecond{rate};
  c.sla = Seconds{sla};
  c.weights = only.weight_bytes;
  c.activations = st.memory_bytes() - only.weight_bytes;
  c.usable_memory = s.device->memory * o.headroom;
  return s;
}

/// One simulated stream count.
struct SimOutcome {
  long streams = 0;
  double attainment = 0;
  double p99_s = 0;
  double occupied = 0;  ///< share of the window some stream held the GPU
  double min_clock_hz = 0;
  std::uint64_t generated = 0;
  bool saturated = false;  ///< the GPU was held throughout the window (unstable queue)
  bool meets = false;      ///< attainment reached and not saturated
};

Scenario make_scenario(const Setup& s, long n, std::uint64_t seed) {
  Scenario sc;
  sc.platform.file = "(gpusim estimate)";
  sc.platform.nodes = {"node0"};
  sc.platform.devices = {s.instance};
  sc.platform.memory_headroom = s.headroom;
  sc.platform.contention = s.contention;
  sc.workloads.file = "(gpusim estimate)";
  RunSpec& run = sc.workloads.run;
  run.warmup = kWarmup;
  run.duration = kWarmup + kMeasured;
  run.drain = s.capacity.sla;  // a request still running one SLA after the last arrival has missed it
  run.seed = seed;
  run.scheduler = "round-robin";
  StreamSpec st = s.stream;
  st.count = static_cast<int>(n);
  sc.workloads.streams.push_back(std::move(st));
  return sc;
}

/// Simulates each stream count in its own child process, in parallel.
std::vector<SimOutcome> simulate_counts(const Setup& s, const std::vector<long>& counts, std::uint64_t seed,
                                        double miss) {
  std::vector<Scenario> scenarios;
  std::vector<Plan> plans;
  for (long n : counts) {
    scenarios.push_back(make_scenario(s, n, seed));
    const auto policy = make_scheduler("round-robin", Params{});
    plans.push_back(make_plan(scenarios.back(), *policy, "round-robin"));
  }
  std::vector<SimJob> jobs;
  for (std::size_t i = 0; i < counts.size(); ++i) jobs.push_back(SimJob{&scenarios[i], &plans[i], nullptr});
  const std::vector<SimResult> results = simulate_all(jobs);
  std::vector<SimOutcome> out;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const RunMetrics m = compute_metrics(scenarios[i], plans[i], results[i]);
    SimOutcome o;
    o.streams = counts[i];
    const WorkloadMetrics& w = m.workloads.front();
    o.generated = w.generated;
    o.attainment = w.sla_attainment.value_or(0.0);
    o.p99_s = w.completed ? w.latency.p99 : kInfinity;
    o.occupied = m.devices.front().occupied;
    o.min_clock_hz = m.power.empty() ? 0.0 : m.power.front().min_clock_hz;
    o.saturated = o.occupied >= kSaturated;
    o.meets = o.generated > 0 && o.attainment >= 1.0 - miss - 1e-12 && !o.saturated;
    out.push_back(o);
  }
  return out;
}

/// The simulated search, two stream counts at a time (one child process each): the analytic count N and
/// N + 1; then, in steps that double, up while every count meets the SLA (never past what fits in memory)
/// or down while every count misses it; then the gap is narrowed by thirds. Returns every outcome by
/// stream count; `answer` receives the largest count that meets the SLA below the smallest that misses it.
std::map<long, SimOutcome> search(const Setup& s, const CapacityBound& b, std::uint64_t seed, long& answer) {
  std::map<long, SimOutcome> tried;
  const double miss = s.capacity.miss;
  const long fits = std::min(b.memory, std::numeric_limits<int>::max() - 1L);  // StreamSpec::count is an int
  auto run = [&](const std::vector<long>& counts) {
    std::vector<long> todo;
    for (long n : counts) {
      if (n >= 1 && n <= fits && !tried.count(n) && std::find(todo.begin(), todo.end(), n) == todo.end()) {
        todo.push_back(n);
      }
    }
    if (todo.empty()) return false;
    std::string list;
    for (long n : todo) list += fmt::format("{}{}", list.empty() ? "" : ", ", n);
    logger("sim")->info("estimate: simulating {} stream(s)", list);
    for (const SimOutcome& o : simulate_counts(s, todo, seed, miss)) tried[o.streams] = o;
    return true;
  };
  // `lo` meets the SLA (0 trivially); `hi` misses it, or is fits + 1 (does not fit in memory).
  long lo = 0;
  long hi = 0;
  auto bounds = [&] {
    hi = fits + 1;
    for (const auto& [n, o] : tried) {
      if (!o.meets) hi = std::min(hi, n);
    }
    lo = 0;
    for (const auto& [n, o] : tried) {
      if (o.meets && n < hi) lo = std::max(lo, n);
    }
  };
  run({std::max(1L, b.streams), b.streams + 1});
  bounds();
  for (long step = 1; hi == fits + 1 && lo < fits; step *= 4) {
    run({std::min(fits, lo + step), std::min(fits, lo + 2 * step)});
    bounds();
  }
  for (long step = 1; lo == 0 && hi > 1; step *= 4) {
    run({std::max(1L, hi - step), std::max(1L, hi - 2 * step)});
    bounds();
  }
  while (hi - lo > 1) {
    const long gap = hi - lo;
    if (!run({lo + std::max(1L, gap / 3), lo + std::min(gap - 1, std::max(2L, 2 * gap / 3))})) break;
    bounds();
  }
  answer = lo;
  return tried;
}

std::string rate_text(double per_second) { return fmt::format("{:g}/s", per_second); }

std::string pct(double share) { return fmt::format("{:.2f} %", 100.0 * share); }

std::string bytes_short(double b) {
  const std::string s = describe_bytes(b);
  return s.substr(0, s.find(" ("));
}

std::string limit_text(long n) {
  return n == std::numeric_limits<long>::max() ? std::string("no limit") : fmt::format("N <= {}", n);
}

}  // namespace

Seconds md1_wait_bound(double rho, Seconds service, double miss) {
  if (rho <= miss) return Seconds{0.0};
  if (rho >= 1.0) return Seconds{kInfinity};
  // f(g) = rho (e^g - 1) - g is convex, negative just above 0 (f'(0) = rho - 1 < 0) and positive far out.
  const auto f = [rho](double g) { return rho * std::expm1(g) - g; };
  double lo = 0.0;
  double hi = 1.0;
  while (f(hi) <= 0.0) hi *= 2.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) < 0.0 ? lo : hi) = mid;
  }
  return service * (std::log(1.0 / miss) / hi);
}

Seconds latency_bound(const CapacityInputs& in, long n) {
  if (n < 1) return Seconds{0.0};
  const double rho = static_cast<double>(n) * in.rate.v * in.service.v;
  if (rho > 1.0 + 1e-12) return Seconds{kInfinity};
  const Seconds worst = in.service * static_cast<double>(n - 1);
  const Seconds md1 = md1_wait_bound(rho, in.service, in.miss);
  return in.copies + in.service + std::min(worst, md1);
}

CapacityBound analytic_streams(const CapacityInputs& in) {
  constexpr long kUnbounded = std::numeric_limits<long>::max();
  CapacityBound b;
  const double per_stream = in.rate.v * in.service.v;
  const double u = per_stream > 0 ? std::floor(1.0 / per_stream + 1e-9) : kInfinity;
  b.utilisation = u >= 1e15 ? kUnbounded : static_cast<long>(u);
  // The latency bound grows with N: bisect for the largest N that meets the SLA.
  long lo = 0;
  long hi = std::min(b.utilisation, 1L << 40) + 1;  // lo meets (or is 0), hi misses
  while (hi - lo > 1) {
    const long mid = lo + (hi - lo) / 2;
    (latency_bound(in, mid) <= in.sla ? lo : hi) = mid;
  }
  b.latency = lo;
  const Bytes room = in.usable_memory - in.weights;
  if (room.v < in.activations.v) {
    b.memory = 0;
  } else {
    b.memory = in.activations.v > 0 ? static_cast<long>(std::floor(room / in.activations)) : kUnbounded;
  }
  b.streams = std::min(b.latency, b.memory);
  b.limit = b.memory < b.latency ? "memory" : b.latency < b.utilisation ? "latency" : "utilisation";
  return b;
}

int command_estimate(const EstimateOptions& o) {
  const Catalog catalog = catalog_arg(o.model.catalog);
  const Setup s = make_setup(o, catalog);
  const CapacityInputs& c = s.capacity;
  const CapacityBound b = analytic_streams(c);
  const DeviceSpec& d = *s.device;
  const StreamSpec& st = s.stream;
  const StageSpec& stage = st.stages.front();

  const double flops = st.request_flops().v;
  const double flop_rate = flops * c.rate.v;
  const double peak = d.peak(s.precision)->v;
  const double datasheet = flop_rate / d.compute_efficiency;
  const double share = c.rate.v * s.alone.v;

  std::map<long, SimOutcome> sims;
  long answer = b.streams;
  const bool simulate_on = o.simulate == "on";
  if (simulate_on) sims = search(s, b, o.seed, answer);
  const double needed = c.weights.v + static_cast<double>(std::max(answer, 1L)) * c.activations.v;

  if (o.json) {
    nlohmann::ordered_json j;
    j["model"] = s.label;
    j["device"] = d.name;
    j["precision"] = std::string(to_string(s.precision));
    j["batch"] = st.batch;
    j["rate_per_s"] = c.rate.v;
    j["sla_s"] = c.sla.v;
    j["headroom"] = s.headroom;
    j["compute"] = {{"macs_per_request", s.macs},        {"flops_per_request", flops},
                    {"flop_per_s", flop_rate},           {"compute_efficiency", d.compute_efficiency},
                    {"datasheet_flop_per_s", datasheet}, {"peak_flop_per_s", peak},
                    {"device_time_share", share}};
    j["memory"] = {{"weight_bytes", c.weights.v},
                   {"activation_bytes_per_stream", c.activations.v},
                   {"one_stream_bytes", c.weights.v + c.activations.v},
                   {"one_stream_with_headroom_bytes", (c.weights.v + c.activations.v) / s.headroom},
                   {"capacity_bytes", d.memory.v},
                   {"usable_bytes", c.usable_memory.v},
                   {"answer_bytes", needed},
                   {"answer_with_headroom_bytes", needed / s.headroom}};
    j["latency_alone_s"] = s.alone.v;
    j["kernels"] = stage.kernels.size();
    j["copies_s"] = c.copies.v;
    j["service_s"] = c.service.v;
    const auto lim = [](long n) {
      return n == std::numeric_limits<long>::max() ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(n);
    };
    j["analytic"] = {{"utilisation_limit", lim(b.utilisation)},
                     {"latency_limit", lim(b.latency)},
                     {"memory_limit", lim(b.memory)},
                     {"streams", b.streams},
                     {"limit", b.limit},
                     {"latency_bound_s", latency_bound(c, b.streams).v}};
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& [n, r] : sims) {
      runs.push_back({{"streams", n},
                      {"sla_attainment", r.attainment},
                      {"p99_latency_s", std::isfinite(r.p99_s) ? nlohmann::ordered_json(r.p99_s)
                                                               : nlohmann::ordered_json(nullptr)},
                      {"gpu_occupied", r.occupied},
                      {"min_clock_hz", r.min_clock_hz},
                      {"saturated", r.saturated},
                      {"meets", r.meets}});
    }
    j["simulation"] = std::move(runs);
    j["streams"] = answer;
    std::cout << j.dump(2) << '\n';
    return 0;
  }

  auto& out = std::cout;
  out << fmt::format("{} on one {} at {}, batch {}; each stream sends {} requests, SLA {} for {} of them\n\n",
                     s.label, d.name, to_string(s.precision), st.batch, rate_text(c.rate.v),
                     describe_seconds(c.sla.v), pct(1.0 - c.miss));
  Table t({"", "value", "how"}, {false, true, false});
  t.add({"compute", "", ""});
  t.add({"  per request", format_si(flops, "FLOPs", 4),
         fmt::format("{} MACs x 2 + the other ops, batch {}", format_si(s.macs, "", 4), st.batch)});
  t.add({"  needed at the rate", format_si(flop_rate, "FLOP/s", 4),
         fmt::format("{} x {}", format_si(flops, "FLOPs", 4), rate_text(c.rate.v))});
  t.add(
      {"  datasheet \"T\" it takes", format_si(datasheet, "FLOP/s", 4),
       fmt::format("needed / compute efficiency {:g} (kernels sustain at most peak x efficiency): {} of the "
                   "{}'s {} {} peak",
                   d.compute_efficiency, pct(datasheet / peak), d.name, format_si(peak, "FLOP/s", 4),
                   to_string(s.precision))});
  t.add({"  device time per stream", pct(share),
         "rate x latency alone: memory traffic and launches count too, not only FLOPs"});
  t.add({"memory", "", ""});
  t.add({"  weights", bytes_short(c.weights.v), "resident once per device: streams of one model share them"});
  t.add({"  activations per stream", bytes_short(c.activations.v),
         fmt::format("(peak live activations + I/O buffers) x batch {}", st.batch)});
  t.add({"  one stream", bytes_short(c.weights.v + c.activations.v),
         fmt::format("weights + activations; {} with headroom {:g}",
                     bytes_short((c.weights.v + c.activations.v) / s.headroom), s.headroom)});
  t.add({"  usable on the device", bytes_short(c.usable_memory.v),
         fmt::format("{} x headroom {:g}", bytes_short(d.memory.v), s.headroom)});
  t.add({"latency alone", describe_seconds(s.alone.v),
         fmt::format(
             "sum over {} kernels of max(compute, memory) + {} launch overhead each (compute {}, memory "
             "{} summed)",
             stage.kernels.size(), describe_seconds(d.launch_overhead.v), describe_seconds(s.compute_term.v),
             describe_seconds(s.memory_term.v))});
  t.add({"  + PCIe copies", describe_seconds(c.copies.v),
         fmt::format("inputs and outputs x batch at {}", format_si(d.pcie_bandwidth.v, "B/s", 4))});
  t.add({"streams, analytic", "", "time-slice: one request on the GPU at a time, streams in arrival order"});
  t.add({"  service S when shared", describe_seconds(c.service.v),
         fmt::format("alone + {} context switch(es) x {}", s.switches,
                     describe_seconds(s.contention.switch_cost.v))});
  t.add({"  utilisation", limit_text(b.utilisation), fmt::format("N x {} x S <= 1", rate_text(c.rate.v))});
  t.add(
      {"  latency", limit_text(b.latency),
       fmt::format(
           "copies + S + wait <= SLA for {}: wait = min((N-1) x S, M/D/1 Lundberg bound over random phases); "
           "at N = {}: {}",
           pct(1.0 - c.miss), b.streams, describe_seconds(latency_bound(c, std::max(1L, b.streams)).v))});
  t.add({"  memory", limit_text(b.memory), "weights + N x activations <= usable"});
  t.add({"  streams that fit", fmt::format("{}", b.streams), fmt::format("bound by {}", b.limit)});
  t.print(out);

  if (simulate_on) {
    out << fmt::format(
        "\nsimulation: N periodic streams at random phases on one {}, round-robin, {} measured after {} "
        "warm-up, seed {}, every contention mechanism on. A count meets the SLA when {} of its requests do "
        "and the GPU went idle at times (held < {:g} % of the window; a saturated GPU's queue only "
        "grows)\n\n",
        d.name, describe_seconds(kMeasured.v), describe_seconds(kWarmup.v), o.seed, pct(1.0 - c.miss),
        100 * kSaturated);
    Table r({"streams", "GPU occupied", "p99 latency", "SLA attainment", "min clock MHz", "verdict"},
            {true, true, true, true, true, false});
    for (const auto& [n, x] : sims) {
      r.add({std::to_string(n), pct(x.occupied), std::isfinite(x.p99_s) ? describe_seconds(x.p99_s) : "-",
             pct(x.attainment), fmt::format("{:.0f}", x.min_clock_hz / 1e6),
             x.meets                                       ? "meets"
             : x.saturated && x.attainment >= 1.0 - c.miss ? "saturated"
                                                           : "misses"});
    }
    r.print(out);
  }
  out << '\n';
  const std::string what = fmt::format("{} at {} on one {} ({}, batch {})", s.label, rate_text(c.rate.v),
                                       d.name, to_string(s.precision), st.batch);
  if (answer == 0) {
    out << fmt::format("answer: no stream of {} meets {} for {} of its requests{}\n", what,
                       describe_seconds(c.sla.v), pct(1.0 - c.miss),
                       b.memory == 0 ? ": one stream does not fit in memory" : "");
    return 0;
  }
  std::string next;
  if (answer + 1 > b.memory) {
    next = fmt::format("; {} do not fit in memory", answer + 1);
  } else if (sims.count(answer + 1)) {
    const SimOutcome& x = sims.at(answer + 1);
    next = x.attainment >= 1.0 - c.miss
               ? fmt::format("; {} saturate the GPU ({} held: the queue only grows)", answer + 1,
                             pct(x.occupied))
               : fmt::format("; {} miss it ({} attainment)", answer + 1, pct(x.attainment));
  }
  out << fmt::format("answer: {} streams of {} meet {} for {} of their requests ({}{}){}\n", answer, what,
                     describe_seconds(c.sla.v), pct(1.0 - c.miss),
                     simulate_on ? "simulated; analytic " : "analytic, not simulated",
                     simulate_on ? std::to_string(b.streams) : "", next);
  out << fmt::format(
      "memory for {} streams: {} = weights + {} x activations; {} to provision at headroom {:g}\n", answer,
      bytes_short(needed), answer, bytes_short(needed / s.headroom), s.headroom);
  return 0;
}

}  // namespace gpusim
