#include "core/schema.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace gpusim {

namespace {

// The kind column of the documentation: what is written, with the SI unit it is stored in.
std::string kind_text(const FieldSpec& f) {
  switch (f.kind) {
    case FieldKind::QUANTITY:
      switch (f.dimension) {
        case Dimension::FLOPS:
          return "operations (f)";
        case Dimension::FLOP_RATE:
          return "compute rate (f/s)";
        case Dimension::BYTES:
          return "size (B)";
        case Dimension::BYTE_RATE:
          return "bandwidth (B/s)";
        case Dimension::SECONDS:
          return "duration (s)";
        case Dimension::HERTZ:
          return "frequency (Hz)";
        case Dimension::PER_SECOND:
          return "rate (/s)";
        case Dimension::WATTS:
          return "power (W)";
        case Dimension::CELSIUS:
          return "temperature (C)";
        case Dimension::KELVIN_PER_WATT:
          return "thermal resistance (K/W)";
      }
      return "quantity";
    case FieldKind::INTEGER:
      return "whole number";
    case FieldKind::NUMBER:
      return "number";
    case FieldKind::NAME:
      return "name";
    case FieldKind::TEXT:
      return "text";
    case FieldKind::CHOICE:
      return "one of";
    case FieldKind::FLAG:
      return "true/false";
    case FieldKind::LIST:
      return "list";
    case FieldKind::MAPPING:
      return "mapping";
  }
  return "?";
}

// The SI value of a bound as written in the schema.
double bound_value(const FieldSpec& f, const std::string& text) {
  if (f.kind == FieldKind::QUANTITY) return parse_quantity(text, f.dimension);
  return std::stod(text);
}

// A table cell: '|' would end the cell early.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string FieldSpec::key() const {
  const auto dot = path.find_last_of('.');
  std::string k = dot == std::string::npos ? path : path.substr(dot + 1);
  while (k.size() > 2 && k.compare(k.size() - 2, 2, "[]") == 0) k.resize(k.size() - 2);
  return k;
}

std::string FieldSpec::range_text() const {
  std::string out;
  if (!min.empty() && !max.empty()) out = fmt::format("{}{} to {}", zero_too ? "0, or " : "", min, max);
  if (!range_note.empty()) out += (out.empty() ? "" : "; ") + range_note;
  return out;
}

const FieldSpec& Schema::at(std::string_view path) const {
  for (const auto& f : fields) {
    if (f.path == path) return f;
  }
  GPUSIM_CHECK(false, fmt::format("schema '{}' has no field '{}'", title, path));
  return fields.front();
}

FieldSpec quantity_field(std::string path, Dimension d, std::string min, std::string max,
                         std::string presence, std::string doc) {
  FieldSpec f;
  f.path = std::move(path);
  f.kind = FieldKind::QUANTITY;
  f.dimension = d;
  f.min = std::move(min);
  f.max = std::move(max);
  f.presence = std::move(presence);
  f.doc = std::move(doc);
  return f;
}

FieldSpec integer_field(std::string path, long long min, long long max, std::string presence,
                        std::string doc) {
  FieldSpec f;
  f.path = std::move(path);
  f.kind = FieldKind::INTEGER;
  f.min = std::to_string(min);
  f.max = std::to_string(max);
  f.presence = std::move(presence);
  f.doc = std::move(doc);
  return f;
}

FieldSpec number_field(std::string path, std::string min, std::string max, std::string presence,
                       std::string doc) {
  FieldSpec f;
  f.path = std::move(path);
  f.kind = FieldKind::NUMBER;
  f.min = std::move(min);
  f.max = std::move(max);
  f.presence = std::move(presence);
  f.doc = std::move(doc);
  return f;
}

FieldSpec plain_field(std::string path, FieldKind kind, std::string presence, std::string doc) {
  FieldSpec f;
  f.path = std::move(path);
  f.kind = kind;
  f.presence = std::move(presence);
  f.doc = std::move(doc);
  return f;
}

FieldSpec choice_field(std::string path, std::string words, std::string presence, std::string doc) {
  FieldSpec f = plain_field(std::move(path), FieldKind::CHOICE, std::move(presence), std::move(doc));
  f.range_note = std::move(words);
  return f;
}

void check_range(const std::string& file, const YAML::Node& node, const FieldSpec& f, double value,
                 const std::string& key) {
  GPUSIM_CHECK(!f.min.empty() && !f.max.empty(), f.path);
  if (f.zero_too && value == 0.0) return;
  const double lo = bound_value(f, f.min);
  const double hi = bound_value(f, f.max);
  if (value >= lo && value <= hi) return;
  throw error_at(file, node,
                 fmt::format("'{}' must be {}between {} and {} (got '{}')", key.empty() ? f.key() : key,
                             f.zero_too ? "0 or " : "", f.min, f.max, node.Scalar()));
}

void check_name(const std::string& file, const YAML::Node& node, const std::string& key,
                const std::string& value) {
  if (value.empty()) throw error_at(file, node, fmt::format("'{}' must not be empty", key));
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c > 0x7e) {
      throw error_at(file, node,
                     fmt::format("'{}' must be printable ASCII without control characters (character {} is "
                                 "byte 0x{:02X})",
                                 key, i + 1, static_cast<unsigned>(c)));
    }
  }
}

namespace schema_detail {
void check_positive(const std::string& file, const YAML::Node& n, const FieldSpec& f, double value) {
  if (bound_value(f, f.min) > 0.0 && !f.zero_too && !(value > 0.0)) {
    throw error_at(file, n, fmt::format("'{}' must be greater than zero (got '{}')", f.key(), n.Scalar()));
  }
}
}  // namespace schema_detail

long long int_in_or(MapReader& m, const FieldSpec& f, long long fallback) {
  GPUSIM_CHECK(f.kind == FieldKind::INTEGER, f.path);
  return m.int_or(f.key(), std::stoll(f.min), fallback, std::stoll(f.max));
}

long long int_in(MapReader& m, const FieldSpec& f) {
  GPUSIM_CHECK(f.kind == FieldKind::INTEGER, f.path);
  return m.required_int(f.key(), std::stoll(f.min), std::stoll(f.max));
}

double number_in_or(MapReader& m, const FieldSpec& f, double fallback) {
  GPUSIM_CHECK(f.kind == FieldKind::NUMBER, f.path);
  return m.number_or(f.key(), std::stod(f.min), std::stod(f.max), fallback);
}

std::string name_in(MapReader& m, const FieldSpec& f) {
  GPUSIM_CHECK(f.kind == FieldKind::NAME, f.path);
  const std::string key = f.key();
  const YAML::Node n = m.required(key);
  const std::string value = scalar_of(m.file(), n, key);
  check_name(m.file(), n, key, value);
  return value;
}

std::string schema_markdown(const std::vector<const Schema*>& schemas) {
  std::string out;
  for (const Schema* s : schemas) {
    out += fmt::format("\n## {}\n\n{}\n\n", s->title, s->intro);
    out += "| Field | Kind | Range | Default | Meaning |\n";
    out += "|---|---|---|---|---|\n";
    for (const auto& f : s->fields) {
      const std::string range = f.range_text();
      out += fmt::format("| `{}` | {} | {} | {} | {} |\n", f.path, cell(kind_text(f)),
                         range.empty() ? "" : cell(range), cell(f.presence), cell(f.doc));
    }
  }
  return out;
}

}  // namespace gpusim
