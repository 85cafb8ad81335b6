// The sequencing of `pgo status` with fake adapters (pipeline_fakes.h): what it builds to
// compare, what it skips, and how each kind of drift or damage reads.
#include <gtest/gtest.h>

#include "orchestrator/pipeline.h"
#include "orchestrator/status.h"
#include "support/atomic_file.h"
#include "tests/orchestrator/pipeline_fakes.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;
using testing::FakeRunner;
using testing::FakeWorld;

class StatusSequencingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-status-seq-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    config_ = testing::fake_project(dir_, "  - name: one\n    run: [\"${bin:app}\", \"one\"]\n");
    BuildOptions build;
    build.bench = false;
    build.jobs = 1;
    run_build(config_, build, runner_, progress_, testing::fake_adapters(world_));
    world_.builds.clear();
    world_.runs.clear();
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProfileStatus status() {
    std::vector<ProfileStatus> all = run_status(config_, StatusOptions{}, runner_, progress_, testing::fake_adapters(world_));
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? ProfileStatus{} : all[0];
  }

  fs::path dir_;
  Config config_;
  FakeWorld world_;
  FakeRunner runner_{world_};
  Progress progress_{/*quiet=*/true};
};

TEST_F(StatusSequencingTest, AFreshProfileIsComparedOnAnInstrumentedBuildOfItsOwn) {
  ProfileStatus s = status();
  EXPECT_FALSE(s.stale) << ::testing::PrintToString(s.reasons);
  // Its own tree, so the build's trees stay as they are; nothing is trained.
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"status-instrumented"}));
  EXPECT_TRUE(world_.runs.empty()) << ::testing::PrintToString(world_.runs);
  ASSERT_TRUE(s.match.has_value());
  EXPECT_EQ(s.match->unchanged, 2u);
  EXPECT_TRUE(s.changed_files.empty());
}

TEST_F(StatusSequencingTest, ToolchainDriftIsStaleWithoutBuildingAnything) {
  world_.compiler_version = "2.0";
  ProfileStatus s = status();
  EXPECT_TRUE(s.stale);
  ASSERT_EQ(s.toolchain_drift.size(), 1u);
  EXPECT_NE(s.toolchain_drift[0].find("1.0 -> 2.0"), std::string::npos) << s.toolchain_drift[0];
  EXPECT_TRUE(world_.builds.empty());  // an unusable profile is not worth a build
  EXPECT_FALSE(s.match.has_value());
}

TEST_F(StatusSequencingTest, AnEditedSourceIsListedByTheBuildSystemsNotion) {
  write_file_atomic(dir_ / "main.src", "edited\n");
  write_file_atomic(dir_ / "notes.txt", "not a source of this build system\n");
  ProfileStatus s = status();
  ASSERT_EQ(s.changed_files.size(), 1u);
  EXPECT_EQ(s.changed_files[0].path, "main.src");
}

TEST_F(StatusSequencingTest, ACorruptStoredProfileIsAnErrorNamingIt) {
  write_file_atomic(dir_ / ".pgo/profiles/app/gcc.fakeprof", "garbage\n");
  ProfileStatus s = status();
  EXPECT_TRUE(s.stale);
  EXPECT_NE(s.error.find("corrupt stored profile"), std::string::npos) << s.error;
  EXPECT_NE(s.error.find("gcc.fakeprof"), std::string::npos) << s.error;
}

TEST_F(StatusSequencingTest, MetadataWithoutItsProfileIsAnError) {
  fs::remove(dir_ / ".pgo/profiles/app/gcc.fakeprof");
  ProfileStatus s = status();
  EXPECT_TRUE(s.stale);
  EXPECT_NE(s.error.find("its profile is missing"), std::string::npos) << s.error;
  EXPECT_TRUE(world_.builds.empty());
}

}  // namespace
}  // namespace pgo
