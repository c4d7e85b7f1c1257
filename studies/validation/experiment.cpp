#include "studies/validation/experiment.hpp"

#include <algorithm>
#include <cmath>

#include "core/errors.hpp"

namespace gpusim::validation {

ValidationCase make_case(std::string name, std::string category, std::string origin, std::string device,
                         std::string unit, double measured, bool held_out, std::string source) {
  ValidationCase c;
  c.name = std::move(name);
  c.category = std::move(category);
  c.origin = std::move(origin);
  c.device = std::move(device);
  c.unit = std::move(unit);
  c.measured = measured;
  c.held_out = held_out;
  c.source = std::move(source);
  return c;
}

Precision precision_of(const std::string& s) {
  const auto p = parse_precision(s);
  GPUSIM_CHECK(p.has_value(), "precision validated by the reader: " + s);
  return *p;
}

ArrivalSpec trace(std::vector<double> times) {
  ArrivalSpec a;
  a.kind = ArrivalKind::TRACE;
  for (double t : times) a.trace.push_back(Seconds{t});
  return a;
}

StreamSpec make_stream(const std::string& name, StageSpec stage, Precision p, int batch,
                       ArrivalSpec arrival) {
  StreamSpec s;
  s.name = name;
  s.precision = p;
  s.batch = batch;
  s.stages.push_back(std::move(stage));
  s.arrival = std::move(arrival);
  return s;
}

StreamSpec kernel_stream(const std::string& name, Precision p, double flops, double bytes, double working_set,
                         int launches, const KernelShape& shape) {
  StageSpec st;
  st.name = name;
  st.model = "explicit";
  // Benchmarks launch their kernel over and over on one buffer: it stays in L2 when it fits.
  KernelSpec k;
  k.flops = Flops{flops};
  k.bytes = Bytes{bytes};
  k.working_set = Bytes{working_set};
  k.resident = true;
  k.shape = shape;
  st.kernels.assign(static_cast<std::size_t>(launches), k);
  return make_stream(name, std::move(st), p, 1, trace({0.0}));
}

KernelShape harness_kernel_shape(const std::string& kernel, int sm_count) {
  KernelShape s;
  if (kernel.rfind("gemm_", 0) == 0) {
    s.kind = KernelClass::GEMM;
    s.m = s.n = s.k = 8192;
  } else if (sm_count > 0) {
    s.kind = KernelClass::GRID;
    s.blocks = 8.0 * sm_count;
    s.blocks_per_sm = 8;
  }
  return s;
}

namespace {

Run build_run(const DeviceSpec& spec, SharingMode mode, std::vector<StreamSpec> streams, bool launch_overhead,
              const std::vector<std::string>& partition, double power_cap_w) {
  Run r;
  DeviceInstance d;
  d.name = "gpu0";
  d.node = "node0";
  d.spec = spec;
  d.sharing = mode;
  d.mig_partition = partition;
  if (power_cap_w > 0) d.power_cap = Watts{power_cap_w};
  d.pcie_bandwidth = spec.pcie_bandwidth;
  r.sc.platform.file = "validate";
  r.sc.platform.nodes = {"node0"};
  r.sc.platform.devices.push_back(d);
  r.sc.platform.contention.launch_overhead = launch_overhead;
  double last = 0;
  for (const auto& s : streams) {
    for (const auto& t : s.arrival.trace) last = std::max(last, t.v);
  }
  r.sc.workloads.file = "validate";
  r.sc.workloads.run.duration = Seconds{last + 1e-6};
  r.sc.workloads.run.warmup = Seconds{0.0};
  r.sc.workloads.run.drain = Seconds{3600.0};
  r.sc.workloads.streams = std::move(streams);
  r.plan = PlanBuilder(r.sc, "validate")
               .add_device(0, partition)
               .place_all(std::vector<int>(expand_streams(r.sc.workloads).size(), 0))
               .build();
  return r;
}

}  // namespace

Run make_run(const DeviceSpec& spec, SharingMode mode, std::vector<StreamSpec> streams, bool launch_overhead) {
  return build_run(spec, mode, std::move(streams), launch_overhead, {}, 0.0);
}

Run make_run(const DeviceSpec& spec, std::vector<StreamSpec> streams, bool launch_overhead,
             const std::string& mig_profile, double power_cap_w) {
  if (mig_profile.empty()) {
    return build_run(spec, SharingMode::TIME_SLICE, std::move(streams), launch_overhead, {}, power_cap_w);
  }
  return build_run(spec, SharingMode::MIG, std::move(streams), launch_overhead, {mig_profile}, power_cap_w);
}

double mean_busy_power(const std::vector<SimResult>& r, double idle_w) {
  const double period = ContentionSpec{}.control_period.v;
  double energy = 0, time = 0;
  for (const auto& s : r) {
    if (s.power.empty()) continue;
    const double last_tick = std::ceil(s.end_time / period - 1e-9) * period;
    energy += s.power[0].energy_total_j - idle_w * (last_tick - s.end_time);
    time += s.end_time;
  }
  return time > 0 ? energy / time : 0.0;
}

Seconds eager_host_launch(const DeviceSpec& spec) { return spec.eager_host_launch.value_or(Seconds{0.0}); }

double last_finish(const SimResult& r, std::uint32_t stream) {
  double t = 0;
  for (const auto& q : r.requests) {
    if (q.stream == stream) t = std::max(t, q.finish);
  }
  return t;
}

double mean_latency(const SimResult& r, std::uint32_t stream) {
  double sum = 0;
  int n = 0;
  for (const auto& q : r.requests) {
    if (q.stream == stream && q.status == RequestStatus::COMPLETED) {
      sum += q.finish - q.arrival;
      ++n;
    }
  }
  return n > 0 ? sum / n : 0.0;
}

}  // namespace gpusim::validation
