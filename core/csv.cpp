#include "core/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "core/errors.hpp"
#include "core/file_checks.hpp"

namespace gpusim {
namespace {

std::string join(const std::vector<std::string>& a, const std::vector<std::string>& b = {}) {
  std::string list;
  for (const auto& k : a) list += (list.empty() ? "" : ", ") + k;
  for (const auto& k : b) list += (list.empty() ? "" : ", ") + k;
  return list;
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line, const std::string& where) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      out.push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw ConfigError(fmt::format("{}: error: unterminated quoted field", where));
  out.push_back(field);
  return out;
}

CsvFile::CsvFile(const std::string& path, const std::vector<std::string>& required,
                 const std::vector<std::string>& optional)
    : path_(path) {
  refuse_unreadable_input(path, kMaxDataFileBytes, "a data file");
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: error: cannot read file", path));
  read(in, required, optional);
}

CsvFile::CsvFile(std::istream& in, const std::string& name, const std::vector<std::string>& required,
                 const std::vector<std::string>& optional)
    : path_(name) {
  read(in, required, optional);
}

void CsvFile::read(std::istream& in, const std::vector<std::string>& required,
                   const std::vector<std::string>& optional) {
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    auto fields = split_csv_line(line, fmt::format("{}:{}", path_, n));
    if (header_.empty()) {
      header_ = fields;
      header_line_ = n;
      continue;
    }
    if (fields.size() != header_.size()) {
      throw ConfigError(
          fmt::format("{}:{}: error: {} fields, the header has {}", path_, n, fields.size(), header_.size()));
    }
    rows_.push_back(Row{n, std::move(fields)});
  }
  if (header_.empty()) throw ConfigError(fmt::format("{}: error: no header line", path_));
  std::set<std::string> known(required.begin(), required.end());
  known.insert(optional.begin(), optional.end());
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (!known.count(header_[i])) {
      throw ConfigError(fmt::format("{}:{}: error: unknown column '{}' (known: {})", path_, header_line_,
                                    header_[i], join(required, optional)));
    }
    if (!column_.emplace(header_[i], i).second) {
      throw ConfigError(fmt::format("{}:{}: error: duplicate column '{}'", path_, header_line_, header_[i]));
    }
  }
  for (const auto& r : required) {
    if (!column_.count(r)) {
      throw ConfigError(fmt::format("{}:{}: error: missing column '{}'", path_, header_line_, r));
    }
  }
}

const std::string& CsvFile::text(const Row& r, const std::string& col) const {
  const auto it = column_.find(col);
  GPUSIM_CHECK(it != column_.end(), path_ + ": column '" + col + "' asked for but not read");
  return r.fields[it->second];
}

double CsvFile::number(const Row& r, const std::string& col) const {
  const std::string& s = text(r, col);
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (s.empty() || used != s.size() || !std::isfinite(v)) {
    throw ConfigError(fmt::format("{}:{}: error: column '{}': '{}' is not a number", path_, r.line, col, s));
  }
  return v;
}

double CsvFile::positive(const Row& r, const std::string& col) const {
  const double v = number(r, col);
  if (v <= 0) {
    throw ConfigError(fmt::format("{}:{}: error: column '{}': {} must be positive", path_, r.line, col, v));
  }
  return v;
}

int CsvFile::integer(const Row& r, const std::string& col) const {
  const double v = positive(r, col);
  if (v != std::floor(v) || v > 1e9) {
    throw ConfigError(
        fmt::format("{}:{}: error: column '{}': {} must be a whole number", path_, r.line, col, v));
  }
  return static_cast<int>(v);
}

bool CsvFile::flag(const Row& r, const std::string& col) const {
  const std::string& s = text(r, col);
  if (s == "0" || s == "1") return s == "1";
  throw ConfigError(fmt::format("{}:{}: error: column '{}': '{}' must be 0 or 1", path_, r.line, col, s));
}

std::string CsvFile::one_of(const Row& r, const std::string& col,
                            const std::vector<std::string>& allowed) const {
  const std::string& s = text(r, col);
  if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return s;
  throw ConfigError(fmt::format("{}:{}: error: column '{}': unknown value '{}' (known: {})", path_, r.line,
                                col, s, join(allowed)));
}

}  // namespace gpusim
