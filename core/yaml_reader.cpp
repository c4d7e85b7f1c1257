#include "core/yaml_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/file_checks.hpp"
#include "core/overrides.hpp"

namespace gpusim {

ConfigError error_at(const std::string& file, const YAML::Mark& mark, const std::string& message) {
  if (mark.line < 0) return ConfigError(fmt::format("{}: error: {}", file, message));
  return ConfigError(fmt::format("{}:{}:{}: error: {}", file, mark.line + 1, mark.column + 1, message));
}

ConfigError error_at(const std::string& file, const YAML::Node& node, const std::string& message) {
  if (const std::string* label = OverrideScope::label_of(node)) {
    return ConfigError(fmt::format("{}: error: {}", *label, message));
  }
  return error_at(file, node.Mark(), message);
}

SourceLoc loc_of(const std::string& file, const YAML::Node& node) {
  if (const std::string* label = OverrideScope::label_of(node)) return SourceLoc{*label, 0, 0};
  return SourceLoc{file, node.Mark().line + 1, node.Mark().column + 1};
}

std::string SourceLoc::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

ConfigError SourceLoc::error(const std::string& message) const {
  return ConfigError(fmt::format("{}: error: {}", str(), message));
}

namespace {

/// Drops a UTF-8 byte order mark (the file reads as without it); refuses a UTF-16 or UTF-32 one, and points
/// at the first byte that is not UTF-8 (a stray Latin-1 byte, a truncated or overlong sequence, a
/// surrogate): yaml-cpp would otherwise read such bytes as something else, silently.
void check_utf8(const std::string& path, std::string& text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  if (text.rfind("\xFE\xFF", 0) == 0 || text.rfind("\xFF\xFE", 0) == 0 ||
      text.rfind(std::string("\0\0\xFE\xFF", 4), 0) == 0) {
    throw ConfigError(fmt::format("{}:1:1: error: the file starts with a UTF-16 or UTF-32 byte order mark; "
                                  "save it as UTF-8",
                                  path));
  }
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    unsigned min = 0;
    if (c < 0x80) {
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4, min = 0x10000;
    }
    bool ok = n > 0 && i + n <= text.size();
    unsigned code = n <= 1 ? c : c & (0x3Fu >> (n - 1));  // n == 0: not a lead byte (ok is false)
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      ok = (b & 0xC0) == 0x80;
      code = (code << 6) | (b & 0x3F);
    }
    ok = ok && code >= min && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
    if (!ok) {
      throw ConfigError(fmt::format("{}:{}:{}: error: byte 0x{:02X} is not UTF-8 text (a YAML file must be "
                                    "UTF-8)",
                                    path, line, column, c));
    }
    // YAML text is printable: yaml-cpp would read a NUL as the end of the file (the rest silently gone).
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      throw ConfigError(
          fmt::format("{}:{}:{}: error: control character 0x{:02X} is not allowed in a YAML file", path, line,
                      column, c));
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
}

/// The first line longer than kMaxYamlLineBytes is an error pointing just past the limit.
void check_line_lengths(const std::string& path, const std::string& text) {
  std::size_t start = 0;
  int line = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end - start > kMaxYamlLineBytes) {
      throw ConfigError(fmt::format("{}:{}:{}: error: line too long: a YAML line may hold at most {}", path,
                                    line, kMaxYamlLineBytes + 1, binary_size(kMaxYamlLineBytes)));
    }
    start = end + 1;
    ++line;
  }
}

ConfigError too_deep(const std::string& path, int line, int column) {
  return ConfigError(
      fmt::format("{}:{}:{}: error: nested too deeply: a YAML file may nest lists and mappings at "
                  "most {} levels deep",
                  path, line, column, kMaxYamlDepth));
}

