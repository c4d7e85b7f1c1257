// Isolated and L2-resident kernels: one kernel alone, from a published streaming benchmark or a measured
// harness kernel; the prediction is the FLOPs or bytes it moves per second of its simulated time.

#include "studies/validation/kernels.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gpusim::validation {
namespace {

// A kernel alone, launched `launches` times back to back (as the harness did: the power and thermal
// controllers see as long a run), of launch geometry `shape`; the prediction is `amount` per launch per
// second of its simulated time per launch, scaled to `unit_scale`.
Experiment single_kernel(ValidationCase c, const DeviceSpec& spec, Precision p, double flops, double bytes,
                         double working_set, double amount, double unit_scale, int launches = 1,
                         const KernelShape& shape = {}) {
  Experiment e;
  e.cases.push_back(std::move(c));
  e.runs.push_back(make_run(spec, SharingMode::TIME_SLICE,
                            {kernel_stream("kernel", p, flops, bytes, working_set, launches, shape)}, false));
  e.predict = [amount, unit_scale, launches](const std::vector<SimResult>& r) {
    return std::vector<double>{amount * launches / last_finish(r[0], 0) / unit_scale};
  };
  return e;
}

}  // namespace

std::string category_for_working_set(double working_set, double l2) {
  return working_set <= l2 ? kL2ResidentKernels : kIsolatedKernels;
}

Experiment published_bandwidth(const PublishedBandwidth& b, const DeviceSpec& spec) {
  // gpu-stream kernels on doubles: triad 2 FLOPs per element (24 bytes), read none worth counting.
  const double flops = b.kernel == "triad" ? b.working_set_bytes / 12.0 : 0.0;
  return single_kernel(make_case(b.name, category_for_working_set(b.working_set_bytes, spec.l2_cache.v),
                                 "published", spec.name, "GB/s", b.bandwidth_Bps / 1e9, b.held_out, b.source),
                       spec, Precision::FP64, flops, b.working_set_bytes, b.working_set_bytes,
                       b.working_set_bytes, 1e9);
}

namespace {

bool compute_kernel(const KernelRow& k) { return k.kernel == "fma_fp32" || k.kernel.rfind("gemm_", 0) == 0; }

}  // namespace

Experiment measured_kernel(const MeasuredContext& ctx, const KernelRow& k, bool held_out) {
  const bool compute = compute_kernel(k);
  const std::string name = k.kernel == "stream_l2" ? fmt::format("{}{}/{:g}MiB", ctx.prefix, k.kernel,
                                                                 k.working_set_bytes / 1048576.0)
                                                   : ctx.prefix + k.kernel;
  const std::string category = k.kernel == "stream_l2" ? category_for_working_set(k.working_set_bytes, ctx.l2)
                                                       : std::string(kIsolatedKernels);
  const double measured = compute ? k.flops / k.time_s / 1e12 : k.bytes / k.time_s / 1e9;
  ValidationCase c = make_case(name, category, ctx.origin, ctx.spec->name, compute ? "TFLOP/s" : "GB/s",
                               measured, held_out, fmt::format("{}/kernels.csv:{}", ctx.source, k.line));
  return single_kernel(std::move(c), *ctx.spec, precision_of(k.precision), k.flops, k.bytes,
                       k.working_set_bytes, compute ? k.flops : k.bytes, compute ? 1e12 : 1e9,
                       std::max(1, k.launches), harness_kernel_shape(k.kernel, ctx.spec->sm_count));
}

// The run is a backlog of requests of at most 1000 launches each (one request of all of them would hold a
// kernel description per launch: a 4 s run of a short kernel has ~10^6), served one after another.
Experiment measured_steady_kernel(const MeasuredContext& ctx, const KernelRow& k, bool held_out) {
  constexpr int kLaunchesPerRequest = 1000;
  const bool compute = compute_kernel(k);
  const std::string name = fmt::format("{}steady/{}", ctx.prefix, k.kernel);
  const std::string category = k.kernel == "stream_l2" ? category_for_working_set(k.working_set_bytes, ctx.l2)
                                                       : std::string(kIsolatedKernels);
  Experiment e;
  e.cases.push_back(make_case(name, category, ctx.origin, ctx.spec->name, compute ? "TFLOP/s" : "GB/s",
                              compute ? k.flops / k.time_s / 1e12 : k.bytes / k.time_s / 1e9, held_out,
                              fmt::format("{}/steady.csv:{}", ctx.source, k.line)));
  const std::string phase = "steady:" + k.kernel;
  const auto power = ctx.data ? steady_power(ctx.data->power, phase) : std::nullopt;
  if (power) {
    e.cases.push_back(make_case(name + ": steady power", kPowerDraw, ctx.origin, ctx.spec->name, "W",
                                power->power_w, held_out,
                                fmt::format("{}/power.csv, phase {} ({} samples at 100 % utilisation)",
                                            ctx.source, phase, power->samples)));
  }
  const int per = std::clamp(k.launches, 1, kLaunchesPerRequest);
  const int requests = (std::max(1, k.launches) + per - 1) / per;
  StreamSpec s = kernel_stream("kernel", precision_of(k.precision), k.flops, k.bytes, k.working_set_bytes,
                               per, harness_kernel_shape(k.kernel, ctx.spec->sm_count));
  s.arrival = trace(std::vector<double>(static_cast<std::size_t>(requests), 0.0));
  e.runs.push_back(make_run(*ctx.spec, SharingMode::TIME_SLICE, {std::move(s)}, false));
  const double amount = (compute ? k.flops : k.bytes) * per * requests;
  const double scale = compute ? 1e12 : 1e9;
  const double idle = ctx.spec->idle_power.v;
  e.predict = [amount, scale, idle, with_power = power.has_value()](const std::vector<SimResult>& r) {
    std::vector<double> out{amount / last_finish(r[0], 0) / scale};
    if (with_power) out.push_back(mean_busy_power(r, idle));
    return out;
  };
  return e;
}

}  // namespace gpusim::validation
