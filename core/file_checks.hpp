#pragma once
/// Checks made on an input file before it is opened, and its bounded reading: a FIFO, a device, a socket or
/// a directory is refused by looking at the path (opening a FIFO would block), and no reader takes in more
/// than its stated limit.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace gpusim {

/// Largest YAML file read (platform, workloads, catalog entry, zoo model).
inline constexpr std::uintmax_t kMaxYamlFileBytes = std::uintmax_t{16} << 20;
/// Longest line of a YAML file.
inline constexpr std::size_t kMaxYamlLineBytes = std::size_t{64} << 10;
/// Deepest nesting of lists and mappings in a YAML file.
inline constexpr int kMaxYamlDepth = 64;
/// Largest trace file read.
inline constexpr std::uintmax_t kMaxTraceFileBytes = std::uintmax_t{256} << 20;
/// Largest ONNX model read (protobuf's own limit on a message).
inline constexpr std::uintmax_t kMaxModelFileBytes = std::uintmax_t{2} << 30;

/// What is wrong with an input path, found with stat() alone.
enum class InputFileProblem { NONE, MISSING, DIRECTORY, NOT_REGULAR, TOO_LARGE };

struct InputFileCheck {
  InputFileProblem problem = InputFileProblem::NONE;
  /// For DIRECTORY and NOT_REGULAR, completes "cannot open ...: " ("it is a named pipe (FIFO), not a regular
  /// file"); for TOO_LARGE, says by how much ("20971520 bytes, more than the 16 MiB limit for a YAML file").
  std::string why;
};

/// Looks at `path` (following symbolic links) without opening it: it must be a regular file of at most
/// `max_bytes`; `what` names the kind of file in the size message ("a YAML file").
InputFileCheck check_input_file(const std::string& path, std::uintmax_t max_bytes, const std::string& what);

/// Largest CSV or JSON data file read (validation data).
inline constexpr std::uintmax_t kMaxDataFileBytes = std::uintmax_t{256} << 20;

/// ConfigError "PATH: error: cannot open file: it is ..." or "PATH: error: file too large: ..." when `path`
/// exists but is not a regular file of at most `max_bytes`; a missing file is left to the caller's message.
void refuse_unreadable_input(const std::string& path, std::uintmax_t max_bytes, const std::string& what);

/// A limit in bytes as people write it: "16 MiB", "2 GiB", "64 KiB".
std::string binary_size(std::uintmax_t bytes);

/// The contents of the regular file `path`, reading at most `max_bytes` + 1 bytes (a file that grew after
/// check_input_file() is cut there, and the caller sees it is over the limit); nothing if it cannot be
/// opened.
std::optional<std::string> read_bounded(const std::string& path, std::uintmax_t max_bytes);

/// Turns CRLF and lone CR line ends into LF, so a file from any platform has the same lines.
void normalize_line_ends(std::string& text);

}  // namespace gpusim
