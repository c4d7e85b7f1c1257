#include "core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/errors.hpp"
#include "core/logging.hpp"

namespace gpusim {
namespace {

constexpr double kQuietStart = 2.0;     // host seconds before the first line (AUTO)
constexpr double kLiveInterval = 0.25;  // between redraws of the live line
constexpr double kPlainInterval = 5.0;  // between plain lines (AUTO)
constexpr double kAlwaysInterval = 1.0; // between plain lines (ALWAYS)

ProgressMode& mode_ref() {
  static ProgressMode mode = ProgressMode::AUTO;
  return mode;
}

}  // namespace

void set_progress_mode(ProgressMode mode) { mode_ref() = mode; }
ProgressMode progress_mode() { return mode_ref(); }

ProgressMode parse_progress_mode(const std::string& text) {
  if (text == "auto") return ProgressMode::AUTO;
  if (text == "always") return ProgressMode::ALWAYS;
  if (text == "never") return ProgressMode::NEVER;
  throw ConfigError(fmt::format("error: --progress '{}': expected auto, always or never", text));
}

std::string format_host_duration(double seconds) {
  seconds = std::max(0.0, seconds);
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  const auto s = static_cast<long>(std::lround(seconds));
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

Progress::Progress(std::string what, std::string module)
    : what_(std::move(what)), module_(std::move(module)), start_(Clock::now()) {
  live_ = progress_mode() != ProgressMode::NEVER && ::isatty(STDERR_FILENO) == 1 &&
          logger(module_)->should_log(spdlog::level::info);
}

Progress::~Progress() { clear_live(); }

double Progress::elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void Progress::update(double fraction, const std::string& done, bool milestone) {
  const ProgressMode mode = progress_mode();
  if (mode == ProgressMode::NEVER || finished_) return;
  const double t = elapsed();
  if (mode == ProgressMode::AUTO && t < kQuietStart) return;
  const double interval = live_ ? kLiveInterval : mode == ProgressMode::ALWAYS ? kAlwaysInterval : kPlainInterval;
  const bool forced = milestone && mode == ProgressMode::ALWAYS && !live_;
  if (!forced && last_shown_ >= 0 && t - last_shown_ < interval) return;
  last_shown_ = t;
  show(fraction, done);
}

void Progress::show(double fraction, const std::string& done) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const double t = elapsed();
  std::string eta = "ETA unknown";
  if (fraction > 0) eta = "ETA " + format_host_duration(t * (1.0 - fraction) / fraction);
  const std::string line =
      fmt::format("{}: {} ({:.0f} %), {} elapsed, {}", what_, done, fraction * 100.0, format_host_duration(t), eta);
  if (live_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    live_shown_ = true;
  } else {
    logger(module_)->info("{}", line);
  }
}

void Progress::clear_live() {
  if (!live_shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  live_shown_ = false;
}

void Progress::finish(const std::string& done) {
  if (finished_) return;
  finished_ = true;
  clear_live();
  if (progress_mode() == ProgressMode::NEVER || last_shown_ < 0) return;
  logger(module_)->info("{}: {} (100 %) in {}", what_, done, format_host_duration(elapsed()));
}

}  // namespace gpusim
