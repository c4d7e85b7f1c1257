#pragma once
/// Strict reading of YAML mappings: every key must be known, every dimensioned value carries a unit,
/// every error names FILE:LINE:COL. Used only by the spec parsers (the config boundary).

#include <yaml-cpp/yaml.h>

#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/source_loc.hpp"
#include "core/units.hpp"

namespace gpusim {

/// Loads a YAML file; a missing file or a syntax error becomes a ConfigError with its location. The file must
/// be a regular file (a FIFO or a device is refused before it is opened) of one document, within the limits
/// of core/file_checks.hpp (size, line length, nesting); CR and CRLF line ends read as LF.
YAML::Node load_yaml_file(const std::string& path);

/// "FILE:LINE:COL: error: MESSAGE" for a node (yaml-cpp marks are 0-based; this adds 1).
ConfigError error_at(const std::string& file, const YAML::Node& node, const std::string& message);
ConfigError error_at(const std::string& file, const YAML::Mark& mark, const std::string& message);

/// A mapping being read; finish() rejects keys nobody asked for, and duplicated keys.
class MapReader {
 public:
  /// `what` names the mapping in messages ("device 'gpu0'").
  MapReader(const YAML::Node& node, std::string file, std::string what);

  bool has(const std::string& key) const;
  /// The node under `key`; a ConfigError naming the key if it is missing.
  YAML::Node required(const std::string& key);
  /// The node under `key`, or nothing.
  std::optional<YAML::Node> optional(const std::string& key);

  std::string required_string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  /// The quantity under `key`, in the units its type `Q` accepts: `get<Seconds>("duration")`.
  template <class Q>
  Q get(const std::string& key);
  /// The quantity under `key`, or `fallback` when the key is absent.
  template <class Q>
  Q get_or(const std::string& key, Q fallback);
  /// A quantity under `key` that must be strictly greater than zero.
  template <class Q>
  Q get_positive(const std::string& key);
  /// A quantity strictly greater than zero under `key`, or `fallback` when the key is absent.
  template <class Q>
  Q get_positive_or(const std::string& key, Q fallback);
  /// A whole number within [min_value, max_value]; the default maximum keeps it within an int.
  long long required_int(const std::string& key, long long min_value,
                         long long max_value = std::numeric_limits<int>::max());
  long long int_or(const std::string& key, long long min_value, long long fallback,
                   long long max_value = std::numeric_limits<int>::max());
  /// A plain (dimensionless) number within [lo, hi].
  double number_or(const std::string& key, double lo, double hi, double fallback);
  bool bool_or(const std::string& key, bool fallback);

  /// Rejects unknown keys (listing the known ones) and duplicated keys.
  void finish() const;

  const std::string& file() const { return file_; }
  const YAML::Node& node() const { return node_; }
  ConfigError error(const YAML::Node& at, const std::string& message) const { return error_at(file_, at, message); }

 private:
  // `value` read from `n`, which must be strictly greater than zero.
  double check_positive(const YAML::Node& n, double value, const std::string& key) const;

  YAML::Node node_;
  std::string file_;
  std::string what_;
  std::set<std::string> used_;
};

/// The location of a node, kept in specs for checks made after parsing.
SourceLoc loc_of(const std::string& file, const YAML::Node& node);
/// The error for a scalar under `key` that is not the quantity expected (`what` says why); points at it.
ConfigError quantity_error(const std::string& file, const YAML::Node& node, const std::string& key,
                           const std::string& what);
/// A whole number within [min_value, max_value]; errors point at the scalar.
long long whole_number_of(const std::string& file, const YAML::Node& node, const std::string& key,
                          long long min_value, long long max_value);
/// Reads a scalar as a string; a map or a list here is an error.
std::string scalar_of(const std::string& file, const YAML::Node& node, const std::string& key);
/// The node must be a sequence.
void require_sequence(const std::string& file, const YAML::Node& node, const std::string& key);

/// Parses a scalar as quantity `Q` (its type chooses the accepted units); errors point at the scalar.
template <class Q>
Q quantity_of(const std::string& file, const YAML::Node& node, const std::string& key) {
  const std::string text = scalar_of(file, node, key);
  try {
    return parse_quantity_as<Q>(text);
  } catch (const std::invalid_argument& e) {
    throw quantity_error(file, node, key, e.what());
  }
}

template <class Q>
Q MapReader::get(const std::string& key) {
  return quantity_of<Q>(file_, required(key), key);
}

template <class Q>
Q MapReader::get_or(const std::string& key, Q fallback) {
  auto n = optional(key);
  return n ? quantity_of<Q>(file_, *n, key) : fallback;
}

template <class Q>
Q MapReader::get_positive(const std::string& key) {
  const YAML::Node n = required(key);
  return Q{check_positive(n, quantity_of<Q>(file_, n, key).v, key)};
}

template <class Q>
Q MapReader::get_positive_or(const std::string& key, Q fallback) {
  auto n = optional(key);
  return n ? Q{check_positive(*n, quantity_of<Q>(file_, *n, key).v, key)} : fallback;
}

}  // namespace gpusim
