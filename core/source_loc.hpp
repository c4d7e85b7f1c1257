#pragma once
/// A place in an input file, kept in specs so checks made after parsing still name FILE:LINE:COL.

#include <string>

#include "core/errors.hpp"

namespace gpusim {

struct SourceLoc {
  std::string file;
  int line = 0;    ///< 1-based; 0 when unknown
  int column = 0;  ///< 1-based
  /// "file:line:col", or "file" when the line is unknown.
  std::string str() const;
  /// ConfigError "file:line:col: error: message".
  ConfigError error(const std::string& message) const;
};

}  // namespace gpusim
