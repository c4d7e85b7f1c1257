#pragma once
/// A device type from the catalog: the numbers the simulator needs, each in SI units.

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/precision.hpp"
#include "core/units.hpp"

namespace gpusim {

/// One MIG profile of a product (NVIDIA MIG user guide tables).
struct MigProfile {
  std::string name;  ///< "1g.5gb"
  int compute_slices = 0;
  int memory_slices = 0;
  int sm_count = 0;
  Bytes memory;
  int max_instances = 0;
};

/// RC thermal model constants.
struct ThermalSpec {
  Celsius ambient{35.0};
  KelvinPerWatt resistance{0.16};
  Seconds time_constant{60.0};
  Celsius limit{85.0};
};

/// What one SM can hold at once (CUDA C++ Programming Guide, "Technical Specifications per Compute
/// Capability"); defaults: compute capability 8.0.
struct SmLimits {
  int threads = 2048;                ///< resident threads
  int blocks = 32;                   ///< resident thread blocks
  int registers = 65536;             ///< 32-bit registers
  Bytes shared_memory{167936.0};     ///< shared memory blocks may use (164 KiB)
};

/// A catalog entry (platforms/catalog/NAME.yaml).
struct DeviceSpec {
  std::string name;
  std::string vendor;
  std::string architecture;
  std::string form_factor;
  int sm_count = 0;
  int fp32_lanes_per_sm = 0;
  SmLimits sm_limits;
  Hertz boost_clock;
  Hertz base_clock;
  std::map<Precision, double> tensor_macs_per_sm_per_clock;
  std::map<Precision, FlopRate> peaks;  ///< dense datasheet peaks; absent = unsupported
  Bytes memory;
  std::string memory_type;
  ByteRate memory_bandwidth;
  Bytes l2_cache;
  ByteRate l2_bandwidth;  ///< L2 read bandwidth (bytes/clk x boost clock); 0: unknown, no L2 hits
  /// L2 partitions, each caching for the SMs wired to it (A100: 2; sim/l2_model.hpp L2Cost); 1: one pool.
  int l2_partitions = 1;
  ByteRate pcie_bandwidth;
  Watts tdp;
  Watts idle_power;
  double compute_efficiency = 0.7;
  double memory_efficiency = 0.85;
  /// Fraction of l2_bandwidth that reads served by L2 reach; absent: memory_efficiency (a calibration
  /// overlay fits it where L2-resident measurements exist).
  std::optional<double> l2_efficiency;
  /// Bandwidth of a hit the far partition serves / a near hit's, in (0, 1]; 1: no difference known.
  double l2_far_ratio = 1.0;
  /// Shares of (TDP - idle) drawn at the boost clock by fully busy SMs running tensor-core kernels
  /// (power_compute) or CUDA-core kernels (power_simt), and by a saturated memory bus (power_memory); absent:
  /// the platform's contention.power values (power_simt: the compute one). sim/power_model.hpp.
  std::optional<double> power_compute;
  std::optional<double> power_simt;
  std::optional<double> power_memory;
  Seconds launch_overhead{5e-6};
  /// Time slice and context-switch cost of a time-sliced GPU when its driver's are known (a calibration
  /// overlay fits them: docs/validation.md); absent, the platform's contention.time_slice values apply.
  std::optional<Seconds> time_slice;
  std::optional<Seconds> context_switch;
  /// Validation only: the CPU time per operator of eager PyTorch on the host this device was measured with
  /// (`host.launch` of the eager cases; docs/validation.md). A calibration overlay fits it to the eager
  /// cases; absent, they are simulated without host time. No workload reads it.
  std::optional<Seconds> eager_host_launch;
  ThermalSpec thermal;
  std::vector<MigProfile> mig_profiles;
  std::vector<std::string> sources;
  std::string notes;
  std::string file;  ///< where it was read from

  /// Peak for a precision, or nothing when the device does not support it.
  std::optional<FlopRate> peak(Precision p) const;
  /// Peak x compute efficiency.
  FlopRate achievable(Precision p) const;
  /// Memory bandwidth x memory efficiency.
  ByteRate achievable_bandwidth() const { return memory_bandwidth * memory_efficiency; }
  /// L2 bandwidth x L2 efficiency (memory efficiency when the device has none of its own).
  ByteRate achievable_l2_bandwidth() const {
    return l2_bandwidth * l2_efficiency.value_or(memory_efficiency);
  }
  /// Device-memory bytes one near L2-hit byte is worth: achievable memory / achievable L2 bandwidth (1
  /// without an L2 bandwidth), so an L2 hit is served at the achievable L2 bandwidth.
  double l2_hit_cost() const {
    return l2_bandwidth.v > 0 ? std::min(1.0, achievable_bandwidth().v / achievable_l2_bandwidth().v) : 1.0;
  }
  const MigProfile* mig_profile(const std::string& profile_name) const;
};

}  // namespace gpusim
