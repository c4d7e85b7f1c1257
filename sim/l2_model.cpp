// The L2 interference factor (see sim/l2_model.hpp).

#include "sim/l2_model.hpp"

#include <algorithm>

namespace gpusim {

double L2Interference::factor() const {
  if (!enabled_ || working_sets_.size() <= 1) return 1.0;
  double sum = 0;
  for (double w : working_sets_) sum += w;
  const double l2 = l2_.v;
  const double overflow = std::max(0.0, sum - std::max(l2, *working_sets_.rbegin()));
  return 1.0 + sensitivity_ * std::min(1.0, overflow / l2);
}

}  // namespace gpusim
