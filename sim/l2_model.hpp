#pragma once
/// L2 hits on one execution unit (pure; no SimGrid).
///
/// Bytes that stay in L2 are served at the device's L2 bandwidth, the rest at device-memory bandwidth
/// (DeviceSpec::l2_hit_cost). A kernel's hits at batch b on a unit whose L2 holds L bytes:
/// - its weights (weight_bytes), when its stage reuses its weights across requests (a model) and every
///   weight kept on the unit plus the stage's largest kernel activations at b fit in L (nothing evicts them);
/// - each input an earlier kernel of its request wrote (ChainedRead: bytes x b), when everything moved since
///   that input was written (distance x b, plus the weights read in between unless the weights are
///   resident: LRU's stack distance) fits in the L2 the resident weights leave; each input on its own;
/// - a resident kernel (one that re-reads a buffer its earlier launches left in L2, as a streaming benchmark
///   does): all its bytes, when its working set (working_set x b + weight_bytes) fits in L.
///
/// What a hit costs (L2Cost): a hit byte is worth achievable memory / achievable L2 bandwidth of a
/// device-memory byte on the unit's bus. On an L2 of P > 1 partitions that each cache data for the SMs wired
/// to them (A100 whitepaper: two), a kernel whose footprint F fits in one partition (F <= L/P) finds every
/// hit in its near one; above that, every byte keeps one copy and the L2 left over, L - F, holds near copies,
/// so a share 1/P + (1 - 1/P) x clamp((L - F) / ((P - 1) F), 0, 1) of its hits is near (for P = 2: L / 2F),
/// the rest served by a far partition at l2_far_ratio of the near bandwidth.
///
/// Co-runners (L2Interference): when the working sets of the kernels running on the unit together overflow
/// its L2, a kernel launched then keeps 1 - sensitivity x min(1, overflow / L2) of its hits,
/// overflow = max(0, sum - L2), counted only when two or more kernels run (a kernel alone that overflows
/// has no hits to lose). Evaluated at each launch.

#include <set>

#include "core/units.hpp"
#include "platforms/device_spec.hpp"
#include "workloads/workload_spec.hpp"

namespace gpusim {

/// What the L2 of a unit holds for one stage of a stream.
struct L2Residency {
  double l2 = 0;                      ///< bytes of the unit's L2
  double weights = 0;                 ///< weights kept on the unit (every stage that reuses its own)
  double activations_per_sample = 0;  ///< the stage's largest kernel activation traffic per sample
  bool weights_reused = false;        ///< this stage's weights are among `weights`
};

/// The residency of `stage` on a unit of `l2` bytes whose reused weights total `unit_weights` bytes.
L2Residency stage_residency(const StageSpec& stage, Bytes l2, Bytes unit_weights);

/// Weights a stage keeps in L2 when they fit: the sum of its kernels' weight bytes, or 0 when it does not
/// reuse them.
Bytes reused_weights(const StageSpec& stage);

/// Bytes of L2 kernel `k` occupies at `batch`, for L2Interference: a resident kernel its working set
/// (working_set x b + weight_bytes), which it re-reads many times over; any other kernel what it moves
/// (weight_bytes + bytes x b), each byte touched about once.
Bytes l2_footprint(const KernelSpec& k, double batch);

/// Bytes of kernel `k` at `batch` that are L2 hits when it runs alone (see above).
double l2_hit_bytes(const KernelSpec& k, double batch, const L2Residency& r);

/// The bus cost of an L2 hit on one unit (see above).
struct L2Cost {
  double near = 1.0;  ///< device-memory bytes a near hit byte is worth (DeviceSpec::l2_hit_cost)
  double far = 1.0;   ///< the same for a hit the far partition serves (at most 1: never dearer than a miss)
  double l2 = 0;      ///< bytes of the unit's L2
  int partitions = 1;

  /// Share of the hits of a kernel with this L2 footprint that its near partition serves.
  double near_share(double footprint) const;
  /// Device-memory bytes one hit byte of a kernel with this L2 footprint is worth.
  double of(double footprint) const;
};

/// The L2 cost on a unit of `unit_l2` bytes of device `d`: a MIG instance owns L2 slices of its own and is
/// taken as one partition; a whole device has the catalog's partitions.
L2Cost l2_cost(const DeviceSpec& d, Bytes unit_l2, bool whole_device);

class L2Interference {
 public:
  L2Interference(Bytes l2, double sensitivity, bool enabled)
      : l2_(l2), sensitivity_(sensitivity), enabled_(enabled) {}

  /// A kernel with this working set starts running on the unit.
  void add(Bytes working_set) { working_sets_.insert(working_set.v); }
  /// A kernel added with this working set ends (it must have been added).
  void remove(Bytes working_set) { working_sets_.erase(working_sets_.find(working_set.v)); }
  /// The share of its L2 hits a kernel launched now keeps, given the kernels running (itself included).
  double kept() const;

 private:
  Bytes l2_;
  double sensitivity_;
  bool enabled_;
  std::multiset<double> working_sets_;
};

}  // namespace gpusim
