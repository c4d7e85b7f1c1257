// Typed quantity parsing: the type chooses the accepted units, the value comes back in SI base units as
// that type, and a value of another dimension is refused with the same message as the untyped parser.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>

#include "core/units.hpp"

namespace gpusim {
namespace {

static_assert(std::is_same_v<decltype(parse_quantity_as<Seconds>("1s")), Seconds>);
static_assert(std::is_same_v<decltype(parse_quantity_as<Bytes>("1B")), Bytes>);
static_assert(QuantityTraits<Flops>::dimension == Dimension::FLOPS);
static_assert(QuantityTraits<FlopRate>::dimension == Dimension::FLOP_RATE);
static_assert(QuantityTraits<Bytes>::dimension == Dimension::BYTES);
static_assert(QuantityTraits<ByteRate>::dimension == Dimension::BYTE_RATE);
static_assert(QuantityTraits<Seconds>::dimension == Dimension::SECONDS);
static_assert(QuantityTraits<Hertz>::dimension == Dimension::HERTZ);
static_assert(QuantityTraits<PerSecond>::dimension == Dimension::PER_SECOND);
static_assert(QuantityTraits<Watts>::dimension == Dimension::WATTS);
static_assert(QuantityTraits<Celsius>::dimension == Dimension::CELSIUS);
static_assert(QuantityTraits<KelvinPerWatt>::dimension == Dimension::KELVIN_PER_WATT);

/// The message of the std::invalid_argument `f` throws ("" when it throws none).
template <class F>
std::string refusal(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(TypedUnits, EachTypeParsesItsOwnUnits) {
  EXPECT_DOUBLE_EQ(parse_quantity_as<Flops>("4.1Gf").v, 4.1e9);
  EXPECT_DOUBLE_EQ(parse_quantity_as<Flops>("2GFLOP").v, 2e9);
  EXPECT_DOUBLE_EQ(parse_quantity_as<FlopRate>("19.5Tf").v, 19.5e12);
  EXPECT_DOUBLE_EQ(parse_quantity_as<FlopRate>("312TFLOPS").v, 312e12);
  EXPECT_EQ(parse_quantity_as<Bytes>("2GiB").v, 2147483648.0);  // 2 x 2^30
  EXPECT_EQ(parse_quantity_as<Bytes>("40MB").v, 40e6);
  EXPECT_DOUBLE_EQ(parse_quantity_as<ByteRate>("900GBps").v, 900e9);
  EXPECT_EQ(parse_quantity_as<ByteRate>("1KiB/s").v, 1024.0);
  EXPECT_DOUBLE_EQ(parse_quantity_as<Seconds>("1.5ms").v, 1.5e-3);
  EXPECT_EQ(parse_quantity_as<Seconds>("2min").v, 120.0);
  EXPECT_EQ(parse_quantity_as<Seconds>("1h").v, 3600.0);
  EXPECT_DOUBLE_EQ(parse_quantity_as<Hertz>("1410MHz").v, 1.41e9);
  EXPECT_EQ(parse_quantity_as<PerSecond>("120/min").v, 2.0);
  EXPECT_EQ(parse_quantity_as<PerSecond>("30fps").v, 30.0);
  EXPECT_EQ(parse_quantity_as<Watts>("70W").v, 70.0);
  EXPECT_EQ(parse_quantity_as<Watts>("1.5kW").v, 1500.0);
  EXPECT_EQ(parse_quantity_as<Celsius>("85C").v, 85.0);
  EXPECT_DOUBLE_EQ(parse_quantity_as<KelvinPerWatt>("0.15K/W").v, 0.15);
}

TEST(TypedUnits, BareZeroIsAcceptedForEveryType) {
  EXPECT_EQ(parse_quantity_as<Seconds>("0").v, 0.0);
  EXPECT_EQ(parse_quantity_as<Bytes>(" 0 ").v, 0.0);
}

TEST(TypedUnits, AnotherDimensionIsRefusedWithTheExpectedMessage) {
  EXPECT_EQ(refusal([] { parse_quantity_as<Seconds>("16GiB"); }),
            "unknown unit 'GiB' in '16GiB': expected a duration with a unit, such as 33ms or 10s"
            " (accepted: s, ms, us, ns, min, h)");
  EXPECT_EQ(
      refusal([] { parse_quantity_as<Bytes>("900GBps"); }),
      "unknown unit 'GBps' in '900GBps': expected a size with a unit, such as 16GiB or 40MB (accepted: B, "
      "with an optional prefix k or K, M, G, T, P for powers of 10, or Ki, Mi, Gi, Ti, Pi for powers of 2)");
  EXPECT_EQ(refusal([] { parse_quantity_as<FlopRate>("1GiB"); }),
            "unknown unit 'GiB' in '1GiB': expected a compute rate with a unit, such as 19.5Tf or 19.5TFLOPS "
            "(accepted: f, f/s, FLOPS, FLOP/s, flops, flop/s, OPS, op/s, ops, with an optional prefix k or "
            "K, M, G, "
            "T, P for powers of 10)");
  EXPECT_EQ(refusal([] { parse_quantity_as<Bytes>("16"); }),
            "'16' has no unit: expected a size with a unit, such as 16GiB or 40MB");
  EXPECT_EQ(refusal([] { parse_quantity_as<Watts>("high"); }),
            "'high' is not a power with a unit, such as 70W");
}

TEST(TypedUnits, TheUntypedFormAgreesWithTheTypedOne) {
  EXPECT_EQ(parse_quantity("1.5ms", Dimension::SECONDS), parse_quantity_as<Seconds>("1.5ms").v);
  EXPECT_EQ(parse_quantity("2GiB", Dimension::BYTES), parse_quantity_as<Bytes>("2GiB").v);
  EXPECT_EQ(parse_quantity("0.15K/W", Dimension::KELVIN_PER_WATT),
            parse_quantity_as<KelvinPerWatt>("0.15K/W").v);
  EXPECT_EQ(refusal([] { parse_quantity("16GiB", Dimension::SECONDS); }),
            refusal([] { parse_quantity_as<Seconds>("16GiB"); }));
}

}  // namespace
}  // namespace gpusim