/// Flow collections ('[' and '{') nested deeper than the limit, found before yaml-cpp sees the text: its
/// scanner takes in a whole run of unclosed openers (gigabytes for a few megabytes of '{') before the parser
/// can count them. Follows YAML closely enough for that: quoted scalars and comments are skipped, and in
/// block context an opener counts only where a value starts.
void check_flow_depth(const std::string& path, const std::string& text) {
  int depth = 0;
  int line = 1;
  int column = 0;
  bool value_start = true;  // the next character may start a node
  char quote = 0;           // inside a quoted scalar: its quote character
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      if (depth == 0 && !quote) value_start = true;
      continue;
    }
    if (quote) {
      if (quote == '"' && c == '\\') {
        ++i;
        ++column;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
          ++column;
        } else {
          quote = 0;
        }
      }
      continue;
    }
    const bool after_space = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n';
    if (c == '#' && after_space) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == ' ' || c == '\t') continue;
    const bool next_blank =
        i + 1 >= text.size() || text[i + 1] == ' ' || text[i + 1] == '\t' || text[i + 1] == '\n';
    if ((c == '[' || c == '{') && (depth > 0 || value_start)) {
      if (++depth > kMaxYamlDepth) throw too_deep(path, line, column);
      value_start = true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
      value_start = false;
    } else if ((c == '\'' || c == '"') && value_start) {
      quote = c;
      value_start = false;
    } else if (depth > 0 && (c == ',' || c == ':')) {
      value_start = true;
    } else if ((c == '-' || c == ':' || c == '?') && next_blank) {
      value_start = true;
    } else {
      value_start = false;
    }
  }
}

/// Walks the parse events: nesting beyond the limit, and a second document, are errors at their place.
class DocumentChecker : public YAML::EventHandler {
 public:
  DocumentChecker(std::string path, bool first) : path_(std::move(path)), first_(first) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    start_ = mark;
    if (!first_) {
      throw error_at(path_, mark, "a second YAML document starts here; gpusim reads one document per file");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {
    if (depth_ == 0 && null_root_.line < 0) null_root_ = start_;
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    enter(mark);
  }
  void OnMapEnd() override { --depth_; }

  /// Where the document starts when its root is null ("~", "null", a bare "---"); line -1 otherwise.
  const YAML::Mark& null_root() const { return null_root_; }

 private:
  void enter(const YAML::Mark& mark) {
    if (++depth_ > kMaxYamlDepth) throw too_deep(path_, mark.line + 1, mark.column + 1);
  }

  std::string path_;
  bool first_;
  int depth_ = 0;
  YAML::Mark start_ = YAML::Mark::null_mark();
  YAML::Mark null_root_ = YAML::Mark::null_mark();
};

}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
  refuse_unreadable_input(path, kMaxYamlFileBytes, "a YAML file");
  if (check_input_file(path, kMaxYamlFileBytes, "a YAML file").problem == InputFileProblem::MISSING) {
    throw ConfigError(fmt::format("{}: error: cannot open file", path));
  }
  std::optional<std::string> text = read_bounded(path, kMaxYamlFileBytes);
  if (!text) throw ConfigError(fmt::format("{}: error: cannot open file", path));
  if (text->size() > kMaxYamlFileBytes) {
    throw ConfigError(fmt::format("{}: error: file too large: more than the {} limit for a YAML file", path,
                                  binary_size(kMaxYamlFileBytes)));
  }
  normalize_line_ends(*text);
  check_utf8(path, *text);
  check_line_lengths(path, *text);
  check_flow_depth(path, *text);
  try {
    std::istringstream events(*text);
    YAML::Parser parser(events);
    DocumentChecker first(path, true);
    if (parser.HandleNextDocument(first)) {
      DocumentChecker second(path, false);
      parser.HandleNextDocument(second);
    }
    YAML::Node root = YAML::Load(*text);
    if (!root.IsDefined() || root.IsNull()) {
      // A document whose root is null is an error at that root; no document at all (nothing but blank
      // lines and comments) is about the whole file.
      if (first.null_root().line >= 0) {
        throw error_at(path, first.null_root(), "the document is empty (null)");
      }
      throw ConfigError(fmt::format("{}: error: file is empty", path));
    }
    return root;
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's message without its own location prefix.
    throw error_at(path, e.mark, fmt::format("malformed YAML: {}", e.msg));
  }
}

MapReader::MapReader(const YAML::Node& node, std::string file, std::string what)
    : node_(node), file_(std::move(file)), what_(std::move(what)) {
  if (!node_.IsMap()) throw error_at(file_, node_, fmt::format("{} must be a mapping of key: value", what_));
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) {
      throw error_at(file_, kv.first, fmt::format("{}: a key must be a plain name, not a list or a mapping", what_));
    }
  }
}

