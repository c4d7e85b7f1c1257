#include "analysis/writers/output_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace gpusim {
namespace fs = std::filesystem;
namespace {

std::string errno_text(int e) { return std::strerror(e); }

// Writes all of `data` to `fd`; false (errno set) on a short or failed write.
bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The folder a new file at `p` would be created in.
fs::path folder_of(const fs::path& p) { return p.has_parent_path() ? p.parent_path() : fs::path("."); }

// Creates and removes a temporary file in `dir`: the only reliable test that a file can be created there
// (permissions, read-only mounts, /proc). Empty when it can; the reason otherwise.
std::string probe_folder(const fs::path& dir) {
  std::string name = (dir / ".gpusim-probe.XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) return errno_text(errno);
  ::close(fd);
  ::unlink(name.c_str());
  return {};
}

// The nearest folder of `p` (itself included) that exists.
fs::path existing_ancestor(fs::path p) {
  std::error_code ec;
  while (!p.empty() && !fs::exists(p, ec)) p = p.parent_path();
  return p.empty() ? fs::path(".") : p;
}

}  // namespace

OutputFiles::Target OutputFiles::check(const std::string& option, const std::string& named,
                                       const std::string& dir_created) const {
  Target t;
  t.named = named;
  t.real = named;
  if (named == "-" || named == "/dev/stdout") {
    t.kind = Kind::STDOUT;
    return t;
  }
  std::error_code ec;
  const fs::path p(named);
  if (fs::is_symlink(p, ec)) {
    t.real = fs::weakly_canonical(p, ec).string();
    if (ec) throw ConfigError(fmt::format("{}: error: cannot resolve the link ({})", named, ec.message()));
  }
  struct stat st {};
  if (dir_created.empty() && ::stat(t.real.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw ConfigError(fmt::format("{}: error: {} needs a file, not a directory", named, option));
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      t.kind = Kind::DIRECT;
      return t;
    }
    if (!S_ISREG(st.st_mode)) {
      throw ConfigError(fmt::format("{}: error: {} cannot write to a socket or block device", named, option));
    }
    if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) {
      throw ConfigError(fmt::format("{}: error: cannot write file: it is read-only (mode {:04o})", named,
                                    st.st_mode & 07777));
    }
  }
  if (!dir_created.empty()) {
    t.dir_to_create = dir_created;
    return t;
  }
  const fs::path dir = folder_of(fs::path(t.real));
  if (!fs::is_directory(dir, ec)) {
    throw ConfigError(fmt::format("{}: error: cannot write file: directory '{}' does not exist", named,
                                  folder_of(p).string()));
  }
  const std::string why = probe_folder(dir);
  if (!why.empty()) {
    throw ConfigError(
        fmt::format("{}: error: cannot write file: directory '{}' is not writable ({})", named, dir.string(), why));
  }
  return t;
}

void OutputFiles::add_file(const std::string& option, const std::string& path) {
  targets_.push_back(check(option, path, ""));
}

std::string OutputFiles::add_streamed(const std::string& option, const std::string& path) {
  if (path == "-" || path == "/dev/stdout") {
    throw ConfigError(fmt::format("{}: error: {} needs a file (the table goes to standard output)", path, option));
  }
  Target t = check(option, path, "");
  const fs::path dir = t.kind == Kind::REPLACE ? folder_of(fs::path(t.real)) : fs::temp_directory_path();
  std::string name = (dir / fmt::format(".{}.XXXXXX", fs::path(t.real).filename().string())).string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw ConfigError(fmt::format("{}: error: cannot write file ({})", path, errno_text(errno)));
  ::close(fd);
  t.streamed = name;
  t.has_content = true;
  targets_.push_back(std::move(t));
  return name;
}

OutputFiles::~OutputFiles() {
  for (const auto& t : targets_) {
    if (!t.streamed.empty()) ::unlink(t.streamed.c_str());
  }
}

void OutputFiles::add_dir(const std::string& option, const std::string& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  std::string create;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      throw ConfigError(fmt::format("{}: error: {} needs a directory, not a file", dir, option));
    }
  } else {
    const fs::path base = existing_ancestor(fs::path(dir));
    if (!fs::is_directory(base, ec)) {
      throw ConfigError(fmt::format("{}: error: {} needs a directory, but '{}' is a file", dir, option, base.string()));
    }
    const std::string why = probe_folder(base);
    if (!why.empty()) {
      throw ConfigError(fmt::format("{}: error: cannot create directory: '{}' is not writable ({})", dir,
                                    base.string(), why));
    }
    create = dir;
  }
  for (const auto& n : names) targets_.push_back(check(option, (fs::path(dir) / n).string(), create));
}

bool OutputFiles::has(const std::string& path) const {
  for (const auto& t : targets_) {
    if (t.named == path) return true;
  }
  return false;
}

