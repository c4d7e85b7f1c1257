#include "core/units.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

namespace gpusim {
namespace {

struct Prefix {
  std::string_view text;
  double factor;
};

// k (or K)/M/G/T/P are powers of 10, Ki/Mi/Gi/Ti powers of 2 (binary only makes sense for bytes).
constexpr std::array<Prefix, 7> kDecimal{
    {{"", 1.0}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}}};
constexpr std::array<Prefix, 5> kBinary{{{"Ki", 1024.0},
                                        {"Mi", 1024.0 * 1024},
                                        {"Gi", 1024.0 * 1024 * 1024},
                                        {"Ti", 1024.0 * 1024 * 1024 * 1024},
                                        {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024}}};

struct Base {
  std::string_view text;
  double factor;
};

// Unit bases accepted per dimension; a prefix may stand before each base marked prefixable.
struct UnitTable {
  std::vector<Base> prefixable;
  std::vector<Base> plain;  // no prefix allowed (time and rate spellings)
  bool binary;              // also accept Ki/Mi/Gi prefixes
  double offset = 0.0;      // only for temperatures
};

UnitTable table_for(Dimension d) {
  switch (d) {
    case Dimension::FLOPS:
      return {{{"f", 1}, {"FLOP", 1}, {"flop", 1}, {"op", 1}, {"OP", 1}}, {}, false};
    case Dimension::FLOP_RATE:
      return {{{"f", 1},
               {"f/s", 1},
               {"FLOPS", 1},
               {"FLOP/s", 1},
               {"flops", 1},
               {"flop/s", 1},
               {"OPS", 1},
               {"op/s", 1},
               {"ops", 1}},
              {},
              false};
    case Dimension::BYTES:
      return {{{"B", 1}}, {}, true};
    case Dimension::BYTE_RATE:
      return {{{"Bps", 1}, {"B/s", 1}}, {}, true};
    case Dimension::SECONDS:
      return {{}, {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"min", 60}, {"h", 3600}}, false};
    case Dimension::HERTZ:
      return {{{"Hz", 1}}, {}, false};
    case Dimension::PER_SECOND:
      return {{},
              {{"/s", 1}, {"/ms", 1e3}, {"/min", 1.0 / 60}, {"/h", 1.0 / 3600}, {"Hz", 1}, {"rps", 1}, {"fps", 1}},
              false};
    case Dimension::WATTS:
      return {{{"W", 1}}, {}, false};
    case Dimension::CELSIUS:
      return {{}, {{"C", 1}, {"degC", 1}}, false};
    case Dimension::KELVIN_PER_WATT:
      return {{}, {{"K/W", 1}, {"C/W", 1}}, false};
  }
  return {};
}

bool match_suffix(std::string_view suffix, const UnitTable& t, double& factor) {
  for (const auto& b : t.plain) {
    if (suffix == b.text) {
      factor = b.factor;
      return true;
    }
  }
  for (const auto& b : t.prefixable) {
    if (suffix.size() < b.text.size() || suffix.substr(suffix.size() - b.text.size()) != b.text) continue;
    const std::string_view prefix = suffix.substr(0, suffix.size() - b.text.size());
    for (const auto& p : kDecimal) {
      if (prefix == p.text) {
        factor = p.factor * b.factor;
        return true;
      }
    }
    if (t.binary) {
      for (const auto& p : kBinary) {
        if (prefix == p.text) {
          factor = p.factor * b.factor;
          return true;
        }
      }
    }
  }
  return false;
}

// The spellings accepted in `t`, for the "unknown unit" message.
std::string accepted_units(const UnitTable& t) {
  std::string out;
  const auto add = [&out](std::string_view text) {
    if (!out.empty()) out += ", ";
    out += text;
  };
  for (const auto& b : t.plain) add(b.text);
  for (const auto& b : t.prefixable) add(b.text);
  if (!t.prefixable.empty()) {
    out += ", with an optional prefix k or K, M, G, T, P for powers of 10";
    if (t.binary) out += ", or Ki, Mi, Gi, Ti, Pi for powers of 2";
  }
  return out;
}

}  // namespace

