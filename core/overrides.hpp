#pragma once
/// `--set PATH=VALUE`: one value of a parsed YAML tree replaced before the spec parser reads it, so that it
/// meets the same validation, units and ranges as the file. Nodes written by an override are remembered, and
/// an error located at one of them reads "--set PATH=VALUE: error: MESSAGE" instead of "FILE:LINE:COL: error:
/// ...".

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

namespace gpusim {

/// One `--set` argument, split at its first '='.
struct Override {
  std::string path;                ///< dotted keys; a list's items are addressed by their `name`
  std::string value;               ///< YAML scalar text, as a file would hold it
  std::vector<std::string> parts;  ///< `path` split at '.'
  /// "--set PATH=VALUE", as errors and result headers name it.
  std::string label() const;
};

/// Splits "PATH=VALUE"; ConfigError (naming the option) when '=' is missing, the value is empty or a key in
/// the path is empty.
Override parse_override(const std::string& text);

/// The nodes written by overrides, each with the label of the override that wrote it.
class OverrideMarks {
 public:
  void add(const YAML::Node& node, const std::string& label);
  /// The label of the override that wrote `node`, or nullptr for a node read from a file.
  const std::string* label_of(const YAML::Node& node) const;

 private:
  std::vector<std::pair<YAML::Node, std::string>> nodes_;
};

/// Applies `o` to `root`, a document's top-level mapping. Keys are followed through mappings; under a list
/// the next key is an item's `name` (`workloads.lobby.count`); missing mappings and keys are created (the
/// parser then accepts them or reports an unknown key). ConfigError "--set PATH=VALUE: error: ..." when a
/// named item does not exist (listing the known names) or the path goes through a single value or ends at a
/// list or a mapping. Every node written is recorded in `marks`.
void apply_override(YAML::Node& root, const Override& o, OverrideMarks& marks);

/// While alive, errors and locations of nodes recorded in `marks` name their override (see error_at, loc_of).
/// One scope at a time per thread.
class OverrideScope {
 public:
  explicit OverrideScope(const OverrideMarks& marks);
  ~OverrideScope();
  OverrideScope(const OverrideScope&) = delete;
  OverrideScope& operator=(const OverrideScope&) = delete;

  /// The label for `node` in the current scope, or nullptr.
  static const std::string* label_of(const YAML::Node& node);

 private:
  const OverrideMarks* previous_;
};

}  // namespace gpusim
