#include "orchestrator/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/process.h"

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

// A pgo killed while holding the lock (SIGKILL: no destructor runs) does not block the next.
TEST_F(StoreTest, LockOfAKilledHolderIsTakenOver) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t holder = ::fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    StoreLock lock(dir_ / ".pgo");
    (void)!::write(ready[1], "x", 1);
    ::pause();
    ::_exit(0);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  try {
    StoreLock busy(dir_ / ".pgo");
    ADD_FAILURE() << "the lock of a live holder was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(holder)), std::string::npos) << e.what();
  }
  ::kill(holder, SIGKILL);
  ::waitpid(holder, nullptr, 0);
  EXPECT_NO_THROW(StoreLock again(dir_ / ".pgo"));
  EXPECT_EQ(trim(read_file(dir_ / ".pgo/lock")), std::to_string(getpid()));
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(StoreTest, RemovesWhatInterruptedWritesLeft) {
  ProfileStore store(dir_ / ".pgo");
  write_file_atomic(dir_ / ".pgo/profiles/app/clang.profdata", "kept");
  write_file_atomic(dir_ / ".pgo/profiles/app/.clang.profdata.tmp.123.456789", "torn");
  write_file_atomic(dir_ / ".pgo/profiles/app/.clang.json.tmp.9.1", "{");
  write_file_atomic(dir_ / ".pgo/profiles/app/.gcc.gcda.d.staging/x.gcda", "half");
  write_file_atomic(dir_ / ".pgo/profiles/app/gcc.gcda.d/x.gcda", "kept");
  write_file_atomic(dir_ / ".pgo/reports/2024/.report.json.tmp.5.5", "{");
  write_file_atomic(dir_ / ".pgo/reports/2024/report.json", "{}");
  write_file_atomic(dir_ / ".pgo/build/gcc/baseline/.pgo-build.log.tmp.77.8", "torn log");
  write_file_atomic(dir_ / ".pgo/build/gcc/baseline/CMakeFiles/.o.tmp.1.1", "not ours to judge");
  write_file_atomic(dir_ / ".pgo/runs/gcc/train/w.1/.out.tmp.1.1", "a workload's own file");
  EXPECT_EQ(store.remove_interrupted_writes(), 5u);
  std::vector<std::string> left;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / ".pgo"))
    if (e.is_regular_file()) left.push_back(fs::relative(e.path(), dir_ / ".pgo").string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"build/gcc/baseline/CMakeFiles/.o.tmp.1.1", "profiles/app/clang.profdata",
                                            "profiles/app/gcc.gcda.d/x.gcda", "reports/2024/report.json",
                                            "runs/gcc/train/w.1/.out.tmp.1.1"}));
}

// The commit recorded in metadata comes from git's stdout (captured, not through a file of ours).
TEST_F(StoreTest, GitCommitIsHeadOfTheRepositoryOrEmpty) {
  EXPECT_EQ(git_commit(dir_), "");  // not a repository
  if (!find_program("git")) GTEST_SKIP() << "git is not installed";
  SystemProcessRunner runner;
  ProcessSpec init;
  init.argv = {"/bin/sh", "-c", "git init -q . && git -c user.name=t -c user.email=t@e commit -q --allow-empty -m x"};
  init.cwd = dir_;
  ASSERT_TRUE(runner.run(init).ok());
  CapturedRun head = run_captured(runner, ProcessSpec{{"git", "-C", dir_.string(), "rev-parse", "HEAD"}});
  ASSERT_EQ(trim(head.out).size(), 40u) << head.err;
  EXPECT_EQ(git_commit(dir_), trim(head.out));
}

TEST_F(StoreTest, UnwritableStoreFailsUpFrontNamingThePlace) {
  fs::create_directories(dir_ / ".pgo");
  write_file_atomic(dir_ / ".pgo/profiles", "a file where the profiles directory belongs");
  ProfileStore store(dir_ / ".pgo");
  try {
    store.check_writable();
    FAIL() << "a file in place of profiles/ must be reported";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find((dir_ / ".pgo/profiles").string()), std::string::npos) << e.what();
  }
  fs::remove(dir_ / ".pgo/profiles");
  EXPECT_NO_THROW(store.check_writable());
  EXPECT_FALSE(fs::exists(dir_ / ".pgo/profiles"));  // nothing stored, nothing created
  EXPECT_EQ(store.remove_interrupted_writes(), 0u);  // the probe file is gone
}

// SIGKILL of a process in the middle of saves: the store holds a complete old or new
// profile and, if any, the metadata of that very profile; never a torn file.
class StoreKillTest : public StoreTest {
 protected:
  static constexpr int kRounds = 20;
  // Version `v` of the payload: large, so that a kill often lands inside a write.
  static std::string payload(int v, size_t size) {
    std::string s(size, static_cast<char>('A' + v));
    s.replace(0, 16, "version " + std::to_string(v) + "       ");
    return s;
  }
  static nlohmann::json metadata(int v) {
    // Padding makes the metadata write long enough to be caught between profile and metadata.
    return {{"schema", "pgo-profile/1"}, {"version", v}, {"padding", std::string(256 << 10, 'p')}};
  }

