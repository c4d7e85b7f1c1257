#pragma once
/// Runs one parse in a forked child with a time limit, so that a crash or a hang of the code under test is
/// an outcome to report (with the mutant's seed) instead of the end of the test process.
#include <functional>
#include <string>

namespace gpusim::mutation {

/// How a parse in a child ended.
struct Outcome {
  enum Kind { ACCEPTED, CONFIG_ERROR, OTHER_EXCEPTION, CRASHED, TIMED_OUT };
  Kind kind = ACCEPTED;
  std::string message;  ///< what() of the exception; for CRASHED, the signal's name
  double seconds = 0;
};

/// Runs `parse` in a child process (stderr silenced) and waits at most `limit_s`; a ConfigError becomes
/// CONFIG_ERROR with its message, any other exception OTHER_EXCEPTION, a signal CRASHED, and a child
/// still running at the limit is killed and TIMED_OUT.
Outcome run_isolated(const std::function<void()>& parse, double limit_s);

/// "accepted", "ConfigError", "other exception", "crashed", "timed out".
std::string kind_name(Outcome::Kind kind);

}  // namespace gpusim::mutation
