#include "core/overrides.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace gpusim {
namespace {

thread_local const OverrideMarks* current_marks = nullptr;

ConfigError override_error(const Override& o, const std::string& message) {
  return ConfigError(fmt::format("{}: error: {}", o.label(), message));
}

// "workloads" -> "workload": the word for one item of a list under `key`.
std::string item_word(const std::string& key) {
  if (key.size() > 1 && key.back() == 's') return key.substr(0, key.size() - 1);
  return "item of '" + key + "'";
}

std::string joined(const std::vector<std::string>& parts, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n && i < parts.size(); ++i) s += (i ? "." : "") + parts[i];
  return s;
}

// Records the key node of `key` in `map` (created by an override) so an "unknown key" points at the option.
void mark_key(const YAML::Node& map, const std::string& key, const std::string& label, OverrideMarks& marks) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) marks.add(kv.first, label);
  }
}

}  // namespace

std::string Override::label() const { return fmt::format("--set {}={}", path, value); }

Override parse_override(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw ConfigError(
        fmt::format("--set {}: error: expected PATH=VALUE (e.g. workloads.lobby.count=24)", text));
  }
  Override o;
  o.path = text.substr(0, eq);
  o.value = text.substr(eq + 1);
  if (o.path.empty()) throw override_error(o, "the path before '=' is empty");
  if (o.value.empty()) throw override_error(o, "the value after '=' is empty");
  std::size_t start = 0;
  while (true) {
    const auto dot = o.path.find('.', start);
    const std::string part = o.path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw override_error(o, fmt::format("empty key in path '{}'", o.path));
    o.parts.push_back(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return o;
}

void OverrideMarks::add(const YAML::Node& node, const std::string& label) {
  nodes_.emplace_back(node, label);
}

const std::string* OverrideMarks::label_of(const YAML::Node& node) const {
  if (!node.IsDefined()) return nullptr;
  for (const auto& [n, label] : nodes_) {
    if (n.is(node)) return &label;
  }
  return nullptr;
}

void apply_override(YAML::Node& root, const Override& o, OverrideMarks& marks) {
  const std::string label = o.label();
  if (!root.IsMap()) throw override_error(o, "the file's top level is not a mapping");
  YAML::Node map = root;
  std::size_t i = 0;
  while (true) {
    const std::string& key = o.parts[i];
    const bool last = i + 1 == o.parts.size();
    // Looked up through a const handle, which does not insert; reset rebinds (operator= would overwrite).
    const YAML::Node& const_map = map;
    YAML::Node child;
    if (const_map[key]) child.reset(const_map[key]);
    if (last) {
      if (child.IsMap() || child.IsSequence()) {
        throw override_error(o, fmt::format("'{}' is a {}; --set gives single values", o.path,
                                            child.IsMap() ? "mapping" : "list"));
      }
      YAML::Node value(o.value);
      map[key] = value;
      marks.add(map[key], label);
      mark_key(map, key, label, marks);
      return;
    }
    if (child.IsSequence()) {
      const std::string& name = o.parts[i + 1];
      const std::string word = item_word(key);
      std::string known;
      YAML::Node found;
      bool have = false;
      const YAML::Node list = child;
      for (std::size_t k = 0; k < list.size(); ++k) {
        const YAML::Node item = list[k];
        if (!item.IsMap()) continue;
        const YAML::Node n = item["name"];
        if (!n || !n.IsScalar()) continue;
        if (n.Scalar() == name && !have) {
          found.reset(item);  // reset rebinds the handle; operator= would overwrite the node
          have = true;
        }
        known += (known.empty() ? "" : ", ") + n.Scalar();
      }
      if (!have) {
        throw override_error(
            o, fmt::format("no {} named '{}' (known: {})", word, name, known.empty() ? "none" : known));
      }
      if (i + 2 == o.parts.size()) {
        throw override_error(
            o, fmt::format("'{}' is a {}; name one of its keys ({}.KEY)", o.path, word, o.path));
      }
      if (!found.IsMap()) throw override_error(o, fmt::format("{} '{}' is not a mapping", word, name));
      map.reset(found);
      i += 2;
      continue;
    }
    if (child.IsMap()) {
      map.reset(child);
      ++i;
      continue;
    }
    if (child && !child.IsNull()) {
      throw override_error(o, fmt::format("'{}' is a single value, not a mapping", joined(o.parts, i + 1)));
    }
    YAML::Node created(YAML::NodeType::Map);
    map[key] = created;
    marks.add(map[key], label);
    mark_key(map, key, label, marks);
    map.reset(map[key]);
    ++i;
  }
}

OverrideScope::OverrideScope(const OverrideMarks& marks) : previous_(current_marks) {
  current_marks = &marks;
}

OverrideScope::~OverrideScope() { current_marks = previous_; }

const std::string* OverrideScope::label_of(const YAML::Node& node) {
  return current_marks ? current_marks->label_of(node) : nullptr;
}

}  // namespace gpusim