void OutputFiles::set(const std::string& path, std::string content) {
  for (auto& t : targets_) {
    if (t.named != path) continue;
    t.content = std::move(content);
    t.has_content = true;
    return;
  }
  GPUSIM_CHECK(false, "output '" + path + "' was not declared");
}

void OutputFiles::commit() {
  for (const auto& t : targets_) GPUSIM_CHECK(t.has_content, "output '" + t.named + "' has no content");
  std::vector<std::string> temps(targets_.size());
  std::vector<fs::path> made_dirs;
  std::vector<std::string> placed;  // targets created by this commit (removed again on a failure)
  auto undo = [&] {
    for (const auto& tmp : temps) {
      if (!tmp.empty()) ::unlink(tmp.c_str());
    }
    for (const auto& t : targets_) {
      if (!t.streamed.empty()) ::unlink(t.streamed.c_str());
    }
    for (const auto& p : placed) ::unlink(p.c_str());
    for (auto it = made_dirs.rbegin(); it != made_dirs.rend(); ++it) ::rmdir(it->c_str());
  };
  auto fail = [&](const std::string& what) {
    undo();
    throw OutputError(what);
  };
  // 1. Folders to create, then every regular file to a fresh temporary beside its target.
  for (const auto& t : targets_) {
    if (t.dir_to_create.empty()) continue;
    std::vector<fs::path> missing;
    std::error_code ec;
    for (fs::path p(t.dir_to_create); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) missing.push_back(p);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST) {
        fail(fmt::format("{}: error: cannot create directory ({})", it->string(), errno_text(errno)));
      }
      made_dirs.push_back(*it);
    }
  }
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const Target& t = targets_[i];
    if (t.kind != Kind::REPLACE) continue;
    if (!t.streamed.empty()) {
      // Written by another process: made durable and given the mode the target would get.
      const int fd = ::open(t.streamed.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      const mode_t mask = ::umask(0);
      ::umask(mask);
      const mode_t mode = ::stat(t.real.c_str(), &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask);
      const bool ok = fd >= 0 && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
      const int err = errno;
      if (fd >= 0) ::close(fd);
      temps[i] = t.streamed;
      if (!ok) fail(fmt::format("{}: error: write failed ({})", t.named, errno_text(err)));
      continue;
    }
    const fs::path real(t.real);
    std::string name = (folder_of(real) / fmt::format(".{}.XXXXXX", real.filename().string())).string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0) fail(fmt::format("{}: error: cannot write file ({})", t.named, errno_text(errno)));
    temps[i] = name;
    struct stat st {};
    const mode_t mask = ::umask(0);
    ::umask(mask);
    const mode_t mode = ::stat(t.real.c_str(), &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask);
    const bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, t.content) && ::fsync(fd) == 0;
    const int err = errno;
    if (::close(fd) != 0 || !ok) {
      fail(fmt::format("{}: error: write failed ({})", t.named, errno_text(ok ? errno : err)));
    }
  }
  // 2. Devices, pipes and stdout: written directly (they cannot be taken back, so after the temporaries).
  for (const auto& t : targets_) {
    if (t.kind == Kind::STDOUT) {
      std::cout << t.content << std::flush;
      if (!std::cout) fail(fmt::format("{}: error: write to standard output failed", t.named));
    } else if (t.kind == Kind::DIRECT) {
      const int fd = ::open(t.real.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) fail(fmt::format("{}: error: cannot open for writing ({})", t.named, errno_text(errno)));
      bool ok = true;
      if (t.streamed.empty()) {
        ok = write_all(fd, t.content);
      } else {
        const int in = ::open(t.streamed.c_str(), O_RDONLY | O_CLOEXEC);
        ok = in >= 0;
        std::string chunk(1 << 16, '\0');
        while (ok) {
          const ssize_t n = ::read(in, chunk.data(), chunk.size());
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) {
            ok = n == 0;
            break;
          }
          ok = write_all(fd, chunk.substr(0, static_cast<std::size_t>(n)));
        }
        if (in >= 0) ::close(in);
      }
      const int err = errno;
      if (::close(fd) != 0 || !ok) fail(fmt::format("{}: error: write failed ({})", t.named, errno_text(ok ? errno : err)));
    }
  }
  // 3. Every temporary renamed into place.
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (temps[i].empty()) continue;
    const bool existed = ::access(targets_[i].real.c_str(), F_OK) == 0;
    if (::rename(temps[i].c_str(), targets_[i].real.c_str()) != 0) {
      fail(fmt::format("{}: error: cannot write file ({})", targets_[i].named, errno_text(errno)));
    }
    temps[i].clear();
    if (!existed) placed.push_back(targets_[i].real);
  }
  for (auto& t : targets_) {
    if (t.kind != Kind::REPLACE && !t.streamed.empty()) ::unlink(t.streamed.c_str());
    t.streamed.clear();
  }
}

}  // namespace gpusim
