// golden_json_compare EXPECTED ACTUAL --rel R --abs A [--max-lines N]
// Exit code 0 when ACTUAL matches EXPECTED within the tolerance, 1 when it differs (each difference on a
// line: its JSON path and both values), 2 when a file cannot be read or the arguments are wrong.
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "json_compare.hpp"

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

int usage() {
  std::cerr << "usage: golden_json_compare EXPECTED ACTUAL --rel R --abs A [--max-lines N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string expected_path, actual_path;
  double rel = -1, abs = -1;
  std::size_t max_lines = 20;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--rel" && has_value) {
      rel = std::strtod(argv[++i], nullptr);
    } else if (arg == "--abs" && has_value) {
      abs = std::strtod(argv[++i], nullptr);
    } else if (arg == "--max-lines" && has_value) {
      max_lines = std::strtoul(argv[++i], nullptr, 10);
    } else if (expected_path.empty()) {
      expected_path = arg;
    } else if (actual_path.empty()) {
      actual_path = arg;
    } else {
      return usage();
    }
  }
  if (expected_path.empty() || actual_path.empty() || !(rel >= 0) || !(abs >= 0)) return usage();

  try {
    const auto diffs =
        gpusim::golden::compare_json(read_json(expected_path), read_json(actual_path), {rel, abs});
    if (diffs.empty()) {
      std::cout << fmt::format("{} matches {} (tolerance: relative {:g}, absolute {:g})\n", actual_path,
                               expected_path, rel, abs);
      return 0;
    }
    std::cout << fmt::format("{} differs from {} in {} value(s) (tolerance: relative {:g}, absolute {:g}):\n",
                             actual_path, expected_path, diffs.size(), rel, abs);
    for (std::size_t i = 0; i < diffs.size() && i < max_lines; ++i) {
      std::cout << "  " << diffs[i].path << ": " << diffs[i].message << "\n";
    }
    if (diffs.size() > max_lines) std::cout << "  ... and " << diffs.size() - max_lines << " more\n";
    std::cout << "If the change is intended: scripts/update-figures --golden, and explain it in the commit "
                 "message (docs/golden.md).\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "golden_json_compare: " << e.what() << "\n";
    return 2;
  }
}
