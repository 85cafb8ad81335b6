// `pgo build --profile` with imported profiles (orchestrator/imports.h), on the fake
// adapters (pipeline_fakes.h): what is built and run, what is merged, what is recorded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "orchestrator/imports.h"
#include "orchestrator/pipeline.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "support/hash.h"
#include "tests/orchestrator/pipeline_fakes.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::FakeRunner;
using testing::FakeWorld;

class PipelineImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-pipeline-import-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    config_ = testing::fake_project(dir_, "  - name: one\n    run: [\"${bin:app}\", \"one\"]\n");
    options_.bench = false;
    options_.jobs = 1;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Report build() { return run_build(config_, options_, runner_, progress_, testing::fake_adapters(world_)); }
  std::string failing_build() {
    try {
      build();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "the build did not fail";
    return "";
  }
  // A profile "collected in production", added as `pgo import` adds it.
  ImportedProfile import(const std::string& contents, uint64_t weight = 1) {
    const fs::path file = dir_ / ("prod-" + std::to_string(++imported_) + ".raw");
    write_file_atomic(file, contents);
    ImportedProfile p;
    p.file = file.string();
    p.sha256 = sha256_file(file);
    p.imported = "2025-01-02T03:04:05Z";
    p.weight = weight;
    p.toolchain = "gcc";  // the fake project's toolchain
    p.format = "fake";
    p.kind = "fake";
    return add_import(ProfileStore(dir_ / ".pgo"), "app", file, ".fakeprof", p, false).back();
  }
  json stored_metadata() const { return json::parse(read_file(dir_ / ".pgo/profiles/app/gcc.json")); }
  std::string stored_profile() const { return read_file(dir_ / ".pgo/profiles/app/gcc.fakeprof"); }

  fs::path dir_;
  Config config_;
  BuildOptions options_;
  FakeWorld world_;
  FakeRunner runner_{world_};
  Progress progress_{/*quiet=*/true};
  int imported_ = 0;
};

TEST_F(PipelineImportTest, ProfileImportedSkipsTheInstrumentedBuildAndTheTraining) {
  ImportedProfile p = import("counts from production\n");
  options_.profile = ProfileMode::Imported;
  Report report = build();
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "optimized"}));
  EXPECT_TRUE(world_.runs.empty());  // no training run
  EXPECT_EQ(world_.merges, 0u);      // one import of weight 1 is used as it is
  ASSERT_EQ(report.profiles.size(), 1u);
  EXPECT_EQ(report.profiles[0].source, "imported");
  EXPECT_TRUE(std::none_of(report.stages.begin(), report.stages.end(),
                           [](const StageTiming& s) { return s.name == "train" || s.name == "build instrumented"; }));
  // The very file imported is the stored profile, and the optimized build used it.
  EXPECT_EQ(stored_profile(), "counts from production\n");
  EXPECT_NE(read_file(dir_ / ".pgo/build/gcc/optimized/app").find("/merged/profile-" + p.sha256.substr(0, 16)),
            std::string::npos);
  const json parts = stored_metadata()["parts"];
  ASSERT_EQ(parts.size(), 1u);  // no training part
  EXPECT_EQ(parts[0]["source"], "imported");
  EXPECT_EQ(parts[0]["file"], p.file);
  EXPECT_EQ(parts[0]["sha256"], p.sha256);
  EXPECT_EQ(parts[0]["imported"], "2025-01-02T03:04:05Z");
  EXPECT_EQ(oldest_part_time(stored_metadata()), "2025-01-02T03:04:05Z");  // status's age
}

TEST_F(PipelineImportTest, SeveralImportsAreMergedWithTheirWeights) {
  import("counts a\n", 3);
  import("counts b\n");
  options_.profile = ProfileMode::Imported;
  build();
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "optimized"}));
  EXPECT_EQ(world_.merges, 1u);
  EXPECT_EQ(stored_profile(), "3 counts a\n1 counts b\n");  // the fake merge writes "<weight> <contents>"
}

