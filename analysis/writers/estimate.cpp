#include "analysis/writers/estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/format.hpp"
#include "analysis/writers/table.hpp"

namespace gpusim {
namespace {

std::string rate_text(double per_second) { return fmt::format("{:g}/s", per_second); }

std::string estimate_pct(double share) { return fmt::format("{:.2f} %", 100.0 * share); }

std::string bytes_short(double b) {
  const std::string s = describe_bytes(b);
  return s.substr(0, s.find(" ("));
}

std::string limit_text(long n) {
  return n == std::numeric_limits<long>::max() ? std::string("no limit") : fmt::format("N <= {}", n);
}

// The figures both outputs derive from an estimate.
struct Figures {
  double flops = 0;      ///< per request
  double flop_rate = 0;  ///< needed at the rate
  double peak = 0;       ///< of the device at the precision
  double datasheet = 0;  ///< needed / compute efficiency
  double share = 0;      ///< device time per stream
  double needed = 0;     ///< memory for the answer's streams
};

Figures figures_of(const CapacityEstimate& s) {
  const CapacityInputs& c = s.capacity;
  Figures x;
  x.flops = s.stream.request_flops().v;
  x.flop_rate = x.flops * c.rate.v;
  x.peak = s.device->peak(s.precision)->v;
  x.datasheet = x.flop_rate / s.device->compute_efficiency;
  x.share = c.rate.v * s.alone.v;
  x.needed = c.weights.v + static_cast<double>(std::max(s.answer, 1L)) * c.activations.v;
  return x;
}

}  // namespace

nlohmann::ordered_json estimate_json(const CapacityEstimate& s) {
  const CapacityInputs& c = s.capacity;
  const CapacityBound& b = s.bound;
  const DeviceSpec& d = *s.device;
  const StreamSpec& st = s.stream;
  const StageSpec& stage = st.stages.front();
  const Figures x = figures_of(s);
  const double flops = x.flops, flop_rate = x.flop_rate, peak = x.peak, datasheet = x.datasheet,
               share = x.share, needed = x.needed;
  const std::map<long, CountOutcome>& sims = s.counts;
  const long answer = s.answer;
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
  return j;
}

void print_estimate(std::ostream& out, const CapacityEstimate& s) {
  const CapacityInputs& c = s.capacity;
  const CapacityBound& b = s.bound;
  const DeviceSpec& d = *s.device;
  const StreamSpec& st = s.stream;
  const StageSpec& stage = st.stages.front();
  const Figures x = figures_of(s);
  const double flops = x.flops, flop_rate = x.flop_rate, peak = x.peak, datasheet = x.datasheet,
               share = x.share, needed = x.needed;
  const std::map<long, CountOutcome>& sims = s.counts;
  const long answer = s.answer;
  const bool simulate_on = s.simulated;

  out << fmt::format("{} on one {} at {}, batch {}; each stream sends {} requests, SLA {} for {} of them\n\n",
                     s.label, d.name, to_string(s.precision), st.batch, rate_text(c.rate.v),
                     describe_seconds(c.sla.v), estimate_pct(1.0 - c.miss));
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
                   d.compute_efficiency, estimate_pct(datasheet / peak), d.name, format_si(peak, "FLOP/s", 4),
                   to_string(s.precision))});
  t.add({"  device time per stream", estimate_pct(share),
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
           estimate_pct(1.0 - c.miss), b.streams, describe_seconds(latency_bound(c, std::max(1L, b.streams)).v))});
  t.add({"  memory", limit_text(b.memory), "weights + N x activations <= usable"});
  t.add({"  streams that fit", fmt::format("{}", b.streams), fmt::format("bound by {}", b.limit)});
  t.print(out);

  if (simulate_on) {
    out << fmt::format(
        "\nsimulation: N periodic streams at random phases on one {}, round-robin, {} measured after {} "
        "warm-up, seed {}, every contention mechanism on. A count meets the SLA when {} of its requests do "
        "and the GPU went idle at times (held < {:g} % of the window; a saturated GPU's queue only "
        "grows)\n\n",
        d.name, describe_seconds(s.measured.v), describe_seconds(s.warmup.v), s.seed, estimate_pct(1.0 - c.miss),
        100 * s.saturated_share);
    Table r({"streams", "GPU occupied", "p99 latency", "SLA attainment", "min clock MHz", "verdict"},
            {true, true, true, true, true, false});
    for (const auto& [n, x] : sims) {
      r.add({std::to_string(n), estimate_pct(x.occupied), std::isfinite(x.p99_s) ? describe_seconds(x.p99_s) : "-",
             estimate_pct(x.attainment), fmt::format("{:.0f}", x.min_clock_hz / 1e6),
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
                       describe_seconds(c.sla.v), estimate_pct(1.0 - c.miss),
                       b.memory == 0 ? ": one stream does not fit in memory" : "");
    return;
  }
  std::string next;
  if (answer + 1 > b.memory) {
    next = fmt::format("; {} do not fit in memory", answer + 1);
  } else if (sims.count(answer + 1)) {
    const CountOutcome& x = sims.at(answer + 1);
    next = x.attainment >= 1.0 - c.miss
               ? fmt::format("; {} saturate the GPU ({} held: the queue only grows)", answer + 1,
                             estimate_pct(x.occupied))
               : fmt::format("; {} miss it ({} attainment)", answer + 1, estimate_pct(x.attainment));
  }
  out << fmt::format("answer: {} streams of {} meet {} for {} of their requests ({}{}){}\n", answer, what,
                     describe_seconds(c.sla.v), estimate_pct(1.0 - c.miss),
                     simulate_on ? "simulated; analytic " : "analytic, not simulated",
                     simulate_on ? std::to_string(b.streams) : "", next);
  out << fmt::format(
      "memory for {} streams: {} = weights + {} x activations; {} to provision at headroom {:g}\n", answer,
      bytes_short(needed), answer, bytes_short(needed / s.headroom), s.headroom);
}

}  // namespace gpusim
