#include "isolated.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <exception>

#include "core/errors.hpp"

namespace gpusim::mutation {
namespace {

constexpr int kExitAccepted = 0;
constexpr int kExitConfigError = 2;
constexpr int kExitOther = 3;

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void child(const std::function<void()>& parse, int out) {
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) ::dup2(null, STDERR_FILENO);
  int code = kExitAccepted;
  try {
    parse();
  } catch (const ConfigError& e) {
    write_all(out, e.what());
    code = kExitConfigError;
  } catch (const std::exception& e) {
    write_all(out, e.what());
    code = kExitOther;
  } catch (...) {
    write_all(out, "(an exception not derived from std::exception)");
    code = kExitOther;
  }
  ::_exit(code);
}

}  // namespace

std::string kind_name(Outcome::Kind kind) {
  switch (kind) {
    case Outcome::ACCEPTED: return "accepted";
    case Outcome::CONFIG_ERROR: return "ConfigError";
    case Outcome::OTHER_EXCEPTION: return "other exception";
    case Outcome::CRASHED: return "crashed";
    case Outcome::TIMED_OUT: return "timed out";
  }
  return "?";
}

Outcome run_isolated(const std::function<void()>& parse, double limit_s) {
  const auto start = std::chrono::steady_clock::now();
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    child(parse, fds[1]);
  }
  ::close(fds[1]);
  Outcome outcome;
  std::string text;
  bool timed_out = false;
  const auto deadline = start + std::chrono::duration<double>(limit_s);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline is checked at the top
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file: the child has exited or is exiting
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  outcome.message = text;
  if (timed_out) {
    outcome.kind = Outcome::TIMED_OUT;
  } else if (WIFSIGNALED(status)) {
    outcome.kind = Outcome::CRASHED;
    outcome.message = std::string("signal ") + std::to_string(WTERMSIG(status)) + " (" +
                      ::strsignal(WTERMSIG(status)) + ")";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitConfigError) {
    outcome.kind = Outcome::CONFIG_ERROR;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitAccepted) {
    outcome.kind = Outcome::ACCEPTED;
  } else {
    outcome.kind = Outcome::OTHER_EXCEPTION;
    if (WIFEXITED(status) && WEXITSTATUS(status) != kExitOther)
      outcome.message = "exit status " + std::to_string(WEXITSTATUS(status)) + ": " + text;
  }
  return outcome;
}

}  // namespace gpusim::mutation
