#pragma once
/// Key/value parameters of a pluggable part, remembering where each value came from, and the
/// declarations (name, default, valid range, summary) that read them.

#include <limits>
#include <map>
#include <string>
#include <type_traits>
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

/// The values a numeric parameter accepts: [lo, hi], or (lo, hi] when lo_open; unbounded by default.
struct ParamRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;  ///< lo itself is refused

  /// Any number.
  constexpr ParamRange() = default;
  /// The closed interval [lo, hi].
  constexpr ParamRange(double lo_value, double hi_value) : lo(lo_value), hi(hi_value) {}
  /// Numbers strictly greater than zero.
  static constexpr ParamRange positive() { return open_below(0.0, std::numeric_limits<double>::infinity()); }
  /// The half-open interval (lo, hi].
  static constexpr ParamRange open_below(double lo_value, double hi_value) {
    ParamRange r(lo_value, hi_value);
    r.lo_open = true;
    return r;
  }

  /// True when `v` lies in the range.
  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && v <= hi; }
  /// What "must be ..." says: "positive", "in [0.01, 1]", "in (0, 1]".
  std::string describe() const;
};

/// One parameter of a pluggable part, declared once: its name, default, valid range and summary. The
/// part reads its value with read() and registers its documentation with doc() (see param_docs).
/// T is double, or int for counts and switches (the value must then be a whole number).
template <class T>
struct ParamDecl {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, int>, "a parameter is a double or an int");

  std::string name;
  T fallback{};  ///< the default, used when the parameter is not given; must lie in `range`
  ParamRange range;
  std::string summary;

  /// The value given in `p`, or the default. A value that is not a number of type T within the range is a
  /// ConfigError naming where it came from and `owner` ("ORIGIN: error: scheduler 'edf': parameter
  /// 'drop_late' must be in [0, 1] (got 2)"). A default outside the range is an internal error.
  T read(const Params& p, const std::string& owner) const;
  /// Name, default as text and summary, for listings and Params::check_known.
  ParamDoc doc() const;
};

extern template struct ParamDecl<double>;
extern template struct ParamDecl<int>;

/// The documentation of a part's declared parameters, in the order given.
template <class... T>
std::vector<ParamDoc> param_docs(const ParamDecl<T>&... decls) {
  return std::vector<ParamDoc>{decls.doc()...};
}

}  // namespace gpusim
