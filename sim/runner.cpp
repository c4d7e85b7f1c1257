#include "sim/runner.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/errors.hpp"
#include "core/logging.hpp"
#include "core/progress.hpp"
#include "scheduler/contained_call.hpp"
#include "sim/fork.hpp"
#include "sim/partition.hpp"
#include "sim/simulate.hpp"

namespace gpusim {
namespace {

// Message from child to parent: one status byte, then the payload (result bytes or error text).
enum class Outcome : char { OK = 'R', CONFIG = 'C', POLICY = 'P', INTERNAL = 'I' };

void write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string data;
  bool open = true;
};

Child spawn(const std::function<SimResult()>& job, const std::string& progress) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe failed: {}", std::strerror(errno)));
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = -1;
  try {
    pid = fork_simulating_child([&] {
      die_with_parent(parent);
      ::close(fds[0]);
      // A crash or an overrun budget inside a plugin's admit()/pick() becomes a PolicyError naming it.
      install_crash_reporter(fds[1], static_cast<char>(Outcome::POLICY));
      show_sim_progress(progress);
      std::string msg;
      try {
        msg = static_cast<char>(Outcome::OK) + serialize(job());
      } catch (const ConfigError& e) {
        msg = static_cast<char>(Outcome::CONFIG) + std::string(e.what());
      } catch (const PolicyError& e) {
        msg = static_cast<char>(Outcome::POLICY) + std::string(e.what());
      } catch (const std::exception& e) {
        msg = static_cast<char>(Outcome::INTERNAL) + std::string(e.what());
      }
      write_all(fds[1], msg);
      ::close(fds[1]);
      std::fflush(nullptr);
      ::_exit(0);
    });
  } catch (...) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw;
  }
  ::close(fds[1]);
  return Child{pid, fds[0], {}, true};
}

SimResult finish(Child& c) {
  int status = 0;
  while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
  }
  c.pid = -1;  // reaped
  if (WIFSIGNALED(status)) {
    throw std::runtime_error(fmt::format("simulation process died with signal {} ({})", WTERMSIG(status),
                                         strsignal(WTERMSIG(status))));
  }
  if (c.data.empty()) throw std::runtime_error("simulation process exited without a result");
  const auto outcome = static_cast<Outcome>(c.data[0]);
  std::string payload = c.data.substr(1);
  switch (outcome) {
    case Outcome::OK:
      return deserialize(payload);
    case Outcome::CONFIG:
      throw ConfigError(payload);
    case Outcome::POLICY:
      throw PolicyError(payload);
    case Outcome::INTERNAL:
      break;
  }
  throw std::runtime_error(payload);
}

// Reads whatever the open children have written; returns when some pipe had news or after `timeout_ms`
// (-1: only on news).
void pump(std::vector<Child*>& running, int timeout_ms) {
  std::vector<pollfd> fds;
  for (auto* c : running) fds.push_back(pollfd{c->fd, POLLIN, 0});
  while (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno == EINTR) {
  }
  char buf[1 << 16];
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const ssize_t n = ::read(running[i]->fd, buf, sizeof buf);
    if (n > 0) {
      running[i]->data.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      ::close(running[i]->fd);
      running[i]->open = false;
    }
  }
}

