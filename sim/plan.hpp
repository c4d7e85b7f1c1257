#pragma once
/// A scenario's plan: the execution units (whole devices or MIG slices) and where each stream instance
/// runs. A Plan is built only by PlanBuilder, which checks it (units exist, precisions are supported,
/// memory fits, MPS shares are in (0, 1]); make_plan() asks a scheduling policy for one.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scheduler/scheduler.hpp"
#include "sim/scenario.hpp"

namespace gpusim {

/// Where kernels run: a whole device, or one MIG slice with its own SMs, bandwidth, L2 and memory.
struct Unit {
  int device = 0;             ///< index into PlatformSpec::devices
  std::string name;           ///< "gpu0" or "gpu0/3g.20gb#1"
  std::string mig_profile;    ///< empty for a whole device
  double sm_fraction = 1.0;   ///< of the device's SMs
  double bw_fraction = 1.0;   ///< of the device's memory bandwidth (memory slices / all)
  Bytes memory;               ///< capacity of the unit
  Bytes l2;                   ///< L2 of the unit
  int slice = -1;             ///< position in the device's MIG partition; -1 for a whole device
};

/// Where one stream instance runs, and the share of its unit's SMs it may use (MPS).
struct Placement {
  StreamInstance stream;
  int unit = 0;            ///< index into Plan::units()
  double mps_share = 1.0;  ///< (0, 1]
};

/// The checked result of placement. Default-constructed: empty (no units, no streams).
class Plan {
 public:
  /// Execution units, in device order (a MIG device contributes one unit per slice).
  const std::vector<Unit>& units() const { return units_; }
  /// One placement per simulated stream; a stream's index is its position here.
  const std::vector<Placement>& placements() const { return placements_; }
  /// Bytes of device memory the streams placed on each unit need.
  const std::vector<double>& memory_used() const { return memory_used_; }
  /// Name of the policy that made the plan (for messages).
  const std::string& scheduler() const { return scheduler_; }
  /// Multiplies every unit's compute and bandwidth (required-compute search).
  double speed_scale() const { return speed_scale_; }
  /// The factor of device `device`'s units: speed_scale() times the device's own (1 unless set).
  double speed_scale(int device) const {
    const auto d = static_cast<std::size_t>(device);
    return speed_scale_ * (d < device_scale_.size() ? device_scale_[d] : 1.0);
  }
  /// The SLA quantile at which device `device`'s run may stop (0: it runs to the end): as soon as one of its
  /// workloads' attainment over the measured window can no longer reach it (PowerRecord::stopped_at). For
  /// a simulation that only needs to know whether the device's workloads meet their SLAs.
  double stop_quantile(int device) const {
    const auto d = static_cast<std::size_t>(device);
    return d < device_stop_.size() ? device_stop_[d] : 0.0;
  }
  /// Number of streams placed on `unit`.
  int streams_on(int unit) const;
  /// The unit index of each stream, in stream order.
  std::vector<int> unit_of() const;

