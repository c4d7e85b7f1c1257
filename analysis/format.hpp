#pragma once
/// Numbers for people: digit grouping, bytes with binary prefixes, durations with a readable unit.

#include <string>

namespace gpusim {

/// An integer with thousands separators: 221161984 -> "221,161,984".
std::string group_digits(double value);

/// A byte count with a binary prefix and the exact figure: "4.54 MiB (4,761,344 B)".
std::string describe_bytes(double bytes);

/// A duration with a readable unit: "1.23 ms", "456 us", "2.5 s".
std::string describe_seconds(double seconds);

}  // namespace gpusim
