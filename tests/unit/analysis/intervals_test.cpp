// The 95 % intervals of the compare report, against values worked out by hand.

#include <gtest/gtest.h>

#include <numeric>

#include "analysis/intervals.hpp"

namespace gpusim::test {
namespace {

TEST(WilsonInterval, NinetyFiveOfAHundred) {
  // p = 0.95, n = 100, z = 1.96: centre (0.95 + 0.019208) / 1.038416 = 0.93335; half-width
  // 1.96 / 1.038416 x sqrt(0.000475 + 0.000096) = 0.04510 -> [0.8882, 0.9785] (the published Wilson interval).
  const Interval i = wilson_interval(95, 100);
  EXPECT_NEAR(i.low, 0.8882, 1e-4);
  EXPECT_NEAR(i.high, 0.9785, 1e-4);
  // All successes: the upper end is 1, the lower n / (n + z^2) = 100 / 103.8416.
  const Interval all = wilson_interval(100, 100);
  EXPECT_NEAR(all.low, 100 / 103.8416, 1e-6);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  const Interval none = wilson_interval(0, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 1.0);
}

TEST(QuantileInterval, OrderStatisticsAroundTheP99) {
  std::vector<double> v(1000);
  std::iota(v.begin(), v.end(), 1.0);  // 1 .. 1000
  // n q = 990, z sqrt(n q (1 - q)) = 1.96 x 3.1464 = 6.167: ranks floor(983.8) = 983 and ceil(996.2) = 997.
  const Interval i = quantile_interval(v, 0.99);
  EXPECT_EQ(i.low, 983.0);
  EXPECT_EQ(i.high, 997.0);
  // Few values: clamped to the list.
  const Interval few = quantile_interval({1.0, 2.0, 3.0}, 0.99);
  EXPECT_EQ(few.low, 2.0);  // 2.97 - 0.33 = 2.64 -> rank 2
  EXPECT_EQ(few.high, 3.0);
  EXPECT_EQ(quantile_interval({}, 0.99).high, 0.0);
}

}  // namespace
}  // namespace gpusim::test
