#include "sim/fork.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "sim/simulate.hpp"

namespace gpusim {
namespace {

class Forker {
 public:
  // Never destroyed: its thread waits for work until the process ends, and a child (which holds the
  // forker's lock, or lacks its thread) must never run a destructor that would wait for either.
  static Forker& instance() {
    static Forker* forker = new Forker;
    return *forker;
  }

  pid_t fork_child(const std::function<void()>& body) {
    // In a child (a copy of the forker thread alone, its locks as they were at the fork): fork right here.
    if (in_child_) return fork_here(body);
    if (orphaned_) {
      throw std::logic_error("a process forked by another thread than gpusim's forker cannot simulate "
                             "(sim/fork.hpp): its engine belongs to a thread it does not have");
    }
    std::lock_guard<std::mutex> one_at_a_time(callers_);
    std::unique_lock<std::mutex> lock(m_);
    body_ = &body;
    pid_ = -1;
    error_ = nullptr;
    cv_.notify_all();
    cv_.wait(lock, [this] { return body_ == nullptr; });
    if (error_) std::rethrow_exception(error_);
    return pid_;
  }

 private:
  Forker() {
    // A child forked by any other thread has this object without its thread: it must not wait for it.
    ::pthread_atfork(nullptr, nullptr, [] {
      if (!forking_here) instance().orphaned_ = true;
    });
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &mask_);  // the forker starts with every signal blocked
    thread_ = std::thread([this] { loop(); });
    ::pthread_sigmask(SIG_SETMASK, &mask_, nullptr);
  }

  void loop() {
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {  // until the process ends
      cv_.wait(lock, [this] { return body_ != nullptr; });
      try {
        pid_ = fork_here(*body_);
      } catch (...) {
        error_ = std::current_exception();
      }
      body_ = nullptr;
      cv_.notify_all();
    }
  }

  // Forks on the calling thread (the forker, or a child's only thread); the child runs `body`, never returns.
  pid_t fork_here(const std::function<void()>& body) {
    prepare_simulation_engine();
    // The heap's free pages go back to the kernel first: what a child allocates beyond the forker's
    // arena then gets fresh zero pages instead of copies of the parent's.
    ::malloc_trim(0);
    forking_here = true;
    const pid_t pid = ::fork();
    forking_here = false;
    if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
    if (pid == 0) {
      in_child_ = true;
      ::pthread_sigmask(SIG_SETMASK, &mask_, nullptr);
      try {
        body();
      } catch (...) {
        ::_exit(1);  // never back into the forker's loop: this process is not the forker
      }
      ::_exit(0);
    }
    return pid;
  }

  static thread_local bool forking_here;  // this thread is in fork_here's fork()
  bool in_child_ = false;
  bool orphaned_ = false;
  std::mutex callers_;
  std::mutex m_;
  std::condition_variable cv_;
  const std::function<void()>* body_ = nullptr;
  pid_t pid_ = -1;
  std::exception_ptr error_;
  sigset_t mask_{};
  std::thread thread_;
};

thread_local bool Forker::forking_here = false;

}  // namespace

pid_t fork_simulating_child(const std::function<void()>& body) { return Forker::instance().fork_child(body); }

}  // namespace gpusim
