#pragma once
/// The one harness every libFuzzer target here shares: the input is written to a file of this process's
/// own (the loaders read files), the loader runs, and a ConfigError is the expected answer to bad input.
/// Any other exception escapes to libFuzzer (an uncaught exception aborts: a finding), as does a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "core/errors.hpp"

namespace gpusim::fuzz {

/// Writes `data` to NAME in a directory of this process and returns its path.
inline std::string write_input(const uint8_t* data, size_t size, const std::string& name) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("gpusim_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const std::filesystem::path path = dir / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return path.string();
}

/// The input's top-level `name:` when it is a plain file name, else `fallback`: catalog entries and zoo
/// models must be named after their file.
inline std::string name_in_input(const uint8_t* data, size_t size, const std::string& fallback) {
  static const std::regex name_line(R"((^|\n)name: *([A-Za-z0-9][A-Za-z0-9._-]{0,63}) *(\n|$))");
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::smatch m;
  return std::regex_search(text, m, name_line) ? m[2].str() : fallback;
}

/// Runs `load` on the input written as NAME; ConfigError is swallowed, anything else is not.
template <class Load>
int run_loader(const uint8_t* data, size_t size, const std::string& name, Load load) {
  const std::string path = write_input(data, size, name);
  try {
    load(path);
  } catch (const ConfigError&) {
  }
  return 0;
}

}  // namespace gpusim::fuzz