 private:
  friend class PlanBuilder;
  std::vector<Unit> units_;
  std::vector<Placement> placements_;
  std::vector<double> memory_used_;
  std::string scheduler_;
  double speed_scale_ = 1.0;
  std::vector<double> device_stop_;  // per device: stop_quantile (0: none)
  std::vector<double> device_scale_;  // per device index; empty or 1: no factor of its own
};

/// The only way to make a Plan. Errors carry the same words whoever builds the plan: a PolicyError names
/// the scheduler (a broken contract), a ConfigError the workload's file location (a user's mistake).
class PlanBuilder {
 public:
  /// A plan for `sc`, made by `scheduler` (a policy name, or what built the plan: "validate", "test").
  PlanBuilder(const Scenario& sc, std::string scheduler);
  /// A plan with the units, scheduler and speed of `base` and, in order, the placements of its streams
  /// listed in `streams` (indices into base.placements()); memory is counted again for that subset.
  PlanBuilder(const Scenario& sc, const Plan& base, const std::vector<int>& streams);
  /// Adds the units of device `device`: its MIG slices for `partition`, or the whole device when empty.
  PlanBuilder& add_device(int device, const std::vector<std::string>& partition = {});
  /// Adds every device of the scenario, each with its platform MIG partition (or whole).
  PlanBuilder& add_all_devices();
  /// Places `stream` on `unit` (-1: the policy found no room) with MPS share `mps_share`.
  PlanBuilder& place(StreamInstance stream, int unit, double mps_share = 1.0);
  /// Places every stream of the scenario (expand_streams order) on the unit given for it.
  PlanBuilder& place_all(const std::vector<int>& unit_of);
  /// Sets the MPS share of every placed stream, in placement order; PolicyError when the count differs.
  PlanBuilder& set_mps_shares(const std::vector<double>& shares);
  /// Multiplies every unit's compute and bandwidth.
  PlanBuilder& speed_scale(double scale);
  /// Multiplies the compute and bandwidth of device `device`'s units (on top of speed_scale), so that
  /// one simulation can run independent devices at different speeds.
  PlanBuilder& speed_scale(int device, double scale);
  /// Lets device `device`'s run stop once its workloads cannot all meet their SLAs at `quantile`
  /// (Plan::stop_quantile).
  PlanBuilder& stop_quantile(int device, double quantile);
  /// Appends a copy of `base`'s units of device `device` as the units of device `as` (a copy of that device
  /// in this builder's scenario, whose name the copied units take: variants side by side in one run,
  /// studies/additivity_runs.cpp). Returns, by base unit index, the index of its copy here (-1: another
  /// device's unit).
  std::vector<int> copy_units(const Plan& base, int device, int as);
  /// Checks units, placements, precisions and memory (not yet the MPS shares): a unit of -1 is a
  /// ConfigError at the workload ("no device has room left", or at its precision when no unit supports
  /// it), an unknown unit, one outside the workload's placement or an overfilled one a PolicyError, an
  /// unsupported precision a ConfigError at the workload's precision.
  void check_placements() const;
  /// Checks everything (placements, memory, MPS shares) and returns the plan.
  Plan build() const;

 private:
  std::vector<double> count_memory() const;
  Bytes usable(const Unit& u) const;
  const Scenario& sc_;
  Plan plan_;
};

/// The units of a device for a MIG partition (or the whole device when `partition` is empty).
std::vector<Unit> units_of(const DeviceInstance& d, int device_index, const std::vector<std::string>& partition);

/// Predicted time of one request alone on a unit: sum over its stages' kernels (at the stage's batch,
/// with the mean fan-out) of the roofline max(flops / (peak x eff x sm_fraction), bytes / (bandwidth x
/// eff x bw_fraction)), divided by the kernel's launch efficiency on the unit (sim/launch_geometry.hpp:
/// waves and the share of the unit a small grid occupies), plus the launch overhead of each kernel.
/// Nothing when the unit's device does not support the stream's precision.
std::optional<Seconds> isolated_request_time(const StreamSpec& s, const DeviceInstance& d, const Unit& u);

/// The two roofline terms of one request alone on a unit, summed over kernels: compute time and memory time.
std::pair<Seconds, Seconds> request_roofline_terms(const StreamSpec& s, const DeviceInstance& d, const Unit& u);

/// Device memory the streams placed on one unit need: weights once per workload when shared_weights
/// (else once per instance), activations per instance.
double unit_memory(const WorkloadSpec& w, const std::vector<Placement>& placements, int unit,
                   bool shared_weights = true);

/// Checks the workloads' placements (check_placement), builds the views (a unit outside a workload's
/// placement shows as one that cannot run it), asks the policy for MIG partitions, placement and MPS
/// shares, and checks each contract. ConfigError when a stream fits no unit or a precision is unsupported;
/// PolicyError on a breach.
Plan make_plan(const Scenario& sc, Scheduler& policy, const std::string& policy_name);

}  // namespace gpusim