// Runs `jobs` in child processes, at most `parallel` at a time (0 = number of cores); results in order.
// The first child error to arrive is raised again here. With a `progress` name, one job shows its simulated
// time (from its child) and a batch shows the simulations done (from here).
std::vector<SimResult> run_parallel(const std::vector<std::function<SimResult()>>& jobs, unsigned parallel,
                                    const std::string& progress = {}) {
  if (parallel == 0) parallel = std::max(1u, std::thread::hardware_concurrency());
  std::vector<Child> children(jobs.size());
  std::vector<SimResult> results(jobs.size());
  std::size_t next = 0;
  std::size_t done = 0;
  std::vector<Child*> running;
  // When an error leaves here, the children still running are stopped and reaped.
  struct StopRunning {
    std::vector<Child*>& running;
    ~StopRunning() {
      for (auto* c : running) {
        if (c->pid <= 0) continue;
        ::kill(c->pid, SIGKILL);
        if (c->open) ::close(c->fd);
        int status = 0;
        while (::waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {
        }
      }
    }
  } stop_running{running};
  const bool batch_progress = !progress.empty() && jobs.size() > 1;
  std::optional<Progress> shown;
  if (batch_progress) shown.emplace(progress, "sim");
  std::size_t shown_done = 0;
  const std::string child_progress = jobs.size() == 1 ? progress : std::string();
  while (done < jobs.size()) {
    while (next < jobs.size() && running.size() < parallel) {
      children[next] = spawn(jobs[next], child_progress);
      running.push_back(&children[next]);
      ++next;
    }
    pump(running, batch_progress ? 250 : -1);
    for (auto it = running.begin(); it != running.end();) {
      if ((*it)->open) {
        ++it;
        continue;
      }
      const std::size_t index = static_cast<std::size_t>(*it - children.data());
      results[index] = finish(**it);  // rethrows the child's error; remaining children are reaped by exit
      ++done;
      it = running.erase(it);
    }
    if (shown) {
      shown->update(static_cast<double>(done) / static_cast<double>(jobs.size()),
                    fmt::format("{} of {} simulations done", done, jobs.size()), done != shown_done);
      shown_done = done;
    }
  }
  if (shown) shown->finish(fmt::format("{} simulations done", jobs.size()));
  return results;
}

// A job's partitions (sim/partition.hpp): the devices of each, and their units.
struct Split {
  std::vector<std::vector<int>> groups;  // one group: the whole job in one engine
  std::vector<std::vector<int>> units;   // per group, in plan order
};

// GPUSIM_PARTITIONS=off keeps every simulation in one engine (to compare the two paths).
bool partitions_off() {
  const char* env = std::getenv("GPUSIM_PARTITIONS");
  return env && std::string(env) == "off";
}

Split split_of(const SimJob& job) {
  Split s;
  const bool per_request = job.policy && job.policy->per_request();
  PartitionRule rule = job.partition;
  if (partitions_off() || job.trace) rule.split = false;
  s.groups = partition_devices(job.scenario->platform.devices.size(), job.plan->placements().size(), per_request,
                               rule);
  if (s.groups.size() < 2) return s;
  std::vector<int> group_of(job.scenario->platform.devices.size(), 0);
  for (std::size_t g = 0; g < s.groups.size(); ++g) {
    for (int d : s.groups[g]) group_of[d] = static_cast<int>(g);
  }
  s.units.resize(s.groups.size());
  const auto& units = job.plan->units();
  for (std::size_t u = 0; u < units.size(); ++u) s.units[group_of[units[u].device]].push_back(static_cast<int>(u));
  return s;
}

// The child functions of a batch: one per partition of each job. With `keep_going`, a child whose
// simulation fails returns an empty result marked with end_time < 0 instead of raising its error.
struct Batch {
  std::vector<Split> splits;              // per job
  std::vector<std::size_t> first;         // per job: its first function
  std::vector<std::function<SimResult()>> functions;
};

Batch batch_of(const std::vector<SimJob>& jobs, bool keep_going) {
  Batch b;
  b.splits.reserve(jobs.size());  // the functions point into the splits
  for (const auto& j : jobs) {
    b.splits.push_back(split_of(j));
    b.first.push_back(b.functions.size());
    const Split& split = b.splits.back();
    for (const auto& group : split.groups) {
      const std::vector<int>* devices = split.groups.size() > 1 ? &group : nullptr;
      b.functions.push_back([j, devices, keep_going] {
        if (!keep_going) return simulate(*j.scenario, *j.plan, j.policy, devices, j.trace);
        try {
          return simulate(*j.scenario, *j.plan, j.policy, devices, j.trace);
        } catch (const std::exception&) {
          SimResult failed;
          failed.end_time = -1;
          return failed;
        }
      });
    }
  }
  return b;
}

// The jobs' results from their children's, partitions merged; a job with a failed part is marked failed.
std::vector<SimResult> gather(const Batch& b, std::vector<SimResult> results) {
  std::vector<SimResult> out;
  out.reserve(b.splits.size());
  for (std::size_t j = 0; j < b.splits.size(); ++j) {
    const Split& split = b.splits[j];
    const auto begin = results.begin() + static_cast<std::ptrdiff_t>(b.first[j]);
    const auto end = begin + static_cast<std::ptrdiff_t>(split.groups.size());
    if (split.groups.size() < 2) {
      out.push_back(std::move(*begin));
    } else if (std::any_of(begin, end, [](const SimResult& r) { return r.end_time < 0; })) {
      out.emplace_back().end_time = -1;
    } else {
      out.push_back(merge_partitions(std::vector<SimResult>(std::make_move_iterator(begin),
                                                            std::make_move_iterator(end)),
                                     split.units, split.groups));
    }
  }
  return out;
}

std::vector<SimResult> run_jobs(const std::vector<SimJob>& jobs, unsigned parallel, bool keep_going,
                                const std::string& progress = {}) {
  const Batch b = batch_of(jobs, keep_going);
  return gather(b, run_parallel(b.functions, parallel, progress));
}

}  // namespace

std::vector<SimResult> simulate_all(const std::vector<SimJob>& jobs, unsigned parallel, const std::string& progress) {
  return run_jobs(jobs, parallel, false, progress);
}

std::vector<SimAttempt> simulate_each(const std::vector<SimJob>& jobs, unsigned parallel,
                                      const std::string& progress) {
  // A job that fails is marked (end_time < 0) so that the batch goes on; it is then simulated alone,
  // which raises its error here.
  std::vector<SimResult> results;
  try {
    results = run_jobs(jobs, parallel, true, progress);
  } catch (const std::exception& e) {
    logger("sim")->warn("a simulation failed ({}); simulating each alone", e.what());
    results.assign(jobs.size(), SimResult{});
    for (auto& r : results) r.end_time = -1;
  }
  std::vector<SimAttempt> out(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    try {
      out[i].result = results[i].end_time < 0 ? run_jobs({jobs[i]}, 1, false).front() : std::move(results[i]);
    } catch (const std::exception& e) {
      out[i].error = e.what();
    }
  }
  return out;
}

SimResult run_simulation(const Scenario& sc, const Plan& plan, Scheduler* policy, const std::string& progress,
                         const TraceOptions* trace) {
  return simulate_all({SimJob{&sc, &plan, policy, trace}}, 0, progress).front();
}

}  // namespace gpusim