std::string describe(Dimension d) {
  switch (d) {
    case Dimension::FLOPS:
      return "an operation count with a unit, such as 4.1Gf or 4.1GFLOP";
    case Dimension::FLOP_RATE:
      return "a compute rate with a unit, such as 19.5Tf or 19.5TFLOPS";
    case Dimension::BYTES:
      return "a size with a unit, such as 16GiB or 40MB";
    case Dimension::BYTE_RATE:
      return "a bandwidth with a unit, such as 900GBps";
    case Dimension::SECONDS:
      return "a duration with a unit, such as 33ms or 10s";
    case Dimension::HERTZ:
      return "a frequency with a unit, such as 1410MHz";
    case Dimension::PER_SECOND:
      return "a rate with a unit, such as 30/s";
    case Dimension::WATTS:
      return "a power with a unit, such as 70W";
    case Dimension::CELSIUS:
      return "a temperature with a unit, such as 85C";
    case Dimension::KELVIN_PER_WATT:
      return "a thermal resistance with a unit, such as 0.15K/W";
  }
  return "a value with a unit";
}

namespace {

// The SI value of `text` in dimension `d`; the one parser behind both parse_quantity forms.
double parse_in(std::string_view text, Dimension d) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double number = 0.0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc() || !std::isfinite(number)) {
    throw std::invalid_argument(fmt::format("'{}' is not {}", text, describe(d)));
  }
  std::string_view suffix(ptr, static_cast<size_t>(end - ptr));
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  if (suffix.empty()) {
    if (number == 0.0) return 0.0;
    throw std::invalid_argument(fmt::format("'{}' has no unit: expected {}", text, describe(d)));
  }
  const UnitTable t = table_for(d);
  double factor = 0.0;
  if (!match_suffix(suffix, t, factor)) {
    throw std::invalid_argument(fmt::format("unknown unit '{}' in '{}': expected {} (accepted: {})", suffix,
                                            text, describe(d), accepted_units(t)));
  }
  return number * factor + t.offset;
}

}  // namespace

template <class Q>
Q parse_quantity_as(std::string_view text) {
  return Q{parse_in(text, QuantityTraits<Q>::dimension)};
}

template Flops parse_quantity_as<Flops>(std::string_view);
template FlopRate parse_quantity_as<FlopRate>(std::string_view);
template Bytes parse_quantity_as<Bytes>(std::string_view);
template ByteRate parse_quantity_as<ByteRate>(std::string_view);
template Seconds parse_quantity_as<Seconds>(std::string_view);
template Hertz parse_quantity_as<Hertz>(std::string_view);
template PerSecond parse_quantity_as<PerSecond>(std::string_view);
template Watts parse_quantity_as<Watts>(std::string_view);
template Celsius parse_quantity_as<Celsius>(std::string_view);
template KelvinPerWatt parse_quantity_as<KelvinPerWatt>(std::string_view);

double parse_quantity(std::string_view text, Dimension d) {
  switch (d) {
    case Dimension::FLOPS:
      return parse_quantity_as<Flops>(text).v;
    case Dimension::FLOP_RATE:
      return parse_quantity_as<FlopRate>(text).v;
    case Dimension::BYTES:
      return parse_quantity_as<Bytes>(text).v;
    case Dimension::BYTE_RATE:
      return parse_quantity_as<ByteRate>(text).v;
    case Dimension::SECONDS:
      return parse_quantity_as<Seconds>(text).v;
    case Dimension::HERTZ:
      return parse_quantity_as<Hertz>(text).v;
    case Dimension::PER_SECOND:
      return parse_quantity_as<PerSecond>(text).v;
    case Dimension::WATTS:
      return parse_quantity_as<Watts>(text).v;
    case Dimension::CELSIUS:
      return parse_quantity_as<Celsius>(text).v;
    case Dimension::KELVIN_PER_WATT:
      return parse_quantity_as<KelvinPerWatt>(text).v;
  }
  return parse_in(text, d);
}

std::string format_si(double value, std::string_view unit, int significant) {
  static constexpr std::array<std::pair<double, const char*>, 8> kSteps{{{1e15, "P"},
                                                                        {1e12, "T"},
                                                                        {1e9, "G"},
                                                                        {1e6, "M"},
                                                                        {1e3, "k"},
                                                                        {1.0, ""},
                                                                        {1e-3, "m"},
                                                                        {1e-6, "u"}}};
  if (value == 0.0) return fmt::format("0 {}", unit);
  const double mag = std::fabs(value);
  for (const auto& [scale, prefix] : kSteps) {
    if (mag >= scale * 0.9995) {
      return fmt::format("{:.{}g} {}{}", value / scale, significant, prefix, unit);
    }
  }
  return fmt::format("{:.{}g} {}", value, significant, unit);
}

}  // namespace gpusim