  // Forks a child that saves versions 0, 1, 0, 1, ... of `merged[v]` until it is killed
  // at a random moment; then calls `check`. Repeats `rounds` times.
  template <typename Check>
  void kill_during_saves(const fs::path merged[2], const std::string& extension, int rounds, Check check) {
    ProfileStore store(dir_ / ".pgo");
    store.save("app", "tc", merged[0], extension, metadata(0));
    // One save's duration sets the range of the kill delays.
    auto start = std::chrono::steady_clock::now();
    store.save("app", "tc", merged[1], extension, metadata(1));
    store.save("app", "tc", merged[0], extension, metadata(0));
    long cycle_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
                        .count();
    std::mt19937 rng(12345);
    for (int round = 0; round < rounds; ++round) {
      pid_t writer = ::fork();
      ASSERT_GE(writer, 0);
      if (writer == 0) {
        for (int v = 1;; v ^= 1) store.save("app", "tc", merged[v], extension, metadata(v));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(
          std::uniform_int_distribution<long>(0, 3 * cycle_us)(rng)));
      ::kill(writer, SIGKILL);
      ::waitpid(writer, nullptr, 0);
      SCOPED_TRACE("round " + std::to_string(round));
      check(store);
      store.remove_interrupted_writes();
    }
  }

  // The version of the metadata, -1 if there is none; fails on a torn one.
  int metadata_version(const ProfileStore& store) {
    fs::path meta = store.metadata_path("app", "tc");
    if (!fs::exists(meta)) return -1;
    nlohmann::json j = nlohmann::json::parse(read_file(meta), nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "torn metadata: " << read_file(meta).size() << " bytes";
      return -2;
    }
    return j["version"].get<int>();
  }
};

TEST_F(StoreKillTest, FileProfileIsAlwaysCompleteAndMatchesItsMetadata) {
  const size_t kSize = 1 << 20;
  fs::path merged[2] = {dir_ / "merged0.profdata", dir_ / "merged1.profdata"};
  for (int v : {0, 1}) write_file_atomic(merged[v], payload(v, kSize));
  int without_metadata = 0;
  kill_during_saves(merged, ".profdata", kRounds, [&](const ProfileStore& store) {
    std::string profile = read_file(store.profile_path("app", "tc", ".profdata"));
    int v = profile == payload(0, kSize) ? 0 : profile == payload(1, kSize) ? 1 : -1;
    ASSERT_NE(v, -1) << "torn profile: " << profile.size() << " bytes, starts " << profile.substr(0, 16);
    int mv = metadata_version(store);
    if (mv == -1) {
      ++without_metadata;
    } else {
      EXPECT_EQ(mv, v) << "the metadata describes the other profile";
    }
  });
  std::printf("[          ] %d of %d kills left a profile without metadata\n", without_metadata, kRounds);
}

TEST_F(StoreKillTest, DirectoryProfileIsAlwaysACompleteTree) {
  const size_t kSize = 256 << 10;
  fs::path merged[2] = {dir_ / "merged0", dir_ / "merged1"};
  for (int v : {0, 1})
    for (const char* name : {"a.gcda", "sub/b.gcda", "sub/c.gcda"})
      write_file_atomic(merged[v] / name, payload(v, kSize));
  kill_during_saves(merged, ".gcda.d", kRounds, [&](const ProfileStore& store) {
    fs::path tree = store.profile_path("app", "tc", ".gcda.d");
    std::vector<std::string> names;
    int v = -1;
    for (const auto& e : fs::recursive_directory_iterator(tree)) {
      if (!e.is_regular_file()) continue;
      names.push_back(fs::relative(e.path(), tree).string());
      std::string bytes = read_file(e.path());
      int fv = bytes == payload(0, kSize) ? 0 : bytes == payload(1, kSize) ? 1 : -1;
      ASSERT_NE(fv, -1) << "torn " << e.path() << ": " << bytes.size() << " bytes";
      if (v == -1) v = fv;
      EXPECT_EQ(fv, v) << "a tree mixing versions";
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"a.gcda", "sub/b.gcda", "sub/c.gcda"}));
    int mv = metadata_version(store);
    if (mv != -1) {
      EXPECT_EQ(mv, v) << "the metadata describes the other profile";
    }
  });
}

TEST_F(StoreTest, TheGitignoreKeepsWorkingStateOutAndProfilesIn) {
  ProfileStore store(dir_ / ".pgo");
  fs::create_directories(store.root());
  store.write_gitignore();
  const std::string text = read_file(store.root() / ".gitignore");
  for (const char* ignored : {"/build/\n", "/runs/\n", "/reports/\n", "/lock\n"})
    EXPECT_NE(text.find(ignored), std::string::npos) << ignored << " in\n" << text;
  EXPECT_EQ(text.find("\n/profiles"), std::string::npos) << text;
  // A user's own file is kept.
  write_file_atomic(store.root() / ".gitignore", "mine\n");
  store.write_gitignore();
  EXPECT_EQ(read_file(store.root() / ".gitignore"), "mine\n");
}

TEST_F(StoreTest, HashesSourcesButNotStoreOrBuildTrees) {
  write_file_atomic(dir_ / "CMakeLists.txt", "project(x)");
  write_file_atomic(dir_ / "src/main.c", "int main(){}");
  write_file_atomic(dir_ / "src/notes.txt", "not a source");
  write_file_atomic(dir_ / ".pgo/build/gcc/x.c", "generated");
  write_file_atomic(dir_ / "build/gen.c", "generated");
  // As a CMake project's build system says (BuildSystem::is_source).
  auto is_source = [](const fs::path& p) { return p.filename() == "CMakeLists.txt" || is_c_family_source(p); };
  auto hashes = hash_sources(dir_, dir_ / ".pgo", is_source);
  EXPECT_EQ(hashes.size(), 2u);
  EXPECT_TRUE(hashes.count("CMakeLists.txt"));
  ASSERT_TRUE(hashes.count("src/main.c"));
  EXPECT_EQ(hashes["src/main.c"].size(), 64u);
}

}  // namespace
}  // namespace pgo
