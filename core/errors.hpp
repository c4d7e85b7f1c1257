#pragma once
/// Error classes and the one rule for exit codes: ConfigError and PolicyError are the user's (exit 2).

#include <stdexcept>
#include <string>

namespace gpusim {

/// A user mistake in an input (YAML, ONNX file, command line). what() is one complete line,
/// "FILE:LINE:COL: error: ..." where a location exists. main() prints it and exits with code 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A scheduling policy broke its contract; the message names the policy and the simulated time.
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// `text` with every control character escaped (newline as \n, tab as \t, carriage return as \r, others
/// as \xHH), so that a message stays one line and cannot drive the terminal.
std::string printable(const std::string& text);

/// Always-on check for gpusim's own invariants (not for user input): throws std::logic_error.
#define GPUSIM_CHECK(cond, msg)                                                                    \
  do {                                                                                             \
    if (!(cond)) throw std::logic_error(std::string("internal error: ") + (msg) + " [" #cond "]"); \
  } while (0)

}  // namespace gpusim
