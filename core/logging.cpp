#include "core/logging.hpp"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace gpusim {
namespace {

std::function<double()>& sim_clock() {
  static std::function<double()> clock;
  return clock;
}

spdlog::level::level_enum& current_level() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}

// "%*" in the pattern: "[t=<simulated seconds>] " while there is a simulated time, else nothing.
class SimTimeFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const auto& clock = sim_clock();
    if (!clock) return;
    const std::string text = fmt::format("[t={:.6f}s] ", clock());
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimTimeFlag>(); }
};

std::shared_ptr<spdlog::sinks::sink> shared_sink() {
  static std::shared_ptr<spdlog::sinks::sink> sink = [] {
    auto s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<SimTimeFlag>('*').set_pattern("[%n] [%l] %*%v");
    s->set_formatter(std::move(formatter));
    return s;
  }();
  return sink;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& module) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto existing = spdlog::get(module)) return existing;
  auto created = std::make_shared<spdlog::logger>(module, shared_sink());
  created->set_level(current_level());
  spdlog::register_logger(created);
  return created;
}

void set_log_level(spdlog::level::level_enum level) {
  current_level() = level;
  for (const char* name : {"cfg", "sim", "sched", "analysis"}) logger(name)->set_level(level);
}

void set_sim_clock(std::function<double()> clock) { sim_clock() = std::move(clock); }

ScopedSimTime::ScopedSimTime(double t) { set_sim_clock([t] { return t; }); }
ScopedSimTime::~ScopedSimTime() { set_sim_clock(nullptr); }

}  // namespace gpusim
