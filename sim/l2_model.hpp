#pragma once
/// L2 interference on one execution unit (pure; no SimGrid).
///
/// When the working sets of the kernels running on a unit together overflow its L2 (beyond what the
/// largest one alone already overflows), the memory bus loses bandwidth: it runs at bandwidth / factor,
///   factor = 1 + sensitivity x min(1, overflow / L2),   overflow = max(0, sum - max(L2, largest)).
/// A single kernel, or a switched-off model, has factor 1.

#include <set>

#include "core/units.hpp"

namespace gpusim {

class L2Interference {
 public:
  L2Interference(Bytes l2, double sensitivity, bool enabled)
      : l2_(l2), sensitivity_(sensitivity), enabled_(enabled) {}

  /// A kernel with this working set starts running on the unit.
  void add(Bytes working_set) { working_sets_.insert(working_set.v); }
  /// A kernel added with this working set ends (it must have been added).
  void remove(Bytes working_set) { working_sets_.erase(working_sets_.find(working_set.v)); }
  /// The bandwidth divisor for the kernels running now.
  double factor() const;

 private:
  Bytes l2_;
  double sensitivity_;
  bool enabled_;
  std::multiset<double> working_sets_;
};

}  // namespace gpusim
