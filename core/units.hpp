#pragma once
/// Strong types for dimensioned quantities and the parser for unit strings ("19.5Tf", "900GBps").
///
/// Every quantity is stored in SI base units (FLOP, byte, second, hertz, watt, kelvin offset from
/// celsius). Raw doubles appear only at the SimGrid boundary and in output columns.

#include <string>
#include <string_view>

namespace gpusim {

/// A double tagged with its dimension; arithmetic only between like quantities.
template <class Tag>
struct Quantity {
  double v = 0.0;
  constexpr Quantity() = default;
  constexpr explicit Quantity(double value) : v(value) {}
  constexpr Quantity operator+(Quantity o) const { return Quantity{v + o.v}; }
  constexpr Quantity operator-(Quantity o) const { return Quantity{v - o.v}; }
  constexpr Quantity operator*(double k) const { return Quantity{v * k}; }
  constexpr Quantity operator/(double k) const { return Quantity{v / k}; }
  constexpr double operator/(Quantity o) const { return v / o.v; }
  constexpr Quantity& operator+=(Quantity o) {
    v += o.v;
    return *this;
  }
  constexpr bool operator<(Quantity o) const { return v < o.v; }
  constexpr bool operator>(Quantity o) const { return v > o.v; }
  constexpr bool operator<=(Quantity o) const { return v <= o.v; }
  constexpr bool operator>=(Quantity o) const { return v >= o.v; }
  constexpr bool operator==(Quantity o) const { return v == o.v; }
  constexpr bool operator!=(Quantity o) const { return v != o.v; }
};
template <class Tag>
constexpr Quantity<Tag> operator*(double k, Quantity<Tag> q) {
  return Quantity<Tag>{k * q.v};
}

using Flops = Quantity<struct FlopsTag>;          ///< floating-point (or integer) operations
using FlopRate = Quantity<struct FlopRateTag>;    ///< operations per second
using Bytes = Quantity<struct BytesTag>;          ///< bytes
using ByteRate = Quantity<struct ByteRateTag>;    ///< bytes per second
using Seconds = Quantity<struct SecondsTag>;      ///< seconds
using Hertz = Quantity<struct HertzTag>;          ///< cycles per second (clocks)
using PerSecond = Quantity<struct PerSecondTag>;  ///< events per second (arrival rates)
using Watts = Quantity<struct WattsTag>;          ///< power
using Joules = Quantity<struct JoulesTag>;        ///< energy
using Celsius = Quantity<struct CelsiusTag>;      ///< temperature
using KelvinPerWatt = Quantity<struct KPerWTag>;  ///< thermal resistance

constexpr Seconds operator/(Flops f, FlopRate r) { return Seconds{f.v / r.v}; }
constexpr Seconds operator/(Bytes b, ByteRate r) { return Seconds{b.v / r.v}; }
constexpr Flops operator*(FlopRate r, Seconds s) { return Flops{r.v * s.v}; }
constexpr Bytes operator*(ByteRate r, Seconds s) { return Bytes{r.v * s.v}; }
constexpr Joules operator*(Watts p, Seconds s) { return Joules{p.v * s.v}; }
constexpr Seconds period_of(PerSecond r) { return Seconds{1.0 / r.v}; }

/// The dimension a configuration value is expected to carry; chooses the accepted suffixes.
enum class Dimension {
  FLOPS,
  FLOP_RATE,
  BYTES,
  BYTE_RATE,
  SECONDS,
  HERTZ,
  PER_SECOND,
  WATTS,
  CELSIUS,
  KELVIN_PER_WATT,
};

/// The dimension whose units a quantity type is written in; defined for every type a configuration value
/// can have, so `parse_quantity_as<Joules>` does not compile (energy is never an input).
template <class Q>
struct QuantityTraits;

/// Operation counts are written like "4.1Gf".
template <>
struct QuantityTraits<Flops> {
  static constexpr Dimension dimension = Dimension::FLOPS;
};
/// Compute rates are written like "19.5Tf".
template <>
struct QuantityTraits<FlopRate> {
  static constexpr Dimension dimension = Dimension::FLOP_RATE;
};
/// Sizes are written like "16GiB".
template <>
struct QuantityTraits<Bytes> {
  static constexpr Dimension dimension = Dimension::BYTES;
};
/// Bandwidths are written like "900GBps".
template <>
struct QuantityTraits<ByteRate> {
  static constexpr Dimension dimension = Dimension::BYTE_RATE;
};
/// Durations are written like "33ms".
template <>
struct QuantityTraits<Seconds> {
  static constexpr Dimension dimension = Dimension::SECONDS;
};
/// Clocks are written like "1410MHz".
template <>
struct QuantityTraits<Hertz> {
  static constexpr Dimension dimension = Dimension::HERTZ;
};
/// Event rates are written like "30/s".
template <>
struct QuantityTraits<PerSecond> {
  static constexpr Dimension dimension = Dimension::PER_SECOND;
};
/// Powers are written like "70W".
template <>
struct QuantityTraits<Watts> {
  static constexpr Dimension dimension = Dimension::WATTS;
};
/// Temperatures are written like "85C".
template <>
struct QuantityTraits<Celsius> {
  static constexpr Dimension dimension = Dimension::CELSIUS;
};
/// Thermal resistances are written like "0.15K/W".
template <>
struct QuantityTraits<KelvinPerWatt> {
  static constexpr Dimension dimension = Dimension::KELVIN_PER_WATT;
};

/// Human name of a dimension with an example, for error messages ("a byte rate such as 900GBps").
std::string describe(Dimension d);

/// Parses "19.5Tf", "900GBps", "16GiB", "33ms", "30/s", "70W" into quantity `Q`, whose type chooses the
/// accepted units (QuantityTraits<Q>::dimension): parse_quantity_as<Seconds>("1.5ms") == Seconds{1.5e-3}.
/// A bare number is accepted only when it is exactly 0. Throws std::invalid_argument with a message
/// that says what was expected (the caller adds file:line:col).
template <class Q>
Q parse_quantity_as(std::string_view text);

extern template Flops parse_quantity_as<Flops>(std::string_view);
extern template FlopRate parse_quantity_as<FlopRate>(std::string_view);
extern template Bytes parse_quantity_as<Bytes>(std::string_view);
extern template ByteRate parse_quantity_as<ByteRate>(std::string_view);
extern template Seconds parse_quantity_as<Seconds>(std::string_view);
extern template Hertz parse_quantity_as<Hertz>(std::string_view);
extern template PerSecond parse_quantity_as<PerSecond>(std::string_view);
extern template Watts parse_quantity_as<Watts>(std::string_view);
extern template Celsius parse_quantity_as<Celsius>(std::string_view);
extern template KelvinPerWatt parse_quantity_as<KelvinPerWatt>(std::string_view);

/// Untyped form of parse_quantity_as, for a dimension chosen at run time: the SI value of the quantity
/// type of dimension `d`, with the same rules and messages.
double parse_quantity(std::string_view text, Dimension d);

/// Formats a value with an SI prefix and unit, e.g. format_si(1.95e13, "FLOP/s") == "19.5 TFLOP/s".
std::string format_si(double value, std::string_view unit, int significant = 3);

}  // namespace gpusim