TEST_F(PipelineImportTest, ByDefaultTheTrainingIsMergedWithTheImportsByWeight) {
  ImportedProfile p = import("counts from production\n", 4);
  Report report = build();
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented", "optimized"}));
  EXPECT_EQ(world_.runs.size(), 1u);
  EXPECT_EQ(world_.merges, 2u);  // the training's merge, then it with the import
  EXPECT_EQ(stored_profile(), "1 1 counts one\n4 counts from production\n");
  EXPECT_EQ(report.profiles[0].source, "trained");
  EXPECT_NE(report.profiles[0].source_reason.find("merged with 1 imported profile(s)"), std::string::npos);
  const json parts = stored_metadata()["parts"];
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0]["source"], "training");
  EXPECT_EQ(parts[1]["source"], "imported");
  EXPECT_EQ(parts[1]["weight"], 4);

  // Unchanged: the training is reused, and the import is merged into it again.
  world_ = FakeWorld{};
  report = build();
  EXPECT_TRUE(world_.runs.empty());
  EXPECT_EQ(report.profiles[0].source, "reused");
  EXPECT_EQ(stored_profile(), "1 1 counts one\n4 counts from production\n");

  // --reuse takes the stored profile only while it holds today's imports.
  options_.reuse_stored = true;
  world_ = FakeWorld{};
  EXPECT_EQ(build().profiles[0].source, "stored");
  options_.profile = ProfileMode::TrainedOnly;
  world_ = FakeWorld{};
  report = build();
  EXPECT_NE(report.profiles[0].source_reason.find("the imported profiles changed"), std::string::npos)
      << report.profiles[0].source_reason;
}

TEST_F(PipelineImportTest, TrainedOnlyLeavesTheImportsOut) {
  import("counts from production\n");
  options_.profile = ProfileMode::TrainedOnly;
  build();
  EXPECT_EQ(world_.merges, 1u);
  EXPECT_EQ(stored_profile(), "1 counts one\n");
  ASSERT_EQ(stored_metadata()["parts"].size(), 1u);
  EXPECT_EQ(stored_metadata()["parts"][0]["source"], "training");
}

TEST_F(PipelineImportTest, ProfileImportedWithoutAnImportStopsBeforeAnyBuild) {
  options_.profile = ProfileMode::Imported;
  std::string why = failing_build();
  EXPECT_NE(why.find("no imported gcc profile for app"), std::string::npos) << why;
  EXPECT_NE(why.find("pgo import FILE --target app --toolchain gcc"), std::string::npos) << why;
  EXPECT_TRUE(world_.builds.empty());
  EXPECT_FALSE(fs::exists(dir_ / ".pgo/profiles/app/gcc.json"));
}

TEST_F(PipelineImportTest, ProfileImportedRefusesReuseAndRecipesThatTrain) {
  import("counts from production\n");
  options_.profile = ProfileMode::Imported;
  options_.reuse_stored = true;
  EXPECT_NE(failing_build().find("exclude each other"), std::string::npos);
  options_.reuse_stored = false;
  world_.post_link = true;
  options_.recipes = {"pgo+bolt"};
  std::string why = failing_build();
  EXPECT_NE(why.find("cannot build recipe pgo+bolt"), std::string::npos) << why;
  EXPECT_TRUE(world_.builds.empty());
}

TEST_F(PipelineImportTest, AnImportOfAnotherFormatStopsTheBuildBeforeTheStore) {
  ImportedProfile p = import("counts\n");
  p.format = "pprof";
  json manifest = {{"schema", "pgo-imports/1"}, {"imports", {to_json(p)}}};
  write_file_atomic(imports_manifest(ProfileStore(dir_ / ".pgo"), "app", "gcc"), manifest.dump());
  options_.profile = ProfileMode::Imported;
  std::string why = failing_build();
  EXPECT_NE(why.find("is a pprof profile, but the gcc build uses fake profiles"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(dir_ / ".pgo/profiles/app/gcc.json"));
}

}  // namespace
}  // namespace pgo
