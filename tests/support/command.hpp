#pragma once
// Running a command line the way a user does, for the tests that drive the gpusim binary: its exit code,
// stdout and stderr (through files in a directory of the test's own), and how long it took.

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gpusim::test {

/// `s` in single quotes, for a shell command line (the tests' paths hold no quote).
inline std::string quoted(const std::string& s) { return "'" + s + "'"; }

/// The whole file (empty when it cannot be read).
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes `text` to `path` (replacing it), for the tests' input files.
inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

/// What a command did: exit code (-1 when a signal ended it), its stdout and stderr, its wall time.
struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

/// Runs the shell command line `command` (already quoted where needed) with stdin from /dev/null and its
/// stdout and stderr captured through `dir`/stdout and `dir`/stderr.
inline Outcome run_command(const std::string& command, const std::filesystem::path& dir) {
  const auto out = dir / "stdout";
  const auto err = dir / "stderr";
  const std::string cmd = command + " >" + quoted(out.string()) + " 2>" + quoted(err.string()) + " </dev/null";
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

}  // namespace gpusim::test