namespace {
// Looks a key up without creating it (operator[] on a non-const node may insert).
YAML::Node lookup(const YAML::Node& map, const std::string& key) { return map[key]; }
}  // namespace

bool MapReader::has(const std::string& key) const { return static_cast<bool>(lookup(node_, key)); }

YAML::Node MapReader::required(const std::string& key) {
  used_.insert(key);
  YAML::Node n = lookup(node_, key);
  if (!n || n.IsNull()) throw error_at(file_, node_, fmt::format("{}: missing required key '{}'", what_, key));
  return n;
}

std::optional<YAML::Node> MapReader::optional(const std::string& key) {
  used_.insert(key);
  YAML::Node n = lookup(node_, key);
  if (!n || n.IsNull()) return std::nullopt;
  return n;
}

std::string scalar_of(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) throw error_at(file, node, fmt::format("'{}' must be a single value", key));
  return node.Scalar();
}

void require_sequence(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsSequence()) throw error_at(file, node, fmt::format("'{}' must be a list", key));
}

ConfigError quantity_error(const std::string& file, const YAML::Node& node, const std::string& key,
                           const std::string& what) {
  return error_at(file, node, fmt::format("'{}': {}", key, what));
}

std::string MapReader::required_string(const std::string& key) { return scalar_of(file_, required(key), key); }

std::string MapReader::string_or(const std::string& key, const std::string& fallback) {
  auto n = optional(key);
  return n ? scalar_of(file_, *n, key) : fallback;
}

double MapReader::check_positive(const YAML::Node& n, double value, const std::string& key) const {
  if (!(value > 0.0)) {
    throw error_at(file_, n, fmt::format("'{}' must be greater than zero (got '{}')", key, n.Scalar()));
  }
  return value;
}

long long whole_number_of(const std::string& file, const YAML::Node& n, const std::string& key,
                          long long min_value, long long max_value) {
  const std::string text = scalar_of(file, n, key);
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) {
    throw error_at(file, n, fmt::format("'{}' must be a whole number (got '{}')", key, text));
  }
  if (v < min_value) throw error_at(file, n, fmt::format("'{}' must be at least {} (got {})", key, min_value, v));
  if (v > max_value) throw error_at(file, n, fmt::format("'{}' must be at most {} (got {})", key, max_value, v));
  return v;
}

long long MapReader::required_int(const std::string& key, long long min_value, long long max_value) {
  return whole_number_of(file_, required(key), key, min_value, max_value);
}

long long MapReader::int_or(const std::string& key, long long min_value, long long fallback, long long max_value) {
  auto n = optional(key);
  return n ? whole_number_of(file_, *n, key, min_value, max_value) : fallback;
}

double MapReader::number_or(const std::string& key, double lo, double hi, double fallback) {
  auto n = optional(key);
  if (!n) return fallback;
  const std::string text = scalar_of(file_, *n, key);
  size_t used = 0;
  double v = std::numeric_limits<double>::quiet_NaN();
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) {
    throw error_at(file_, *n, fmt::format("'{}' must be a plain number (got '{}')", key, text));
  }
  if (!(v >= lo && v <= hi)) {
    throw error_at(file_, *n, fmt::format("'{}' must be between {} and {} (got {})", key, lo, hi, text));
  }
  return v;
}

bool MapReader::bool_or(const std::string& key, bool fallback) {
  auto n = optional(key);
  if (!n) return fallback;
  const std::string text = scalar_of(file_, *n, key);
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  throw error_at(file_, *n, fmt::format("'{}' must be true or false (got '{}')", key, text));
}

void MapReader::finish() const {
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
    if (seen.count(key)) {
      throw error_at(file_, kv.first, fmt::format("{}: duplicate key '{}'", what_, key));
    }
    seen.emplace(key, kv.first.Mark());
    if (!used_.count(key)) {
      std::string known;
      for (const auto& k : used_) known += (known.empty() ? "" : ", ") + k;
      throw error_at(file_, kv.first, fmt::format("{}: unknown key '{}' (known: {})", what_, key, known));
    }
  }
}

}  // namespace gpusim
