#pragma once
/// Strict reading of YAML mappings: every key must be known, every dimensioned value carries a unit,
/// every error names FILE:LINE:COL. Used only by the spec parsers (the config boundary).

#include <yaml-cpp/yaml.h>

#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/source_loc.hpp"
#include "core/units.hpp"

namespace gpusim {

/// Loads a YAML file; a missing file or a syntax error becomes a ConfigError with its location.
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
  double required_quantity(const std::string& key, Dimension d);
  double quantity_or(const std::string& key, Dimension d, double fallback);
  /// A positive quantity (strictly > 0).
  double required_positive(const std::string& key, Dimension d);
  double positive_or(const std::string& key, Dimension d, double fallback);
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
  YAML::Node node_;
  std::string file_;
  std::string what_;
  std::set<std::string> used_;
};

/// The location of a node, kept in specs for checks made after parsing.
SourceLoc loc_of(const std::string& file, const YAML::Node& node);
/// Parses a scalar with a unit; errors point at the scalar.
double quantity_of(const std::string& file, const YAML::Node& node, Dimension d, const std::string& key);
/// A whole number within [min_value, max_value]; errors point at the scalar.
long long whole_number_of(const std::string& file, const YAML::Node& node, const std::string& key,
                          long long min_value, long long max_value);
/// Reads a scalar as a string; a map or a list here is an error.
std::string scalar_of(const std::string& file, const YAML::Node& node, const std::string& key);
/// The node must be a sequence.
void require_sequence(const std::string& file, const YAML::Node& node, const std::string& key);

}  // namespace gpusim
