#include <gtest/gtest.h>

#include "core/units.hpp"

using namespace gpusim;

TEST(Units, ParsesSuffixesInSiUnits) {
  EXPECT_DOUBLE_EQ(parse_quantity("19.5Tf", Dimension::FLOP_RATE), 19.5e12);
  EXPECT_DOUBLE_EQ(parse_quantity("900GBps", Dimension::BYTE_RATE), 900e9);
  EXPECT_DOUBLE_EQ(parse_quantity("16GiB", Dimension::BYTES), 16.0 * 1024 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(parse_quantity("33ms", Dimension::SECONDS), 0.033);
  EXPECT_DOUBLE_EQ(parse_quantity("30/s", Dimension::PER_SECOND), 30.0);
  EXPECT_DOUBLE_EQ(parse_quantity("120/min", Dimension::PER_SECOND), 2.0);
  EXPECT_DOUBLE_EQ(parse_quantity("70W", Dimension::WATTS), 70.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1410MHz", Dimension::HERTZ), 1.41e9);
  EXPECT_DOUBLE_EQ(parse_quantity("4.1GFLOP", Dimension::FLOPS), 4.1e9);
  EXPECT_DOUBLE_EQ(parse_quantity("5us", Dimension::SECONDS), 5e-6);
}

TEST(Units, BareNumberIsOnlyAllowedForZero) {
  EXPECT_DOUBLE_EQ(parse_quantity("0", Dimension::BYTES), 0.0);
  EXPECT_THROW(parse_quantity("16", Dimension::BYTES), std::invalid_argument);
}

TEST(Units, WrongDimensionIsRejected) {
  EXPECT_THROW(parse_quantity("16GiB", Dimension::SECONDS), std::invalid_argument);
  EXPECT_THROW(parse_quantity("900GBps", Dimension::BYTES), std::invalid_argument);
  EXPECT_THROW(parse_quantity("fast", Dimension::SECONDS), std::invalid_argument);
  // Binary prefixes are for bytes only.
  EXPECT_THROW(parse_quantity("1Gif", Dimension::FLOPS), std::invalid_argument);
}

TEST(Units, StrongTypesDivideIntoSeconds) {
  const Seconds t = Flops{19.5e12} / FlopRate{19.5e12};
  EXPECT_DOUBLE_EQ(t.v, 1.0);
  const Seconds m = Bytes{1555e9} / ByteRate{1555e9 / 2};
  EXPECT_DOUBLE_EQ(m.v, 2.0);
}

TEST(Units, FormatsWithSiPrefix) {
  EXPECT_EQ(format_si(1.95e13, "FLOP/s"), "19.5 TFLOP/s");
  EXPECT_EQ(format_si(0.0, "B"), "0 B");
}

TEST(Units, UpperCaseKIsAPowerOfTenLikeLowerCase) {
  // The README's own example: `input: 600KB` is 600 x 10^3 bytes, as `600kB`.
  EXPECT_DOUBLE_EQ(parse_quantity("600KB", Dimension::BYTES), 600e3);
  EXPECT_DOUBLE_EQ(parse_quantity("600kB", Dimension::BYTES), 600e3);
  EXPECT_DOUBLE_EQ(parse_quantity("4KB", Dimension::BYTES), 4000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2KBps", Dimension::BYTE_RATE), 2000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1KiB", Dimension::BYTES), 1024.0);
}

TEST(Units, UnknownUnitListsTheAcceptedSpellings) {
  try {
    parse_quantity("30/day", Dimension::PER_SECOND);
    FAIL() << "30/day accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(
        e.what(),
        "unknown unit '/day' in '30/day': expected a rate with a unit, such as 30/s (accepted: /s, /ms, "
        "/min, /h, Hz, rps, fps)");
  }
  try {
    parse_quantity("70kw", Dimension::WATTS);
    FAIL() << "70kw accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(
        e.what(),
        "unknown unit 'kw' in '70kw': expected a power with a unit, such as 70W (accepted: W, with an "
        "optional prefix k or K, M, G, T, P for powers of 10)");
  }
}
