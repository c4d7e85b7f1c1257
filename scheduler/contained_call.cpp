#include "scheduler/contained_call.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/errors.hpp"

namespace gpusim {
namespace {

constexpr double kDefaultBudget = 10.0;
constexpr double kMaxBudget = 86400.0;
constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// State of the crash reporter (simulating child only); read by the signal handler.
int reporter_fd = -1;
char reporter_tag = 0;
bool reporter_installed = false;
double reporter_budget = kDefaultBudget;
double option_budget = 0;  // --callback-budget; 0: not given
char timeout_suffix[160] = "";
const char* volatile current_label = nullptr;
alignas(16) char alt_stack[1 << 16];

// Names as glibc's strsignal() gives them (the handler cannot call it).
const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "Segmentation fault";
    case SIGBUS:
      return "Bus error";
    case SIGILL:
      return "Illegal instruction";
    case SIGFPE:
      return "Floating point exception";
    case SIGABRT:
      return "Aborted";
    case SIGKILL:
      return "Killed";
    default:
      return nullptr;
  }
}

void write_raw(int fd, const char* s, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

void write_str(int fd, const char* s) { write_raw(fd, s, std::strlen(s)); }

extern "C" void on_signal(int sig) {
  const char* label = current_label;
  if (label == nullptr || reporter_fd < 0) {
    if (sig == SIGALRM) return;
    std::signal(sig, SIG_DFL);
    std::raise(sig);  // delivered with the default action once the handler returns
    return;
  }
  write_raw(reporter_fd, &reporter_tag, 1);
  write_str(reporter_fd, label);
  if (sig == SIGALRM) {
    write_str(reporter_fd, timeout_suffix);
  } else {
    char num[16];
    int n = 0;
    for (int v = sig; v > 0 && n < 15; v /= 10) num[n++] = static_cast<char>('0' + v % 10);
    char digits[16];
    for (int i = 0; i < n; ++i) digits[i] = num[n - 1 - i];
    digits[n] = '\0';
    write_str(reporter_fd, " crashed with signal ");
    write_str(reporter_fd, digits);
    const char* name = signal_name(sig);
    if (name) {
      write_str(reporter_fd, " (");
      write_str(reporter_fd, name);
      write_str(reporter_fd, ")");
    }
  }
  ::_exit(0);
}

// Default dispositions and no reporter: a contained child reports through its exit status.
void reset_reporter() {
  reporter_installed = false;
  reporter_fd = -1;
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  for (int sig : kFatalSignals) std::signal(sig, SIG_DFL);
  std::signal(SIGALRM, SIG_DFL);
}

std::string budget_text(double budget) { return fmt::format("{:g} s ({})", budget, budget_source()); }

}  // namespace

void set_callback_budget(double seconds) {
  if (!(seconds > 0) || seconds > kMaxBudget)
    throw ConfigError(
        fmt::format("error: --callback-budget: expected a duration in (0, 86400] s, got {:g}", seconds));
  option_budget = seconds;
}

std::string budget_source() {
  return option_budget > 0 ? "budget: --callback-budget" : "budget: GPUSIM_CALLBACK_BUDGET";
}

double callback_budget() {
  if (option_budget > 0) return option_budget;
  const char* env = std::getenv("GPUSIM_CALLBACK_BUDGET");
  if (env == nullptr || *env == '\0') return kDefaultBudget;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(env, &end);
  if (errno != 0 || end == env || *end != '\0' || !(v > 0) || v > kMaxBudget)
    throw ConfigError(fmt::format(
        "GPUSIM_CALLBACK_BUDGET: error: expected a number of seconds in (0, 86400], got '{}'", printable(env)));
  return v;
}

std::string crash_text(int signal) {
  const char* name = signal_name(signal);
  return fmt::format("crashed with signal {} ({})", signal, name ? name : strsignal(signal));
}

std::string timeout_text(double budget_s) { return "did not return within " + budget_text(budget_s); }

void die_with_parent(pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
}

ContainedOutcome run_contained(const std::function<std::string()>& fn, double budget_s, bool quiet) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe failed: {}", std::strerror(errno)));
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    die_with_parent(parent);
    ::close(fds[0]);
    reset_reporter();
    if (quiet) {
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) {
        ::dup2(null, 1);
        ::dup2(null, 2);
      }
    }
    std::string out;
    try {
      out = fn();
    } catch (...) {
      ::_exit(3);
    }
    write_raw(fds[1], out.data(), out.size());
    std::fflush(nullptr);
    ::_exit(0);
  }
  ::close(fds[1]);

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(budget_s));
  auto remaining_ms = [&] {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(std::min<long long>(left + 1, 1 << 30));
  };
  ContainedOutcome out;
  bool timed_out = false;
  char buf[1 << 16];
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms());
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      timed_out = true;
      break;
    }
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      out.output.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // end of file: the child is done (or closed the pipe)
  }
  ::close(fds[0]);
  int status = 0;
  while (!timed_out) {  // after end of file the child only has to exit
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    if (Clock::now() >= deadline) timed_out = true;
    else std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (timed_out) {
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (timed_out) {
    out.kind = ContainedOutcome::Kind::TIMED_OUT;
    out.output.clear();
  } else if (WIFSIGNALED(status)) {
    out.kind = ContainedOutcome::Kind::CRASHED;
    out.signal = WTERMSIG(status);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    out.kind = ContainedOutcome::Kind::EXITED;
    out.status = WEXITSTATUS(status);
  }
  return out;
}

void install_crash_reporter(int fd, char tag) {
  reporter_fd = fd;
  reporter_tag = tag;
  try {
    reporter_budget = callback_budget();
  } catch (const ConfigError&) {
    reporter_budget = kDefaultBudget;
  }
  std::snprintf(timeout_suffix, sizeof timeout_suffix, " %s", timeout_text(reporter_budget).c_str());
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  ::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_ONSTACK;
  for (int sig : kFatalSignals) ::sigaction(sig, &sa, nullptr);
  ::sigaction(SIGALRM, &sa, nullptr);
  reporter_installed = true;
}

CallbackScope::CallbackScope(const char* label) : previous_(current_label) {
  current_label = label;
  if (reporter_installed && previous_ == nullptr) {
    itimerval t{};
    const auto usec = static_cast<long long>(reporter_budget * 1e6);
    t.it_value.tv_sec = static_cast<time_t>(usec / 1000000);
    t.it_value.tv_usec = static_cast<suseconds_t>(usec % 1000000);
    ::setitimer(ITIMER_REAL, &t, nullptr);
  }
}

CallbackScope::~CallbackScope() {
  if (reporter_installed && previous_ == nullptr) {
    itimerval off{};
    ::setitimer(ITIMER_REAL, &off, nullptr);
  }
  current_label = previous_;
}

}  // namespace gpusim
