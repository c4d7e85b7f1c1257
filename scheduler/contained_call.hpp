#pragma once
/// Containment of user code (scheduler plugins): a crash or a hang in a plugin is reported as a one-line
/// error naming the policy and the callback, never takes gpusim down and never leaves a process behind.
///
/// - run_contained() runs a function in a forked child with a time budget and returns what it wrote
///   (plugin loading and the placement callbacks run this way);
/// - the crash reporter, installed in a simulating child, turns a fatal signal or an expired budget inside
///   a callback marked with CallbackScope into a message written to the child's result pipe.

#include <sys/types.h>

#include <functional>
#include <string>

namespace gpusim {

/// Budget of one plugin callback: the one given to set_callback_budget (--callback-budget), else
/// GPUSIM_CALLBACK_BUDGET (a positive number of seconds), else 10 s. A ConfigError when the variable is
/// consulted and set to anything else.
double callback_budget();

/// Sets the budget of every plugin callback of this process and its children (--callback-budget); it takes
/// precedence over GPUSIM_CALLBACK_BUDGET. A ConfigError unless 0 < seconds <= 86400.
void set_callback_budget(double seconds);

/// Where the budget comes from, as the timeout messages name it: "budget: --callback-budget" or
/// "budget: GPUSIM_CALLBACK_BUDGET".
std::string budget_source();

/// How a contained run ended.
struct ContainedOutcome {
  enum class Kind { RETURNED, CRASHED, TIMED_OUT, EXITED } kind = Kind::RETURNED;
  std::string output;  ///< what the function returned (RETURNED)
  int signal = 0;      ///< the signal that killed the child (CRASHED)
  int status = 0;      ///< the child's exit status when user code ended it with exit() (EXITED)
};

/// Runs `fn` in a forked child that dies with its parent, waits at most `budget_s` for it, and returns its
/// result; a child still running after the budget is killed. `fn` must catch its own exceptions.
/// `quiet` sends the child's stdout and stderr to /dev/null.
ContainedOutcome run_contained(const std::function<std::string()>& fn, double budget_s, bool quiet = false);

/// "crashed with signal 11 (Segmentation fault)".
std::string crash_text(int signal);

/// "did not return within 10 s (budget: GPUSIM_CALLBACK_BUDGET)" (or "budget: --callback-budget").
std::string timeout_text(double budget_s);

/// Makes the calling child process die with its parent (SIGKILL); call right after fork(). Exits at once
/// when the parent has already gone.
void die_with_parent(pid_t parent);

/// Installs, in a simulating child, handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT (on an alternate
/// stack, so a stack overflow is caught) and SIGALRM: inside a CallbackScope they write `tag` followed by
/// "LABEL crashed with signal N (NAME)" or "LABEL did not return within N s (...)" to `fd` and _exit(0);
/// outside one the signal keeps its default action.
void install_crash_reporter(int fd, char tag);

/// Marks a plugin callback as running, for the crash reporter; where it is installed, also arms the
/// callback budget (ITIMER_REAL) for the scope. `label` ("scheduler 'NAME': pick()") must outlive it.
class CallbackScope {
 public:
  explicit CallbackScope(const char* label);
  ~CallbackScope();
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;

 private:
  const char* previous_;
};

}  // namespace gpusim
