#pragma once
/// Key/value parameters of a pluggable part, remembering where each value came from.

#include <map>
#include <string>
#include <vector>

namespace gpusim {

/// Documentation of one parameter a pluggable part accepts.
struct ParamDoc {
  std::string name;
  std::string fallback;  ///< default value, as text
  std::string summary;
};

/// Parameters as text with their origin ("workloads.yaml:12:5" or "--scheduler-param").
class Params {
 public:
  void set(const std::string& key, const std::string& value, const std::string& origin);
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  /// The value or the fallback; ConfigError naming the origin if it is not a number.
  double number(const std::string& key, double fallback) const;
  std::string text(const std::string& key, const std::string& fallback) const;
  /// Rejects keys that are not in `known` (ConfigError naming the origin and the known keys).
  void check_known(const std::string& owner, const std::vector<ParamDoc>& known) const;
  const std::map<std::string, std::pair<std::string, std::string>>& values() const { return values_; }

 private:
  std::map<std::string, std::pair<std::string, std::string>> values_;  // key -> (value, origin)
};

}  // namespace gpusim
