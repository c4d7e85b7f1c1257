#pragma once
/// 95 % confidence intervals of the figures a comparison ranks by, from one run's requests (treated as
/// independent: requests of one run are correlated, so these intervals are narrower than run-to-run
/// variation).

#include <cstdint>
#include <vector>

namespace gpusim {

struct Interval {
  double low = 0;
  double high = 0;
};

/// Wilson score interval of a proportion of `successes` out of `n` at `z` standard deviations
/// (1.96: 95 %); [0, 1] when n is 0.
Interval wilson_interval(std::uint64_t successes, std::uint64_t n, double z = 1.96);

/// Distribution-free interval of the `q` quantile of `sorted` (binomial order statistics, normal
/// approximation): the values at ranks n q -/+ z sqrt(n q (1 - q)); {0, 0} for an empty list.
Interval quantile_interval(const std::vector<double>& sorted, double q, double z = 1.96);

}  // namespace gpusim
