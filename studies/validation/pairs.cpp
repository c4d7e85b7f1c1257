// Co-located pairs: two kernels (two processes time-slicing, or two streams of one process) or two models
// (two processes), each side alone and then both; the predictions are ratios of the simulated times.

#include "studies/validation/pairs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace gpusim::validation {

// Each side alone, then both: two processes share the GPU by time-slicing; two streams of one process run
// their kernels concurrently (simulated as MPS with full shares: no SM cap, shared compute and bandwidth).
Experiment measured_pair(const MeasuredContext& ctx, const PairRow& p, bool held_out) {
  const std::string base = fmt::format("{}pair/{}/{}", ctx.prefix, p.pair, p.mode);
  const std::string src = fmt::format("{}/pairs.csv:{}", ctx.source, p.line);
  Experiment e;
  e.cases.push_back(make_case(base + ": makespan / sum alone", kColocatedPairs, ctx.origin, ctx.spec->name,
                              "ratio", p.makespan_s / (p.a.alone_s + p.b.alone_s), held_out, src));
  e.cases.push_back(make_case(base + ": A slowdown", kColocatedPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.a.together_s / p.a.alone_s, held_out, src));
  e.cases.push_back(make_case(base + ": B slowdown", kColocatedPairs, ctx.origin, ctx.spec->name, "ratio",
                              p.b.together_s / p.b.alone_s, held_out, src));
  const int sms = ctx.spec->sm_count;
  const auto side = [sms](const PairRow::Side& s, const char* n) {
    return kernel_stream(n, precision_of(s.precision), s.flops, s.bytes, s.working_set_bytes, s.launches,
                         harness_kernel_shape(s.kernel, sms));
  };
  const SharingMode mode = p.mode == "processes" ? SharingMode::TIME_SLICE : SharingMode::MPS;
  e.runs.push_back(make_run(*ctx.spec, mode, {side(p.a, "a")}, false));
  e.runs.push_back(make_run(*ctx.spec, mode, {side(p.b, "b")}, false));
  e.runs.push_back(make_run(*ctx.spec, mode, {side(p.a, "a"), side(p.b, "b")}, false));
  // The phase's steady board power (power.csv: each side alone, then both, as here) against the simulated
  // mean power of the three runs.
  const auto power =
      ctx.data ? steady_power(ctx.data->power, fmt::format("pair:{}:{}", p.pair, p.mode)) : std::nullopt;
  if (power) {
    e.cases.push_back(make_case(
        base + ": steady power", kPowerDraw, ctx.origin, ctx.spec->name, "W", power->power_w, held_out,
        fmt::format("{}/power.csv, phase pair:{}:{} ({} samples at 100 % utilisation)", ctx.source, p.pair,
                    p.mode, power->samples)));
  }
  const double idle = ctx.spec->idle_power.v;
  e.predict = [idle, with_power = power.has_value()](const std::vector<SimResult>& r) {
    const double a = last_finish(r[0], 0);
    const double b = last_finish(r[1], 0);
    const double ta = last_finish(r[2], 0);
    const double tb = last_finish(r[2], 1);
    std::vector<double> out{std::max(ta, tb) / (a + b), ta / a, tb / b};
    if (with_power) out.push_back(mean_busy_power(r, idle));
    return out;
  };
  return e;
}

// Two models in two processes (time-slicing), each with a backlog of requests: each one's throughput over
// the time both are running, relative to its throughput alone.
Experiment measured_model_pair(const MeasuredContext& ctx, const ModelPairRow& p, StageSpec a, StageSpec b,
                               bool held_out) {
  const Precision prec = precision_of(p.precision);
  const std::string base = fmt::format("{}model-pair/{}", ctx.prefix, p.pair);
  const std::string src = fmt::format("{}/model_pairs.csv:{}", ctx.source, p.line);
  const char* category =
      eager_framework(p.framework_a) || eager_framework(p.framework_b) ? kEagerHostBound : kColocatedPairs;
  Experiment e;
  e.cases.push_back(make_case(base + ": A together / alone", category, ctx.origin, ctx.spec->name, "ratio",
                              p.a_together_sps / p.a_alone_sps, held_out, src));
  e.cases.push_back(make_case(base + ": B together / alone", category, ctx.origin, ctx.spec->name, "ratio",
                              p.b_together_sps / p.b_alone_sps, held_out, src));
  // Enough requests for about half a simulated second of each alone.
  DeviceInstance d;
  d.spec = *ctx.spec;
  const Unit unit{0, "gpu0", "", 1.0, 1.0, ctx.spec->memory, ctx.spec->l2_cache};
  const auto backlog = [&](StageSpec st, int batch, const std::string& framework, const char* name) {
    StreamSpec s = make_stream(name, std::move(st), prec, batch, trace({0.0}));
    if (eager_framework(framework)) s.host_launch = eager_host_launch(*ctx.spec);
    const double t = isolated_request_time(s, d, unit).value().v;
    const int n = std::clamp(static_cast<int>(std::ceil(0.5 / std::max(t, 1e-9))), 4, 400);
    s.arrival = trace(std::vector<double>(static_cast<std::size_t>(n), 0.0));
    return s;
  };
  const StreamSpec sa = backlog(std::move(a), p.batch_a, p.framework_a, "a");
  const StreamSpec sb = backlog(std::move(b), p.batch_b, p.framework_b, "b");
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {sa}, true));
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {sb}, true));
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {sa, sb}, true));
  e.predict = [](const std::vector<SimResult>& r) {
    const auto rate = [](const SimResult& s, std::uint32_t stream, double until) {
      int n = 0;
      for (const auto& q : s.requests) n += q.stream == stream && q.finish >= 0 && q.finish <= until + 1e-12;
      return n / until;
    };
    const double alone_a = rate(r[0], 0, last_finish(r[0], 0));
    const double alone_b = rate(r[1], 0, last_finish(r[1], 0));
    const double both = std::min(last_finish(r[2], 0), last_finish(r[2], 1));
    return std::vector<double>{rate(r[2], 0, both) / alone_a, rate(r[2], 1, both) / alone_b};
  };
  return e;
}

}  // namespace gpusim::validation
