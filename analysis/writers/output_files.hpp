#pragma once
/// The files a command writes, checked before any work and written together: nothing is half-written.
///
/// Each output is declared first (`add_file`, `add_dir`), which checks it at once, so a wrong path fails
/// before anything is simulated (ConfigError, exit 2). `commit()` then writes every regular file to a fresh
/// temporary in its target folder (created exclusively, never through an existing name) and renames them
/// into place only when all were written; on any failure no target is created or replaced. A character
/// device or a FIFO (`/dev/null`, a pipe) is written directly and never replaced; `-` and `/dev/stdout`
/// mean standard output. A symbolic link is followed as the user named it: its target is what gets written.
/// A failed write (a full disk, a closed pipe) is an OutputError (exit 1).

#include <string>
#include <vector>

#include "core/errors.hpp"

namespace gpusim {

/// Writing a result failed after the inputs were accepted (full disk, closed pipe): exit code 1.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutputFiles {
 public:
  /// Declares the file `path` given with `option` (e.g. "--json"); "-" and /dev/stdout mean stdout.
  /// ConfigError naming the path when it cannot be written: a directory, a missing or unwritable folder,
  /// a read-only file, a socket or block device.
  void add_file(const std::string& option, const std::string& path);
  /// Declares the file `path` (checked as by add_file) whose content another process writes as it goes
  /// (a trace streamed by the simulating child): returns a fresh temporary file beside the target (in the
  /// temporary folder for a pipe or a device), to be written completely before commit(), which renames it
  /// into place (or copies it into the pipe or device). It is removed when the commit does not happen.
  std::string add_streamed(const std::string& option, const std::string& path);
  /// Declares the folder `dir` given with `option` and the files `names` that will be written in it (the
  /// folder is created at commit when absent). ConfigError when `dir` is a file or a name is a folder.
  void add_dir(const std::string& option, const std::string& dir, const std::vector<std::string>& names);
  /// The content of a declared file (`path` as declared, or `dir`/`name` of a declared folder).
  void set(const std::string& path, std::string content);
  /// True when `path` was declared.
  bool has(const std::string& path) const;
  /// Writes every declared file (all must have content); see the file comment.
  void commit();

  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  OutputFiles(OutputFiles&&) = default;
  OutputFiles& operator=(OutputFiles&&) = default;
  /// Removes the temporaries of streamed files that were not committed.
  ~OutputFiles();

 private:
  enum class Kind { STDOUT, DIRECT, REPLACE };
  struct Target {
    std::string named;      ///< as the user gave it (messages, set())
    std::string real;       ///< what is written: the link target for a symbolic link
    Kind kind = Kind::REPLACE;
    std::string content;
    bool has_content = false;
    std::string dir_to_create;  ///< a declared folder that does not exist yet
    std::string streamed;       ///< add_streamed: the temporary the content is written to
  };
  Target check(const std::string& option, const std::string& named, const std::string& dir_created) const;
  std::vector<Target> targets_;
};

}  // namespace gpusim
