// Seeded mutants of every example platform and workloads file, each parsed in a forked child with a time
// limit: no crash, no hang, no exception but ConfigError, no "internal error", and every ConfigError is one
// line that starts with FILE:LINE:COL: error: (the mutant's path and a place in it).
//
// The one error that is about no place in the file: "FILE: error: file is empty", for a file that holds no
// YAML document at all (nothing but blank lines and comments; the test checks that the mutant is such a
// file). Every other message must be located: a null document ("~", a bare "---") is an error at the
// document's start, a control character at its byte. Errors about the whole file that mutants cannot
// produce (a missing, unreadable or too-large file) are tested in tests/bad_input.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <unistd.h>

#include "isolated.hpp"
#include "mutate.hpp"
#include "platforms/catalog.hpp"
#include "platforms/parse_platform.hpp"
#include "workloads/parse_workloads.hpp"

namespace gpusim::mutation {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kBaseSeed = 20240614;
constexpr int kShards = 6;
constexpr int kMutantsPerShard = 200;  // 1,200 in all
constexpr double kLimitSeconds = 5.0;

struct Source {
  std::string relative;  ///< under examples/
  bool platform = false;
  std::string text;
};

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::vector<Source> example_sources() {
  std::vector<Source> out;
  for (const auto& e : fs::recursive_directory_iterator(GPUSIM_EXAMPLES_DIR)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
    const bool platform = name.rfind("platform", 0) == 0;
    if (!platform && name.rfind("workloads", 0) != 0) continue;
    out.push_back({fs::relative(e.path(), GPUSIM_EXAMPLES_DIR).string(), platform, read_file(e.path())});
  }
  std::sort(out.begin(), out.end(), [](const Source& a, const Source& b) { return a.relative < b.relative; });
  return out;
}

/// A copy of examples/ made of symbolic links (so relative model paths resolve), removed at the end; a
/// mutant replaces one link with a file of the same name.
class Mirror {
 public:
  Mirror() {
    root_ = fs::temp_directory_path() / ("gpusim_mutation_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const auto& e : fs::recursive_directory_iterator(GPUSIM_EXAMPLES_DIR)) {
      const fs::path rel = fs::relative(e.path(), GPUSIM_EXAMPLES_DIR);
      if (e.is_directory()) {
        fs::create_directories(root_ / rel);
      } else {
        fs::create_directories((root_ / rel).parent_path());
        fs::create_symlink(e.path(), root_ / rel);
      }
    }
  }
  ~Mirror() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string write(const std::string& relative, const std::string& text) const {
    const fs::path p = root_ / relative;
    fs::remove(p);
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

 private:
  fs::path root_;
};

void parse(const Source& s, const std::string& path, const Catalog& catalog) {
  if (s.platform) {
    parse_platform(path, catalog);
  } else {
    parse_workloads(path);
  }
}

/// True when `text` holds no YAML document: every line is blank or a comment (after a UTF-8 BOM).
bool only_blank_or_comment_lines(const std::string& text) {
  std::istringstream lines(text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos && line[first] != '#') return false;
  }
  return true;
}

class YamlMutation : public ::testing::TestWithParam<int> {};

TEST_P(YamlMutation, NoCrashNoHangOnlyLocatedConfigErrors) {
  const std::vector<Source> sources = example_sources();
  ASSERT_GE(sources.size(), 10u);
  const Catalog catalog = Catalog::load(GPUSIM_CATALOG_DIR);
  const Mirror mirror;
  // Each original parses in this process first: the children inherit the imported models.
  for (const Source& s : sources) ASSERT_NO_THROW(parse(s, mirror.write(s.relative, s.text), catalog)) << s.relative;

  // After the path: a 1-based line and column (yaml-cpp's 0-based Mark() plus 1).
  const std::regex located(R"(^:[1-9][0-9]*:[1-9][0-9]*: error: )");
  int accepted = 0, rejected = 0, with_line = 0, empty_files = 0, failures = 0;
  double slowest = 0;
  for (int k = 0; k < kMutantsPerShard; ++k) {
    const int index = GetParam() * kMutantsPerShard + k;
    const Source& s = sources[static_cast<size_t>(index) % sources.size()];
    const uint64_t seed = kBaseSeed + static_cast<uint64_t>(index);
    std::string edits;
    const std::string mutant = mutate_text(s.text, seed, &edits);
    const std::string path = mirror.write(s.relative, mutant);
    const Outcome o = run_isolated([&] { parse(s, path, catalog); }, kLimitSeconds);
    slowest = std::max(slowest, o.seconds);
    std::string problem;
    if (o.kind == Outcome::CONFIG_ERROR) {
      ++rejected;
      const bool names_path = o.message.rfind(path, 0) == 0;
      if (names_path && std::regex_search(o.message.substr(path.size()), located)) {
        ++with_line;
      } else if (o.message == path + ": error: file is empty") {
        ++empty_files;
        if (!only_blank_or_comment_lines(mutant)) problem = "'file is empty' for a file with a document";
      } else {
        problem = "the message has no FILE:LINE:COL";
      }
      if (o.message.rfind(path + ":", 0) != 0) problem = "the message does not start with the file's path";
      if (o.message.find("internal error") != std::string::npos) problem = "internal error";
      if (o.message.find('\n') != std::string::npos) problem = "the message is not one line";
    } else if (o.kind == Outcome::ACCEPTED) {
      ++accepted;
    } else {
      problem = kind_name(o.kind);
    }
    if (problem.empty()) continue;
    ++failures;
    // The mutant is kept beside the test for a regression file.
    const std::string kept = "yaml_mutant_" + std::to_string(seed) + ".yaml";
    std::ofstream(kept, std::ios::binary) << mutant;
    ADD_FAILURE() << s.relative << " seed " << seed << " (" << edits << "): " << problem << ": " << o.message
                  << " [kept as " << kept << "]";
  }
  std::cout << "shard " << GetParam() << ": " << kMutantsPerShard << " mutants, " << accepted << " accepted, "
            << rejected << " ConfigError (" << with_line << " with FILE:LINE:COL, " << empty_files
            << " empty files), " << failures << " failures; slowest " << slowest << " s\n";
}

INSTANTIATE_TEST_SUITE_P(Shards, YamlMutation, ::testing::Range(0, kShards));

}  // namespace
}  // namespace gpusim::mutation
