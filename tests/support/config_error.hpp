#pragma once
// The message of the ConfigError a callable throws, for the tests of bad input.

#include <string>

#include "core/errors.hpp"

namespace gpusim::test {

/// The message of the ConfigError `f` throws ("" when it throws none).
template <class F>
std::string config_error(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace gpusim::test
