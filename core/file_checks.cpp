#include "core/file_checks.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

#include <filesystem>
#include <fstream>

namespace gpusim {

namespace {

std::string kind_of(std::filesystem::file_type type) {
  switch (type) {
    case std::filesystem::file_type::fifo:
      return "a named pipe (FIFO)";
    case std::filesystem::file_type::character:
      return "a character device";
    case std::filesystem::file_type::block:
      return "a block device";
    case std::filesystem::file_type::socket:
      return "a socket";
    default:
      return "a special file";
  }
}

}  // namespace

std::string binary_size(std::uintmax_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (unit < 4 && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{} {}", bytes, kUnits[unit]);
}

InputFileCheck check_input_file(const std::string& path, std::uintmax_t max_bytes, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return {InputFileProblem::MISSING, ""};
  if (fs::is_directory(st)) return {InputFileProblem::DIRECTORY, "it is a directory"};
  if (!fs::is_regular_file(st)) {
    return {InputFileProblem::NOT_REGULAR, fmt::format("it is {}, not a regular file", kind_of(st.type()))};
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) {
    return {InputFileProblem::TOO_LARGE,
            fmt::format("{} bytes, more than the {} limit for {}", size, binary_size(max_bytes), what)};
  }
  return {};
}

std::optional<std::string> read_bounded(const std::string& path, std::uintmax_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char buffer[1 << 16];
  while (text.size() <= max_bytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (text.size() > max_bytes + 1) text.resize(max_bytes + 1);
  return text;
}

void normalize_line_ends(std::string& text) {
  if (text.find('\r') == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    }
  }
  text.swap(out);
}

void refuse_unreadable_input(const std::string& path, std::uintmax_t max_bytes, const std::string& what) {
  const InputFileCheck check = check_input_file(path, max_bytes, what);
  switch (check.problem) {
    case InputFileProblem::NONE:
    case InputFileProblem::MISSING:
      return;
    case InputFileProblem::DIRECTORY:
    case InputFileProblem::NOT_REGULAR:
      throw ConfigError(fmt::format("{}: error: cannot open file: {}", path, check.why));
    case InputFileProblem::TOO_LARGE:
      throw ConfigError(fmt::format("{}: error: file too large: {}", path, check.why));
  }
}

}  // namespace gpusim
