// L2 interference factor: 1 + sensitivity x min(1, overflow / L2), overflow = sum - max(L2, largest),
// values computed by hand for a 4 MB L2 and sensitivity 0.5.

#include "sim/l2_model.hpp"

#include <gtest/gtest.h>

namespace gpusim {
namespace {

constexpr Bytes kL2{4e6};

TEST(L2Interference, OneKernelAloneLosesNothing) {
  L2Interference l2(kL2, 0.5, true);
  EXPECT_DOUBLE_EQ(l2.factor(), 1.0);
  l2.add(Bytes{10e6});  // overflows L2 alone: that is the kernel's own cost, not interference
  EXPECT_DOUBLE_EQ(l2.factor(), 1.0);
}

TEST(L2Interference, WorkingSetsThatFitTogetherLoseNothing) {
  L2Interference l2(kL2, 0.5, true);
  l2.add(Bytes{2e6});
  l2.add(Bytes{2e6});  // 4 MB = L2
  EXPECT_DOUBLE_EQ(l2.factor(), 1.0);
}

TEST(L2Interference, PartialOverflow) {
  L2Interference l2(kL2, 0.5, true);
  l2.add(Bytes{3e6});
  l2.add(Bytes{2e6});  // overflow 5 - 4 = 1 MB: 1 + 0.5 x 1/4 = 1.125
  EXPECT_DOUBLE_EQ(l2.factor(), 1.125);
}

TEST(L2Interference, OverflowBeyondTheLargestKernel) {
  L2Interference l2(kL2, 0.5, true);
  l2.add(Bytes{6e6});
  l2.add(Bytes{1e6});  // the 6 MB kernel already overflows alone: overflow 7 - 6 = 1 MB -> 1.125
  EXPECT_DOUBLE_EQ(l2.factor(), 1.125);
}

TEST(L2Interference, FullThrashIsCappedAtOnePlusSensitivity) {
  L2Interference l2(kL2, 0.5, true);
  l2.add(Bytes{8e6});
  l2.add(Bytes{8e6});  // overflow 16 - 8 = 8 MB = 2 x L2, capped at 1: 1.5
  EXPECT_DOUBLE_EQ(l2.factor(), 1.5);
  l2.remove(Bytes{8e6});  // one copy left
  EXPECT_DOUBLE_EQ(l2.factor(), 1.0);
}

TEST(L2Interference, SwitchedOff) {
  L2Interference l2(kL2, 0.5, false);
  l2.add(Bytes{8e6});
  l2.add(Bytes{8e6});
  EXPECT_DOUBLE_EQ(l2.factor(), 1.0);
}

}  // namespace
}  // namespace gpusim
