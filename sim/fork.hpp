#pragma once
/// Forking the processes that simulate. SimGrid allows one engine per process and keys part of its state
/// to the thread that created it, so every simulating child is forked from one thread of the parent, the
/// forker: a thread that lives as long as the process, on which SimGrid's engine is created once
/// (prepare_simulation_engine in sim/simulate.hpp). A child is a copy of that thread alone, so it
///   - inherits the engine ready, instead of paying for SimGrid's start-up (its configuration flags,
///     logging and tracing: about a third of a short simulation's CPU), and
///   - allocates in the forker's own malloc arena, nearly empty, instead of the main heap's free lists,
///     whose pages it would copy one by one as it wrote into them (copy-on-write faults were a third of
///     a 1,000-GPU run's CPU: docs/performance.md).
/// The forker blocks every signal; a child starts with the signal mask the process had when the forker
/// was started (its main thread's).

#include <sys/types.h>

#include <functional>

namespace gpusim {

/// Forks a child that runs `body` and then _exit(0)s (`body` may _exit itself). Returns the child's pid
/// in the parent; throws std::runtime_error when fork fails, and std::logic_error in a process that was
/// forked by another thread after the forker started (its engine belongs to a thread it does not have).
/// A child may call it again (it then forks on its own, only, thread). Thread-safe.
pid_t fork_simulating_child(const std::function<void()>& body);

}  // namespace gpusim
