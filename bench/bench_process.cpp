// Measurement helpers (see bench/bench_process.hpp).

#include "bench/bench_process.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "sim/fork.hpp"

namespace gpusim::bench {
namespace {

double seconds_of(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

double self_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return seconds_of(u);
}

double children_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  return seconds_of(u);
}

long self_peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

ChildRun run_in_child(const std::function<std::string()>& job, ChildKind kind) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe failed: {}", std::strerror(errno)));
  std::fflush(nullptr);
  const auto wall_start = std::chrono::steady_clock::now();
  const auto body = [&] {
    ::close(fds[0]);
    int code = 0;
    std::string msg;
    try {
      msg = 'R' + job();
    } catch (const std::exception& e) {
      msg = 'E' + std::string(e.what());
      code = 1;
    }
    write_all(fds[1], msg);
    ::close(fds[1]);
    std::fflush(nullptr);
    ::_exit(code);
  };
  pid_t pid = -1;
  if (kind == ChildKind::SIMULATION) {
    pid = fork_simulating_child(body);  // as gpusim forks its simulations: both sides of a comparison alike
  } else {
    pid = ::fork();
    if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
    if (pid == 0) body();
  }
  ::close(fds[1]);
  std::string data;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  ChildRun run;
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  run.cpu_seconds = seconds_of(usage);
  run.peak_rss_kib = usage.ru_maxrss;
  if (WIFSIGNALED(status)) {
    throw std::runtime_error(fmt::format("benchmark child died with signal {} ({})", WTERMSIG(status),
                                         strsignal(WTERMSIG(status))));
  }
  if (data.empty() || data[0] != 'R') {
    throw std::runtime_error(data.empty() ? std::string("benchmark child returned nothing") : data.substr(1));
  }
  run.payload = data.substr(1);
  return run;
}

}  // namespace gpusim::bench
