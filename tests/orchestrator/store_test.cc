#include "orchestrator/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "support/atomic_file.h"
#include "support/error.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-store-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(StoreTest, SecondLockFailsNamingTheHolder) {
  StoreLock first(dir_ / ".pgo");
  try {
    StoreLock second(dir_ / ".pgo");
    FAIL() << "a second lock in the same store must fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(getpid())), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, LockIsFreeAgainAfterRelease) {
  { StoreLock first(dir_ / ".pgo"); }
  EXPECT_NO_THROW(StoreLock again(dir_ / ".pgo"));
}

TEST_F(StoreTest, SavesFileProfileAndMetadata) {
  ProfileStore store(dir_ / ".pgo");
  write_file_atomic(dir_ / "merged.profdata", "profile bytes");
  fs::path stored = store.save("app", "clang", dir_ / "merged.profdata", ".profdata", {{"schema", "pgo-profile/1"}});
  EXPECT_EQ(stored, dir_ / ".pgo/profiles/app/clang.profdata");
  EXPECT_EQ(read_file(stored), "profile bytes");
  EXPECT_NE(read_file(dir_ / ".pgo/profiles/app/clang.json").find("pgo-profile/1"), std::string::npos);
  // A second save replaces both, leaving no temporary files behind.
  write_file_atomic(dir_ / "merged.profdata", "newer");
  store.save("app", "clang", dir_ / "merged.profdata", ".profdata", {{"schema", "pgo-profile/1"}});
  EXPECT_EQ(read_file(stored), "newer");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(stored.parent_path())) entries += e.is_regular_file();
  EXPECT_EQ(entries, 2u);
}

TEST_F(StoreTest, ReplacesDirectoryProfileWhole) {
  ProfileStore store(dir_ / ".pgo");
  fs::create_directories(dir_ / "merged1");
  write_file_atomic(dir_ / "merged1/a.gcda", "one");
  write_file_atomic(dir_ / "merged1/old.gcda", "stale");
  fs::path stored = store.save("app", "gcc", dir_ / "merged1", ".gcda.d", {{"schema", "pgo-profile/1"}});
  fs::create_directories(dir_ / "merged2");
  write_file_atomic(dir_ / "merged2/a.gcda", "two");
  store.save("app", "gcc", dir_ / "merged2", ".gcda.d", {{"schema", "pgo-profile/1"}});
  EXPECT_EQ(read_file(stored / "a.gcda"), "two");
  EXPECT_FALSE(fs::exists(stored / "old.gcda"));  // not merged with the old tree
  EXPECT_FALSE(fs::exists(stored.parent_path() / ".gcc.gcda.d.staging"));
}

TEST_F(StoreTest, HashesSourcesButNotStoreOrBuildTrees) {
  write_file_atomic(dir_ / "CMakeLists.txt", "project(x)");
  write_file_atomic(dir_ / "src/main.c", "int main(){}");
  write_file_atomic(dir_ / "src/notes.txt", "not a source");
  write_file_atomic(dir_ / ".pgo/build/gcc/x.c", "generated");
  write_file_atomic(dir_ / "build/gen.c", "generated");
  auto hashes = hash_sources(dir_, dir_ / ".pgo");
  EXPECT_EQ(hashes.size(), 2u);
  EXPECT_TRUE(hashes.count("CMakeLists.txt"));
  ASSERT_TRUE(hashes.count("src/main.c"));
  EXPECT_EQ(hashes["src/main.c"].size(), 64u);
}

}  // namespace
}  // namespace pgo
