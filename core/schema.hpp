#pragma once
/// The schema of an input file: one FieldSpec per key, with what it holds, its accepted range, its default
/// and a one-line description. The spec parsers read and check fields through it, and gpusim_schema_doc
/// writes docs/input-reference.md from it, so the checks and the documented ranges cannot drift apart.

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "core/units.hpp"
#include "core/yaml_reader.hpp"

namespace gpusim {

/// What a field holds.
enum class FieldKind {
  QUANTITY,  ///< a number with a unit of `dimension`
  INTEGER,   ///< a whole number
  NUMBER,    ///< a plain (dimensionless) number
  NAME,      ///< an identifier: non-empty printable ASCII
  TEXT,      ///< free text
  CHOICE,    ///< one of the words listed in the range
  FLAG,      ///< true or false
  LIST,      ///< a list (its items are documented as PATH[])
  MAPPING,   ///< a mapping (its keys are documented as PATH.KEY)
};

/// One field of an input file. Bounds are written as a user writes them ("1us", "1e6s", "100000") and
/// are inclusive; `min` and `max` are empty where the kind has no range.
struct FieldSpec {
  std::string path;  ///< where it sits: "run.duration", "workloads[].arrival.rate"
  FieldKind kind = FieldKind::TEXT;
  Dimension dimension = Dimension::SECONDS;  ///< QUANTITY only
  std::string min;                           ///< lowest accepted value
  std::string max;                           ///< highest accepted value
  bool zero_too = false;   ///< 0 is accepted as well as [min, max] ("no input" vs at least 1 B)
  std::string range_note;  ///< a rule the bounds cannot say (relative to another field), or CHOICE words
  std::string presence;    ///< "required", or the default as a user would write it
  std::string doc;         ///< one line

  /// The key as written in the file: the last part of `path`.
  std::string key() const;
  /// The range in words, e.g. "1us to 1e6s", "0, or 1B to 1PB"; empty when there is none.
  std::string range_text() const;
};

/// The fields of one input file, in the order the documentation lists them.
struct Schema {
  std::string title;  ///< "platform.yaml"
  std::string intro;  ///< a paragraph for the documentation
  std::vector<FieldSpec> fields;

  /// The field at `path`; an always-on assertion if there is none (a bug in the parser, not in the input).
  const FieldSpec& at(std::string_view path) const;
};

/// FieldSpec builders, so schema tables read as one line per field.
FieldSpec quantity_field(std::string path, Dimension d, std::string min, std::string max,
                         std::string presence, std::string doc);
FieldSpec integer_field(std::string path, long long min, long long max, std::string presence,
                        std::string doc);
FieldSpec number_field(std::string path, std::string min, std::string max, std::string presence,
                       std::string doc);
FieldSpec plain_field(std::string path, FieldKind kind, std::string presence, std::string doc);
/// A field that takes one of the words `words` (shown as its range).
FieldSpec choice_field(std::string path, std::string words, std::string presence, std::string doc);

/// Markdown for the schemas: one table per file (field, kind and unit, range, default, meaning).
std::string schema_markdown(const std::vector<const Schema*>& schemas);

/// Checks a value read from `node` against the field's range; the error points at the value and states the
/// range: "'period' must be between 1us and 1e6s (got '1e-320ms')". `key` replaces the field's key in the
/// message where the path has a placeholder ("peaks.fp32" for "peaks.<precision>").
void check_range(const std::string& file, const YAML::Node& node, const FieldSpec& f, double value,
                 const std::string& key = "");

/// A name (of a node, device, workload, stage, catalog entry): non-empty, printable ASCII (no control
/// characters); the error points at the value.
void check_name(const std::string& file, const YAML::Node& node, const std::string& key,
                const std::string& value);

/// The quantity of field `f` (required): a value at or below zero when the range starts above zero gets
/// the reader's "must be greater than zero" message; then the range is checked.
template <class Q>
Q get_in(MapReader& m, const FieldSpec& f);
/// As get_in, or `fallback` when the key is absent.
template <class Q>
Q get_in_or(MapReader& m, const FieldSpec& f, Q fallback);
/// The whole number of field `f`, within its range, or `fallback` when absent.
long long int_in_or(MapReader& m, const FieldSpec& f, long long fallback);
/// The whole number of field `f` (required), within its range.
long long int_in(MapReader& m, const FieldSpec& f);
/// The plain number of field `f`, within its range, or `fallback` when absent.
double number_in_or(MapReader& m, const FieldSpec& f, double fallback);
/// The name under field `f` (required), checked by check_name.
std::string name_in(MapReader& m, const FieldSpec& f);

namespace schema_detail {
/// The "must be greater than zero" check of MapReader::get_positive, for fields whose range starts above 0.
void check_positive(const std::string& file, const YAML::Node& n, const FieldSpec& f, double value);
}  // namespace schema_detail

template <class Q>
Q get_in(MapReader& m, const FieldSpec& f) {
  GPUSIM_CHECK(f.kind == FieldKind::QUANTITY && f.dimension == QuantityTraits<Q>::dimension, f.path);
  const std::string key = f.key();
  const YAML::Node n = m.required(key);
  const Q q = quantity_of<Q>(m.file(), n, key);
  schema_detail::check_positive(m.file(), n, f, q.v);
  check_range(m.file(), n, f, q.v);
  return q;
}

template <class Q>
Q get_in_or(MapReader& m, const FieldSpec& f, Q fallback) {
  const std::string key = f.key();
  GPUSIM_CHECK(f.kind == FieldKind::QUANTITY && f.dimension == QuantityTraits<Q>::dimension, f.path);
  auto n = m.optional(key);
  if (!n) return fallback;
  const Q q = quantity_of<Q>(m.file(), *n, key);
  schema_detail::check_positive(m.file(), *n, f, q.v);
  check_range(m.file(), *n, f, q.v);
  return q;
}

}  // namespace gpusim
