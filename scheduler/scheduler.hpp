#pragma once
/// The scheduling-policy interface. Policies see read-only views of streams, devices and requests,
/// never SimGrid or YAML, and decide: the MIG partition of devices left to them, where each stream runs,
/// the MPS share of each stream, which arriving requests are admitted, and the order a device serves its
/// waiting requests. Every decision has a default, so a policy overrides only what it is about.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/params.hpp"
#include "core/precision.hpp"
#include "core/registry.hpp"
#include "core/units.hpp"

namespace gpusim {

/// Values per execution unit (by unit id), shared by every view that holds the same values: the instances
/// of a workload hold one copy between them, so a plan's views grow with streams plus units, not with
/// their product. Read like a vector; a write (set, assign, push_back) copies first when shared.
template <class T>
class PerUnit {
 public:
  PerUnit() = default;
  PerUnit(std::initializer_list<T> values) : v_(std::make_shared<std::vector<T>>(values)) {}
  explicit PerUnit(std::vector<T> values) : v_(std::make_shared<std::vector<T>>(std::move(values))) {}
  std::size_t size() const { return v_ ? v_->size() : 0; }
  bool empty() const { return size() == 0; }
  const T& operator[](std::size_t unit) const { return (*v_)[unit]; }
  const T& at(std::size_t unit) const { return values().at(unit); }
  typename std::vector<T>::const_iterator begin() const { return values().begin(); }
  typename std::vector<T>::const_iterator end() const { return values().end(); }
  void set(std::size_t unit, const T& value) { own()[unit] = value; }
  void assign(std::size_t n, const T& value) { v_ = std::make_shared<std::vector<T>>(n, value); }
  void push_back(const T& value) { own().push_back(value); }

 private:
  const std::vector<T>& values() const {
    static const std::vector<T> none;
    return v_ ? *v_ : none;
  }
  std::vector<T>& own() {
    if (!v_) {
      v_ = std::make_shared<std::vector<T>>();
    } else if (v_.use_count() > 1) {
      v_ = std::make_shared<std::vector<T>>(*v_);
    }
    return *v_;
  }
  std::shared_ptr<std::vector<T>> v_;
};

/// One stream instance as a policy sees it.
struct StreamView {
  int id = 0;                 ///< index into the list given to place()
  std::string workload;       ///< workload name
  int workload_index = 0;     ///< index of the workload in the file
  int instance = 0;           ///< 0..count-1
  Precision precision = Precision::FP32;
  Flops request_flops;        ///< expected FLOPs of one request
  Bytes request_bytes;        ///< expected memory traffic of one request
  Bytes memory;               ///< device memory one instance needs
  Bytes weights;              ///< of which weights (shared by instances of the same workload on a device)
  PerSecond rate;             ///< mean arrival rate
  std::optional<Seconds> sla;
  int priority = 0;
  /// Predicted service time of one request alone on each execution unit (roofline), by unit id; nothing
  /// where the stream cannot run: the unit's device does not support its precision, or the workload's
  /// `placement` excludes the unit. A plan that places a stream there is rejected (PolicyError).
  PerUnit<std::optional<Seconds>> isolated_time;
  /// Of which, per unit: time the request's kernels would need for their compute alone, and for their
  /// memory traffic alone (the two roofline terms summed over kernels). A compute-heavy stream has
  /// compute_time > memory_time; co-locating it with a memory-heavy one interferes little.
  PerUnit<Seconds> compute_time;
  PerUnit<Seconds> memory_time;
};

/// One execution unit as a policy sees it: a whole device, or one MIG slice of a device.
struct DeviceView {
  int id = 0;                 ///< index into the list given to place()
  int device = 0;             ///< physical device index
  std::string name;           ///< "gpu0", or "gpu0/3g.20gb#1" for a MIG slice
  std::string type;           ///< catalog entry
  std::string sharing;        ///< "time-slice", "mps", "mig"
  std::string mig_profile;    ///< empty unless a MIG slice
  double sm_fraction = 1.0;   ///< share of the device's SMs this unit has
  Bytes memory_capacity;      ///< usable memory (capacity x headroom)
  FlopRate peak_fp32;         ///< of this unit
  ByteRate bandwidth;         ///< of this unit
  Bytes l2_cache;             ///< of this unit
};

/// A physical device whose MIG partition the policy may choose (platform `mig: auto`).
struct MigChoice {
  int device = 0;
  std::string type;
  std::vector<std::string> profiles;  ///< the product's profiles, smallest first
  std::vector<int> profile_sms;       ///< SMs of each profile
  std::vector<double> profile_memory; ///< bytes of each profile
  std::vector<int> max_instances;     ///< per profile
  /// Compute and memory slices of each profile; a partition fits when its sums stay within the largest
  /// profile's. Empty when the engine does not fill them: policies then derive them from the SMs and memory.
  std::vector<int> profile_compute_slices;
  std::vector<int> profile_memory_slices;
  double memory_headroom = 0.8;       ///< usable fraction of profile_memory (the platform's memory_headroom)
  /// Predicted service time of one request of each stream alone on one slice of each profile:
  /// profile_time[profile][stream id]; nothing where the precision is unsupported or the stream's
  /// placement excludes this device. Empty when the engine does not fill it.
  std::vector<std::vector<std::optional<Seconds>>> profile_time;
};

/// A request as a policy sees it when it arrives or waits.
struct RequestView {
  std::uint32_t id = 0;
  int stream = 0;                    ///< StreamView::id
  Seconds arrival;
  std::optional<Seconds> deadline;   ///< arrival + SLA
  int priority = 0;
  Seconds predicted_service;         ///< alone on its unit
};

/// A unit's state at a decision time.
struct UnitState {
  int unit = 0;
  Seconds now;
  int running = 0;          ///< requests in service
  int waiting = 0;          ///< requests queued
  Seconds busy_until;       ///< predicted end of the work queued and running, alone
};

/// A scheduling policy. Contracts are checked by the engine; a breach is a PolicyError naming the
/// policy and the simulated time.
class Scheduler {
 public:
  virtual ~Scheduler() = default;

