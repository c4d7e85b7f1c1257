#pragma once
// Builds scenarios in code for engine tests: one catalog device (with explicit efficiencies so the
// expected times are computed from datasheet numbers in the test itself) and streams of kernels.

#include <string>
#include <vector>

#include "platforms/catalog.hpp"
#include "sim/runner.hpp"
#include "sim/plan.hpp"

namespace gpusim::test {

/// The A100-PCIe-40GB catalog entry with efficiencies and launch overhead set by the test.
inline DeviceSpec a100(double compute_eff, double memory_eff, double launch_overhead_s) {
  DeviceSpec d = parse_device_file(std::string(GPUSIM_CATALOG_DIR) + "/A100-PCIe-40GB.yaml");
  d.compute_efficiency = compute_eff;
  d.memory_efficiency = memory_eff;
  d.launch_overhead = Seconds{launch_overhead_s};
  return d;
}

inline DeviceInstance device(const DeviceSpec& spec, SharingMode mode, const std::string& name = "gpu0") {
  DeviceInstance d;
  d.name = name;
  d.node = "node0";
  d.spec = spec;
  d.sharing = mode;
  d.pcie_bandwidth = spec.pcie_bandwidth;
  return d;
}

/// A stream whose requests are `kernels` identical kernels of (flops, bytes).
inline StreamSpec stream(const std::string& name, double flops, double bytes, int kernels, ArrivalSpec arrival,
                         Precision p = Precision::FP32) {
  StreamSpec s;
  s.name = name;
  s.precision = p;
  StageSpec st;
  st.name = name;
  st.model = "explicit";
  st.kernels.assign(kernels, KernelSpec{Flops{flops}, Bytes{bytes}, Bytes{0.0}, Bytes{bytes}, KernelShape{}, {}, false});
  s.stages.push_back(std::move(st));
  s.arrival = std::move(arrival);
  return s;
}

inline ArrivalSpec at_times(std::vector<double> times) {
  ArrivalSpec a;
  a.kind = ArrivalKind::TRACE;
  for (double t : times) a.trace.push_back(Seconds{t});
  return a;
}

inline ArrivalSpec poisson(double rate) {
  ArrivalSpec a;
  a.kind = ArrivalKind::POISSON;
  a.rate = PerSecond{rate};
  return a;
}

inline ArrivalSpec periodic(double rate) {
  ArrivalSpec a;
  a.kind = ArrivalKind::PERIODIC;
  a.rate = PerSecond{rate};
  return a;
}

/// Places stream i on unit i % units (a MIG device contributes one unit per slice), with MPS share
/// shares[i] (default 1), and runs it in a child process.
inline SimResult run(const Scenario& sc, Plan* plan_out = nullptr, std::vector<double> shares = {}) {
  PlanBuilder b(sc, "test");
  b.add_all_devices();
  const std::vector<StreamInstance> streams = expand_streams(sc.workloads);
  const Plan units_only = PlanBuilder(b).build();
  for (std::size_t i = 0; i < streams.size(); ++i) {
    b.place(streams[i], static_cast<int>(i % units_only.units().size()), i < shares.size() ? shares[i] : 1.0);
  }
  const Plan plan = b.build();
  SimResult r = run_simulation(sc, plan);
  if (plan_out) *plan_out = plan;
  return r;
}

}  // namespace gpusim::test
