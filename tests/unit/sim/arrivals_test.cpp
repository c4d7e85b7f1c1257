// Seeds, uniform draws, arrival processes and fan-out draws. Expected values come from the published
// SplitMix64 and mt19937_64 reference outputs and from the processes' definitions.

#include "sim/arrivals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

namespace gpusim {
namespace {

ArrivalSpec periodic(double rate) {
  ArrivalSpec a;
  a.kind = ArrivalKind::PERIODIC;
  a.rate = PerSecond{rate};
  return a;
}

ArrivalSpec poisson(double rate) {
  ArrivalSpec a;
  a.kind = ArrivalKind::POISSON;
  a.rate = PerSecond{rate};
  return a;
}

std::vector<double> times(ArrivalProcess& p, Rng& rng, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(p.next(rng)->v);
  return out;
}

TEST(Seeds, MixSeedIsSplitMix64) {
  // SplitMix64 from state 0: its first two outputs (the reference implementation's published values).
  EXPECT_EQ(mix_seed(0, 0), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(mix_seed(0, 1), 0x6E789E6AA1B965F4ULL);
}

TEST(Seeds, StreamSeedDependsOnWorkloadAndInstanceOnly) {
  EXPECT_EQ(stream_seed(7, 2, 3), mix_seed(7, 0x0000000200000003ULL));
  std::set<std::uint64_t> seen;
  for (int w = 0; w < 64; ++w) {
    for (int i = 0; i < 64; ++i) seen.insert(stream_seed(1, w, i));
  }
  EXPECT_EQ(seen.size(), 64u * 64u);  // no two streams share a generator
  EXPECT_NE(stream_seed(1, 0, 0), stream_seed(2, 0, 0));
}

TEST(Seeds, Uniform01UsesTheTop53Bits) {
  // The C++ standard fixes the 10000th output of a default-constructed mt19937_64.
  Rng rng;
  rng.discard(9999);
  EXPECT_EQ(uniform01(rng), static_cast<double>(9981545732273789042ULL >> 11) * 0x1.0p-53);
  for (int i = 0; i < 10000; ++i) {
    const double u = uniform01(rng);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(ArrivalProcess, PeriodicHasARandomPhaseThenExactPeriods) {
  const ArrivalSpec a = periodic(30);
  Rng rng(42);
  Rng copy(42);
  const double phase = uniform01(copy) / 30;
  ArrivalProcess p(a);
  const auto t = times(p, rng, 301);
  EXPECT_DOUBLE_EQ(t[0], phase);
  EXPECT_LT(t[0], 1.0 / 30);
  for (std::size_t k = 1; k < t.size(); ++k) {
    EXPECT_EQ(t[k], phase + static_cast<double>(k) / 30);  // no accumulated rounding
    EXPECT_NEAR(t[k] - t[k - 1], 1.0 / 30, 1e-12);
  }
  EXPECT_EQ(p.count(), 301u);
  EXPECT_EQ(rng(), copy());  // only the phase was drawn
}

TEST(ArrivalProcess, AGivenPhaseSynchronisesEveryInstanceAndKeepsTheLaterDraws) {
  // 30/s from 10 ms: 10 ms + k / 30 s whatever the seed; the phase's draw is still taken, so a stream's
  // later draws (its fan-outs) are those it would make with a random phase.
  ArrivalSpec a = periodic(30);
  a.phase = Seconds{0.01};
  for (std::uint64_t seed : {1u, 42u}) {
    Rng rng(seed);
    Rng copy(seed);
    ArrivalProcess p(a);
    const auto t = times(p, rng, 31);
    for (std::size_t k = 0; k < t.size(); ++k) EXPECT_EQ(t[k], 0.01 + static_cast<double>(k) / 30) << k;
    uniform01(copy);
    EXPECT_EQ(rng(), copy());
  }
}

TEST(ArrivalProcess, SpreadPhasesStaggerTheInstancesEvenlyOverOnePeriod) {
  // 4 instances at 25/s (40 ms apart) spread: instance i starts at i x 10 ms, then every 40 ms.
  ArrivalSpec a = periodic(25);
  a.spread = true;
  for (int i = 0; i < 4; ++i) {
    Rng rng(7);
    ArrivalProcess p(a, i, 4);
    const auto t = times(p, rng, 3);
    for (std::size_t k = 0; k < t.size(); ++k) {
      EXPECT_NEAR(t[k], 0.01 * i + 0.04 * static_cast<double>(k), 1e-15) << i << " " << k;
    }
  }
  // A Poisson process has no phase: the flag changes nothing.
  ArrivalSpec q;
  q.kind = ArrivalKind::POISSON;
  q.rate = PerSecond{25};
  q.spread = true;
  Rng r1(3), r2(3);
  ArrivalProcess with(q, 1, 4), without(q);
  EXPECT_EQ(times(with, r1, 5), times(without, r2, 5));
}

TEST(ArrivalProcess, TraceReplaysItsTimesThenStops) {
  ArrivalSpec a;
  a.kind = ArrivalKind::TRACE;
  a.trace = {Seconds{0.1}, Seconds{0.25}, Seconds{0.7}};
  Rng rng(1);
  Rng copy(1);
  ArrivalProcess p(a);
  EXPECT_EQ(p.next(rng)->v, 0.1);
  EXPECT_EQ(p.next(rng)->v, 0.25);
  EXPECT_EQ(p.next(rng)->v, 0.7);
  EXPECT_FALSE(p.next(rng).has_value());
  EXPECT_EQ(rng(), copy());  // a trace draws nothing
}

TEST(ArrivalProcess, PoissonMeanGapIsOneOverTheRate) {
  // 100000 exponential gaps of mean 1/50 s (standard deviation 1/50 s): the sample mean's standard error
  // is 0.02 / sqrt(1e5) = 6.3e-5 s; accept 5 standard errors.
  constexpr int kN = 100000;
  const ArrivalSpec a = poisson(50);
  ArrivalProcess p(a);
  Rng rng(2024);
  double last = 0;
  double sum = 0;
  for (int i = 0; i < kN; ++i) {
    const double t = p.next(rng)->v;
    ASSERT_GT(t, last);
    sum += t - last;
    last = t;
  }
  EXPECT_NEAR(sum / kN, 0.02, 5 * 0.02 / std::sqrt(kN));
}

TEST(ArrivalProcess, SameSeedSameSequence) {
  const ArrivalSpec a = poisson(100);
  ArrivalProcess p1(a);
  ArrivalProcess p2(a);
  Rng r1(stream_seed(9, 1, 2));
  Rng r2(stream_seed(9, 1, 2));
  EXPECT_EQ(times(p1, r1, 1000), times(p2, r2, 1000));
}

TEST(ArrivalProcess, AStreamIgnoresTheStreamsBesideIt) {
  // Stream (workload 1, instance 0) alone, and interleaved with two other streams: same arrivals.
  const ArrivalSpec a = poisson(100);
  ArrivalProcess alone(a);
  Rng alone_rng(stream_seed(5, 1, 0));
  const auto expected = times(alone, alone_rng, 200);

  ArrivalProcess p(a), q(a), r(a);
  Rng p_rng(stream_seed(5, 1, 0)), q_rng(stream_seed(5, 0, 0)), r_rng(stream_seed(5, 1, 1));
  std::vector<double> got;
  for (int i = 0; i < 200; ++i) {
    q.next(q_rng);
    got.push_back(p.next(p_rng)->v);
    r.next(r_rng);
  }
  EXPECT_EQ(got, expected);
  // ... and a different instance draws a different sequence.
  ArrivalProcess other(a);
  Rng other_rng(stream_seed(5, 1, 1));
  EXPECT_NE(times(other, other_rng, 200), expected);
}

TEST(Fanout, FixedCountPerFrame) {
  FanoutSpec f;
  f.kind = FanoutSpec::Kind::FIXED;
  f.mean = 3;
  f.max = 10;
  Rng rng(1);
  EXPECT_EQ(draw_fanout(f, 2, rng), 6);  // 3 per frame, 2 frames
}

TEST(Fanout, UniformStaysWithinItsBoundsAndReachesThem) {
  FanoutSpec f;
  f.kind = FanoutSpec::Kind::UNIFORM;
  f.min = 1;
  f.max = 3;
  Rng rng(3);
  std::set<int> seen;
  for (int i = 0; i < 1000; ++i) {
    const int k = draw_fanout(f, 1, rng);
    ASSERT_GE(k, 1);
    ASSERT_LE(k, 3);
    seen.insert(k);
  }
  EXPECT_EQ(seen.size(), 3u);
}

TEST(Fanout, PoissonZeroFrequencyAndCap) {
  // P(0) = e^-2 = 0.1353; over 100000 draws the frequency's standard error is 0.0011: accept 5 of them.
  FanoutSpec f;
  f.kind = FanoutSpec::Kind::POISSON;
  f.mean = 2;
  f.max = 4;
  Rng rng(11);
  int zeros = 0;
  for (int i = 0; i < 100000; ++i) {
    const int k = draw_fanout(f, 1, rng);
    ASSERT_LE(k, 4);
    zeros += k == 0;
  }
  EXPECT_NEAR(zeros / 100000.0, std::exp(-2.0), 5 * 0.0011);
}

TEST(Fanout, TotalFitsSixteenBitsForTheBatch) {
  FanoutSpec f;
  f.kind = FanoutSpec::Kind::FIXED;
  f.mean = 5;
  f.max = 5;
  Rng rng(1);
  EXPECT_EQ(draw_fanout(f, 20000, rng), 3);  // 100000 items capped at 65535 / 20000 = 3
}

}  // namespace
}  // namespace gpusim