  /// Chooses MIG partitions for devices the platform leaves to the policy (`mig: auto`): one list of
  /// profile names per entry of `choices`. Contract: profiles of that product, within its slice budget.
  /// Default: the largest profile (the whole GPU as one slice).
  virtual std::vector<std::vector<std::string>> partition(const std::vector<StreamView>& streams,
                                                          const std::vector<MigChoice>& choices);

  /// Chooses a unit for every stream, before the run. Returns one unit id per stream (same order as
  /// `streams`), or -1 for a stream no unit can take (the run then stops with a clear error).
  /// Contract: every id is a valid unit; the streams placed on a unit fit its memory_capacity (weights
  /// of one workload are counted once per unit).
  virtual std::vector<int> place(const std::vector<StreamView>& streams, const std::vector<DeviceView>& units) = 0;

  /// MPS active-thread share (0, 1] of each stream on an `mps` unit, given the placement. Default 1 (no cap).
  virtual std::vector<double> mps_shares(const std::vector<StreamView>& streams,
                                         const std::vector<DeviceView>& units, const std::vector<int>& placement);

  /// True when the engine must call admit() and pick(); false keeps first-come-first-served.
  virtual bool per_request() const { return false; }

  /// Called when a request arrives at its unit: false drops it. Default: admit.
  virtual bool admit(const RequestView& request, const UnitState& unit);

  /// Called when a lane of `unit` is free: the index in `waiting` (arrival order) of the request to
  /// serve next. Contract: a valid index. Default: 0 (FIFO).
  virtual std::size_t pick(const UnitState& unit, const std::vector<RequestView>& waiting);
};

template <>
inline std::string Registry<Scheduler>::kind_name() {
  return "scheduler";
}

/// How messages name policy `name`: "scheduler 'NAME'" (the `owner` of its ParamDecl reads).
inline std::string scheduler_label(const std::string& name) { return "scheduler '" + name + "'"; }

/// Registers a policy class with its declared parameters, if any:
/// GPUSIM_REGISTER_SCHEDULER(Edf, "edf", "summary", kDropLate, kServiceMargin) (each a ParamDecl).
#define GPUSIM_REGISTER_SCHEDULER(Type, name, summary, ...)    \
  [[maybe_unused]] static const bool Type##_registered =       \
      ::gpusim::Registry<::gpusim::Scheduler>::instance().add( \
          name, summary, ::gpusim::param_docs(__VA_ARGS__),    \
          [](const ::gpusim::Params& p) { return std::make_unique<Type>(p); })

/// Creates a registered scheduler; unknown names and parameters are ConfigErrors.
std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const Params& params);

}  // namespace gpusim
