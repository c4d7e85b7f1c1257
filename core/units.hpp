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

/// Human name of a dimension with an example, for error messages ("a byte rate such as 900GBps").
std::string describe(Dimension d);

/// Parses "19.5Tf", "900GBps", "16GiB", "33ms", "30/s", "70W" into the SI value of dimension `d`.
/// A bare number is accepted only when it is exactly 0. Throws std::invalid_argument with a message
/// that says what was expected (the caller adds file:line:col).
double parse_quantity(std::string_view text, Dimension d);

/// Formats a value with an SI prefix and unit, e.g. format_si(1.95e13, "FLOP/s") == "19.5 TFLOP/s".
std::string format_si(double value, std::string_view unit, int significant = 3);

}  // namespace gpusim
