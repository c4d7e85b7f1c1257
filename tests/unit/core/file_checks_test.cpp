// Checks on input files made before they are opened (core/file_checks): special files are refused by their
// type, without opening them (a FIFO would block), and sizes are compared with the stated limits.

#include "core/file_checks.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace gpusim {
namespace {

class FileChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("gpusim_file_checks_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(FileChecks, RegularFileWithinTheLimitPasses) {
  const std::string path = write("a.yaml", "0123456789");
  EXPECT_EQ(check_input_file(path, 10, "a test file").problem, InputFileProblem::NONE);
  EXPECT_EQ(read_bounded(path, 10).value(), "0123456789");
}

TEST_F(FileChecks, LargerFileIsRefusedWithItsSizeAndTheLimit) {
  const std::string path = write("a.yaml", std::string(2049, 'x'));
  const InputFileCheck c = check_input_file(path, 2048, "a test file");
  EXPECT_EQ(c.problem, InputFileProblem::TOO_LARGE);
  EXPECT_EQ(c.why, "2049 bytes, more than the 2 KiB limit for a test file");
  // Reading stops one byte past the limit, so a file that grew after the check is still caught.
  EXPECT_EQ(read_bounded(path, 100)->size(), 101U);
}

TEST_F(FileChecks, MissingFileAndDirectory) {
  EXPECT_EQ(check_input_file((dir_ / "none").string(), 10, "x").problem, InputFileProblem::MISSING);
  const InputFileCheck d = check_input_file(dir_.string(), 10, "x");
  EXPECT_EQ(d.problem, InputFileProblem::DIRECTORY);
  EXPECT_EQ(d.why, "it is a directory");
}

TEST_F(FileChecks, FifoIsRefusedWithoutOpeningIt) {
  // Opening a FIFO with no writer would block: returning at all shows it was not opened.
  const std::string fifo = (dir_ / "pipe.yaml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const InputFileCheck c = check_input_file(fifo, 10, "x");
  EXPECT_EQ(c.problem, InputFileProblem::NOT_REGULAR);
  EXPECT_EQ(c.why, "it is a named pipe (FIFO), not a regular file");
}

TEST_F(FileChecks, DeviceIsRefused) {
  const InputFileCheck c = check_input_file("/dev/zero", kMaxTraceFileBytes, "x");
  EXPECT_EQ(c.problem, InputFileProblem::NOT_REGULAR);
  EXPECT_EQ(c.why, "it is a character device, not a regular file");
}

TEST_F(FileChecks, SymbolicLinkToARegularFileIsFollowed) {
  const std::string target = write("t.yaml", "a: 1\n");
  const std::filesystem::path link = dir_ / "link.yaml";
  std::filesystem::create_symlink(target, link);
  EXPECT_EQ(check_input_file(link.string(), 100, "x").problem, InputFileProblem::NONE);
}

TEST(FileCheckLimits, BinarySizesAsPeopleWriteThem) {
  EXPECT_EQ(binary_size(kMaxYamlFileBytes), "16 MiB");
  EXPECT_EQ(binary_size(kMaxYamlLineBytes), "64 KiB");
  EXPECT_EQ(binary_size(kMaxTraceFileBytes), "256 MiB");
  EXPECT_EQ(binary_size(kMaxModelFileBytes), "2 GiB");
  EXPECT_EQ(binary_size(1000), "1000 B");
}

TEST(FileCheckLineEnds, CrAndCrLfBecomeLf) {
  std::string mac = "a: 1\rb: 2\r";
  std::string dos = "a: 1\r\nb: 2\r\n";
  std::string mixed = "a: 1\r\r\nb: 2\n";
  normalize_line_ends(mac);
  normalize_line_ends(dos);
  normalize_line_ends(mixed);
  EXPECT_EQ(mac, "a: 1\nb: 2\n");
  EXPECT_EQ(dos, "a: 1\nb: 2\n");
  // A lone CR then a CRLF: two line ends, so the line numbers after it stay right.
  EXPECT_EQ(mixed, "a: 1\n\nb: 2\n");
}

}  // namespace
}  // namespace gpusim
