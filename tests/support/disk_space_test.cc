// support/disk_space.h and the atomic writes that use it, on a real full file system: a
// 64 KiB tmpfs, filled up (mounting needs root, as in this sandbox; skipped otherwise).
#include "support/disk_space.h"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "support/error.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;

class FullDisk : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-full-disk-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64k") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    mounted_ = true;
    std::ofstream filler(dir_ / "filler", std::ios::binary);
    std::string block(4096, 'f');
    for (int i = 0; i < 64 && filler.write(block.data(), block.size()); ++i) {
    }
  }
  void TearDown() override {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }
  fs::path dir_;
  bool mounted_ = false;
};

// Issue 15 item 5: "No space left on device" said neither which device nor how full.
TEST_F(FullDisk, AWriteThatRunsOutOfSpaceNamesTheFileSystemAndWhatIsLeft) {
  EXPECT_EQ(file_system_of(dir_ / "not" / "yet" / "there"), dir_);
  ASSERT_TRUE(free_bytes(dir_).has_value());
  EXPECT_EQ(*free_bytes(dir_), 0u);
  try {
    write_file_atomic(dir_ / "report.json", std::string(100000, 'r'));
    ADD_FAILURE() << "the write succeeded on a full file system";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("no space left on " + dir_.string() + " (0 bytes free)"));
  }
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"filler"}) << "a temporary was left behind";
}

// A child's truncated output is named as a full disk only where the disk is full.
TEST_F(FullDisk, ANoteForAChildsWorkOnlyWhenTheFileSystemIsNearlyFull) {
  EXPECT_EQ(full_disk_note(dir_ / "runs" / "main.1", "the run's profile"),
            "no space left on " + dir_.string() + " (0 bytes free): the run's profile may be cut short");
  EXPECT_EQ(full_disk_note(fs::temp_directory_path(), "the run's profile", 0), "");  // 0 means never
}

TEST(DiskSpace, OtherErrorsKeepTheirText) {
  EXPECT_EQ(write_failure_reason(EACCES, "/"), std::strerror(EACCES));
  EXPECT_THAT(write_failure_reason(EDQUOT, "/"), HasSubstr("disk quota exceeded on /"));
  EXPECT_EQ(file_system_of("/"), fs::path("/"));
}

}  // namespace
}  // namespace pgo
