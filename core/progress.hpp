#pragma once
/// Progress of long work on stderr: a live line on a terminal, periodic plain log lines otherwise.
///
/// Nothing is shown for work that ends within `kQuietStart` of host time (unless the mode is ALWAYS).
/// Once something was shown, a last line with the total host time is logged when the work ends.
/// `-q` sets the mode to NEVER.

#include <chrono>
#include <string>

namespace gpusim {

enum class ProgressMode { AUTO, ALWAYS, NEVER };

/// Sets how progress is shown (process-wide; children of the batch runner inherit it).
void set_progress_mode(ProgressMode mode);
ProgressMode progress_mode();
/// Parses "auto", "always" or "never"; ConfigError otherwise.
ProgressMode parse_progress_mode(const std::string& text);

/// "4.2 s", "3 min 05 s", "1 h 02 min": a host-time duration for people.
std::string format_host_duration(double seconds);

/// One piece of work whose progress is a fraction: `update` often (it rate-limits itself), `finish` once.
class Progress {
 public:
  /// `what` names the work in each line ("run", "additivity"); `module` is the logger of the plain lines.
  Progress(std::string what, std::string module);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// `fraction` of the work is done (0..1); `done` says what, e.g. "12 of 48 simulations". A `milestone`
  /// (a point of a batch done) is always shown in ALWAYS mode; other updates are rate-limited.
  void update(double fraction, const std::string& done, bool milestone = false);
  /// The work ended; `done` says what was done.
  void finish(const std::string& done);

 private:
  using Clock = std::chrono::steady_clock;
  double elapsed() const;
  void show(double fraction, const std::string& done);
  void clear_live();

  std::string what_;
  std::string module_;
  Clock::time_point start_;
  double last_shown_ = -1;  ///< host seconds since start_ of the last line; < 0 before the first
  bool live_ = false;       ///< stderr is a terminal
  bool live_shown_ = false; ///< a live line is on the terminal
  bool finished_ = false;
};

}  // namespace gpusim
