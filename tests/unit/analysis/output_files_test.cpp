// Output files: checked when declared, written together, devices and pipes never replaced, links followed as
// named, and no file appears when any write fails. Each test works in its own temporary folder.

#include "analysis/writers/output_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/config_error.hpp"

namespace gpusim::test {
namespace {

namespace fs = std::filesystem;

class OutputFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("gpusim_out_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::vector<std::string> listing() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

TEST_F(OutputFilesTest, WritesNewAndReplacesOldFilesLeavingNoTemporary) {
  { std::ofstream(path("old.json")) << "old"; }
  OutputFiles f;
  f.add_file("--json", path("old.json"));
  f.add_dir("--csv", path("csv/deep"), {"a.csv", "b.csv"});
  f.set(path("old.json"), "new\n");
  f.set(path("csv/deep/a.csv"), "x,y\n");
  f.set(path("csv/deep/b.csv"), "z\n");
  f.commit();
  EXPECT_EQ(read(path("old.json")), "new\n");
  EXPECT_EQ(read(path("csv/deep/a.csv")), "x,y\n");
  EXPECT_EQ(listing(), (std::vector<std::string>{"csv", "old.json"}));
}

TEST_F(OutputFilesTest, ACharacterDeviceIsWrittenIntoAndNeverReplaced) {
  const std::string null = path("null");
  if (::mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod is not allowed here";
  OutputFiles f;
  f.add_file("--json", null);
  f.set(null, "{}\n");
  f.commit();
  struct stat st {};
  ASSERT_EQ(::stat(null.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(listing(), (std::vector<std::string>{"null"}));
}

TEST_F(OutputFilesTest, AFullDeviceIsAWriteErrorAndNoOtherOutputAppears) {
  OutputFiles f;
  f.add_file("--json", path("a.json"));
  f.add_file("--json", "/dev/full");
  f.set(path("a.json"), "{}\n");
  f.set("/dev/full", "{}\n");
  try {
    f.commit();
    FAIL() << "writing /dev/full succeeded";
  } catch (const OutputError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/full: error: write failed (No space left on device)");
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(OutputFilesTest, AnUncreatableFolderIsRefusedWhenDeclared) {
  EXPECT_EQ(config_error([] { OutputFiles().add_file("--json", "/proc/gpusim-out.json"); }).rfind(
                "/proc/gpusim-out.json: error: cannot write file: directory '/proc' is not writable (", 0),
            0u);
  EXPECT_EQ(config_error([&] { OutputFiles().add_file("--json", path("no/such/out.json")); }),
            path("no/such/out.json") + ": error: cannot write file: directory '" + path("no/such") +
                "' does not exist");
}

TEST_F(OutputFilesTest, AReadOnlyFileIsNotReplaced) {
  { std::ofstream(path("ro.json")) << "keep"; }
  fs::permissions(path("ro.json"), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  EXPECT_EQ(config_error([&] { OutputFiles().add_file("--json", path("ro.json")); }),
            path("ro.json") + ": error: cannot write file: it is read-only (mode 0444)");
  EXPECT_EQ(read(path("ro.json")), "keep");
}

TEST_F(OutputFilesTest, ACsvFolderWithABlockedNameIsRefusedWhenDeclared) {
  fs::create_directories(path("csv/workloads.csv"));
  EXPECT_EQ(config_error([&] { OutputFiles().add_dir("--csv", path("csv"), {"power.csv", "workloads.csv"}); }),
            path("csv/workloads.csv") + ": error: --csv needs a file, not a directory");
  EXPECT_EQ(config_error([&] { OutputFiles().add_dir("--csv", path("csv/workloads.csv/x"), {"a.csv"}); }), "");
}

TEST_F(OutputFilesTest, ALinkIsFollowedAsNamedAndAPlantedTemporaryNameIsIgnored) {
  { std::ofstream(path("real.json")) << "old"; }
  fs::create_symlink(path("real.json"), path("link.json"));
  { std::ofstream(path("victim")) << "victim"; }
  fs::create_symlink(path("victim"), path("link.json.tmp"));  // the temporary name of earlier versions
  fs::create_symlink(path("victim"), path("real.json.tmp"));
  OutputFiles f;
  f.add_file("--json", path("link.json"));
  f.set(path("link.json"), "new");
  f.commit();
  EXPECT_TRUE(fs::is_symlink(path("link.json")));
  EXPECT_EQ(read(path("real.json")), "new");
  EXPECT_EQ(read(path("victim")), "victim");
}

}  // namespace
}  // namespace gpusim::test
