// The sequencing of `pgo build` with fake adapters (pipeline_fakes.h): which builds run in
// which order, where each failure stops, and what reaches the store and the report.
#include "orchestrator/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/atomic_file.h"
#include "support/error.h"
#include "tests/orchestrator/pipeline_fakes.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;
using testing::FakeRunner;
using testing::FakeWorld;

const char* kTwoWorkloads =
    "  - name: one\n"
    "    run: [\"${bin:app}\", \"one\"]\n"
    "  - name: two\n"
    "    run: [\"${bin:app}\", \"two\"]\n";

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-pipeline-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    config_ = testing::fake_project(dir_, kTwoWorkloads);
    options_.bench = false;
    options_.jobs = 1;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Report build() { return run_build(config_, options_, runner_, progress_, testing::fake_adapters(world_)); }
  // Runs a build that must fail; returns its exit code and keeps the message in message_.
  ExitCode failing_build() {
    try {
      build();
    } catch (const Error& e) {
      message_ = e.what();
      return e.code();
    }
    ADD_FAILURE() << "the build did not fail";
    return ExitCode::kInternal;
  }
  fs::path stored_profile() const { return dir_ / ".pgo" / "profiles" / "app" / "gcc.fakeprof"; }
  bool stage_reused(const Report& r, const std::string& stage) const {
    return std::any_of(r.stages.begin(), r.stages.end(),
                       [&](const StageTiming& s) { return s.name == stage && s.reused; });
  }

  fs::path dir_;
  Config config_;
  BuildOptions options_;
  FakeWorld world_;
  FakeRunner runner_{world_};
  Progress progress_{/*quiet=*/true};
  std::string message_;
};

TEST_F(PipelineTest, BuildsBaselineInstrumentedOptimizedThenStores) {
  Report report = build();
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented", "optimized"}));
  EXPECT_TRUE(fs::exists(dir_ / ".pgo/.gitignore"));  // the working state stays out of git
  // The smoke run, then the other workload: each run once, with the instrumented binary.
  ASSERT_EQ(world_.runs.size(), 2u);
  EXPECT_EQ(world_.runs[0].back(), "one");
  EXPECT_EQ(world_.runs[0].front(), (dir_ / ".pgo/build/gcc/instrumented/app").string());
  ASSERT_EQ(report.profiles.size(), 1u);
  EXPECT_EQ(report.profiles[0].source, "trained");
  EXPECT_EQ(report.profiles[0].raw_profiles, 2u);
  EXPECT_TRUE(report.profiles[0].binary_differs);
  EXPECT_EQ(report.profiles[0].stored_at, stored_profile());
  EXPECT_NE(read_file(stored_profile()).find("counts one"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / ".pgo/profiles/app/gcc.json"));
  EXPECT_TRUE(fs::exists(dir_ / ".pgo/build/gcc/manifest.json"));
  // The optimized build got the merged profile's use flags.
  EXPECT_NE(read_file(dir_ / ".pgo/build/gcc/optimized/app").find("/merged/profile-"), std::string::npos);
}

TEST_F(PipelineTest, ABuildFailureStopsAtItsKindAndStoresNothing) {
  for (BuildRole role : {BuildRole::Baseline, BuildRole::Instrumented, BuildRole::Optimized}) {
    fs::remove_all(dir_ / ".pgo");
    world_ = FakeWorld{};
    world_.fail_build = role;
    EXPECT_EQ(failing_build(), ExitCode::kBuildFailure);
    EXPECT_NE(message_.find("build failed"), std::string::npos) << message_;
    size_t expected_builds = role == BuildRole::Baseline ? 1 : role == BuildRole::Instrumented ? 2 : 3;
    EXPECT_EQ(world_.builds.size(), expected_builds) << message_;
    // Training runs only once the instrumented build exists.
    EXPECT_EQ(world_.runs.empty(), role != BuildRole::Optimized) << message_;
    EXPECT_FALSE(fs::exists(stored_profile())) << message_;
    EXPECT_FALSE(fs::exists(dir_ / ".pgo/build/gcc/manifest.json")) << message_;
  }
}

TEST_F(PipelineTest, AProfileWithoutCountsIsAWorkloadFailureBeforeTheOptimizedBuild) {
  world_.profile_without_counts = true;
  EXPECT_EQ(failing_build(), ExitCode::kWorkloadFailure);
  EXPECT_NE(message_.find("no function with a non-zero count"), std::string::npos) << message_;
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented"}));
  EXPECT_FALSE(fs::exists(stored_profile()));
}

TEST_F(PipelineTest, ASmokeRunWithoutProfileStopsTheTraining) {
  config_ = testing::fake_project(dir_, "  - name: silent\n    run: [\"${bin:app}\", \"noprofile\"]\n" +
                                            std::string(kTwoWorkloads));
  EXPECT_EQ(failing_build(), ExitCode::kWorkloadFailure);
  EXPECT_EQ(world_.runs.size(), 1u);  // the smoke run alone; the others never started
  EXPECT_FALSE(fs::exists(stored_profile()));
}

TEST_F(PipelineTest, AByteIdenticalOptimizedBinaryIsAnErrorWhenTheTargetWasTrained) {
  world_.use_flags_change_nothing = true;
  EXPECT_EQ(failing_build(), ExitCode::kBuildFailure);
  EXPECT_NE(message_.find("byte-identical to the baseline"), std::string::npos) << message_;
  EXPECT_FALSE(fs::exists(stored_profile()));
}

TEST_F(PipelineTest, AByteIdenticalUntrainedTargetIsOnlyAWarning) {
  world_.targets = {"app", "tool"};
  world_.flag_blind_targets = {"tool"};  // no workload runs it, and its build ignores the profile
  config_.build.targets = {"app", "tool"};
  Report report = build();
  ASSERT_EQ(report.profiles.size(), 2u);
  EXPECT_FALSE(report.profiles[1].binary_differs);
  EXPECT_TRUE(std::any_of(report.warnings.begin(), report.warnings.end(), [](const std::string& w) {
    return w.find("tool is byte-identical to the baseline, as expected without training") != std::string::npos;
  })) << ::testing::PrintToString(report.warnings);
  // A trained target with the same luck is an error.
  world_.flag_blind_targets = {"app"};
  options_.force = true;
  EXPECT_EQ(failing_build(), ExitCode::kBuildFailure);
  EXPECT_NE(message_.find("optimized app built with gcc is byte-identical"), std::string::npos) << message_;
}

TEST_F(PipelineTest, AnUnchangedSecondBuildReusesTrainingAndMerge) {
  build();
  size_t runs = world_.runs.size(), merges = world_.merges;
  Report second = build();
  EXPECT_EQ(world_.runs.size(), runs);  // nothing trained again
  EXPECT_EQ(world_.merges, merges);
  EXPECT_TRUE(stage_reused(second, "train"));
  EXPECT_TRUE(stage_reused(second, "merge"));
  EXPECT_EQ(second.profiles.at(0).source, "reused");
  // --force trains again.
  options_.force = true;
  Report forced = build();
  EXPECT_GT(world_.runs.size(), runs);
  EXPECT_EQ(forced.profiles.at(0).source, "trained");
  EXPECT_EQ(forced.profiles.at(0).source_reason, "reuse disabled");
}

TEST_F(PipelineTest, ReuseStoredSkipsTheInstrumentedBuildWhileTheStoredProfileIsFresh) {
  build();
  world_.builds.clear();
  world_.runs.clear();
  options_.reuse_stored = true;
  Report reused = build();
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "optimized"}));
  EXPECT_TRUE(world_.runs.empty());
  EXPECT_EQ(reused.profiles.at(0).source, "stored");
  // A source edit makes it stale: instrumented again, trained again, with the reason given.
  write_file_atomic(dir_ / "main.src", "edited\n");
  world_.builds.clear();
  Report regenerated = build();
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented", "optimized"}));
  EXPECT_EQ(regenerated.profiles.at(0).source, "trained");
  EXPECT_NE(regenerated.profiles.at(0).source_reason.find("stored profile is stale"), std::string::npos)
      << regenerated.profiles.at(0).source_reason;
}

TEST_F(PipelineTest, KeepGoingLeavesAFailingRunOutAndStillStores) {
  config_ = testing::fake_project(dir_, std::string(kTwoWorkloads) + "  - name: broken\n    run: [\"${bin:app}\", \"fail\"]\n");
  EXPECT_EQ(failing_build(), ExitCode::kWorkloadFailure);
  EXPECT_FALSE(fs::exists(stored_profile()));
  options_.keep_going = true;
  Report report = build();
  ASSERT_EQ(report.training_failures.size(), 1u);
  EXPECT_EQ(report.training_failures[0].workload, "broken");
  EXPECT_EQ(report.profiles.at(0).raw_profiles, 2u);
  EXPECT_TRUE(fs::exists(stored_profile()));
}

TEST_F(PipelineTest, ShardsTrainApartAndMergeTogether) {
  options_.shard = ShardSpec{1, 2};
  options_.shard_out = dir_ / "shard1";
  std::vector<fs::path> manifests = run_train_shard(config_, options_, runner_, progress_, testing::fake_adapters(world_));
  ASSERT_EQ(manifests.size(), 1u);
  EXPECT_TRUE(fs::exists(manifests[0]));
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented"}));  // no optimized build
  EXPECT_EQ(world_.runs.size(), 1u);  // one of the two runs
  EXPECT_FALSE(fs::exists(stored_profile()));

  options_.shard = ShardSpec{2, 2};
  options_.shard_out = dir_ / "shard2";
  run_train_shard(config_, options_, runner_, progress_, testing::fake_adapters(world_));
  options_.shard.reset();
  options_.shard_inputs = {dir_ / "shard1", dir_ / "shard2"};
  world_.runs.clear();
  Report merged = build();
  EXPECT_TRUE(world_.runs.empty());  // merged, not trained
  EXPECT_EQ(merged.profiles.at(0).source, "shards");
  EXPECT_EQ(merged.profiles.at(0).raw_profiles, 2u);
  std::string stored = read_file(stored_profile());
  EXPECT_NE(stored.find("counts one"), std::string::npos) << stored;
  EXPECT_NE(stored.find("counts two"), std::string::npos) << stored;
}

TEST_F(PipelineTest, AFormatCanWrapTheTrainingCommand) {
  world_.wrap_training = true;
  build();
  ASSERT_FALSE(world_.runs.empty());
  for (const auto& argv : world_.runs) EXPECT_EQ(argv.front(), "fake-wrap");
}

TEST_F(PipelineTest, PostLinkStagesRewriteTheOptimizedBinaryWithTheirOwnTraining) {
  world_.post_link = true;
  options_.recipes = {"pgo+bolt"};
  Report report = build();
  // The optimized build carries the stage's link flags; the training ran twice: the compiler's
  // instrumented binary, then the post-link instrumented copy. Trees are named after the recipe.
  EXPECT_NE(read_file(dir_ / ".pgo/build/gcc/optimized-pgo-bolt/app").find("--emit-relocs"), std::string::npos);
  ASSERT_EQ(world_.runs.size(), 4u);
  EXPECT_EQ(world_.runs[2].front(), (dir_ / ".pgo/build/gcc/pgo-bolt-instrumented/app").string());
  ASSERT_EQ(report.profiles.size(), 1u);
  EXPECT_EQ(report.profiles[0].post_link, (std::vector<std::string>{"fakebolt: 2 of 3 functions profiled (instrumentation mode)"}));
  EXPECT_TRUE(fs::exists(dir_ / ".pgo/profiles/app/stages/gcc.fakebolt.fdata"));
  // What `pgo bench` would measure is the rewritten binary.
  std::string manifest = read_file(dir_ / ".pgo/build/gcc/manifest.json");
  EXPECT_NE(manifest.find((dir_ / ".pgo/build/gcc/pgo-bolt/app").string()), std::string::npos) << manifest;
}

TEST_F(PipelineTest, APostLinkStageThatProfilesNothingIsAnError) {
  world_.post_link = true;
  options_.recipes = {"pgo+bolt"};
  world_.post_link_profiles_nothing = true;
  EXPECT_EQ(failing_build(), ExitCode::kBuildFailure);
  EXPECT_NE(message_.find("fakebolt found no profiled function"), std::string::npos) << message_;
  EXPECT_FALSE(fs::exists(stored_profile()));
}

TEST_F(PipelineTest, SeveralRecipesShareOneBaselineAndOneTrainingAndTheSimplestIsKeptWithoutABenchmark) {
  world_.post_link = true;
  options_.recipes = {"pgo+bolt", "pgo"};  // built simplest first, whatever the order asked
  Report report = build();
  // One baseline and one instrumented build serve both recipes; each has its optimized build.
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented", "optimized", "optimized-pgo-bolt"}));
  // The compiler's training ran once (2 runs), BOLT's once for pgo+bolt (2 runs).
  EXPECT_EQ(world_.runs.size(), 4u);
  ASSERT_EQ(report.recipes.size(), 2u);
  EXPECT_EQ(report.recipes[0].recipe, "pgo");
  EXPECT_TRUE(report.recipes[0].chosen);
  EXPECT_NE(report.recipes[0].verdict.find("nothing was measured"), std::string::npos) << report.recipes[0].verdict;
  EXPECT_EQ(report.recipes[1].recipe, "pgo+bolt");
  EXPECT_FALSE(report.recipes[1].chosen);
  EXPECT_EQ(report.recipes[1].post_link, (std::vector<std::string>{"app: fakebolt: 2 of 3 functions profiled (instrumentation mode)"}));
  EXPECT_GT(report.recipes[1].binary_bytes.at("app"), 0u);
  // The chosen recipe is what the store, the metadata and the manifest hold; the other's
  // stage profile is not stored.
  ASSERT_EQ(report.profiles.size(), 1u);
  EXPECT_EQ(report.profiles[0].recipe, "pgo");
  EXPECT_NE(read_file(dir_ / ".pgo/profiles/app/gcc.json").find("\"recipe\": \"pgo\""), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / ".pgo/profiles/app/stages/gcc.fakebolt.fdata"));
  EXPECT_NE(read_file(dir_ / ".pgo/build/gcc/manifest.json").find((dir_ / ".pgo/build/gcc/optimized/app").string()),
            std::string::npos);
}

TEST_F(PipelineTest, ReuseWithSeveralRecipesBuildsTheStoredRecipeFromTheStore) {
  world_.post_link = true;
  options_.recipes = {"pgo", "pgo+bolt"};
  options_.reuse_stored = true;
  build();  // nothing stored yet: every recipe is built and compared; pgo is kept (no benchmark)
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "instrumented", "optimized", "optimized-pgo-bolt"}));
  world_.builds.clear();
  Report again = build();
  // The stored profile is pgo's and fresh: only that recipe, straight from the store.
  EXPECT_EQ(world_.builds, (std::vector<std::string>{"baseline", "optimized"}));
  EXPECT_TRUE(again.recipes.empty());
  ASSERT_EQ(again.profiles.size(), 1u);
  EXPECT_EQ(again.profiles[0].source, "stored");
  EXPECT_EQ(again.profiles[0].recipe, "pgo");
}

TEST_F(PipelineTest, ShardsServeOneRecipe) {
  options_.recipes = {"all"};
  options_.shard = ShardSpec{1, 2};
  options_.shard_out = dir_ / "shard";
  try {
    run_train_shard(config_, options_, runner_, progress_, testing::fake_adapters(world_));
    ADD_FAILURE() << "several recipes sharded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("builds one recipe"), std::string::npos) << e.what();
  }
  EXPECT_EQ(world_.builds, std::vector<std::string>{});
}

TEST_F(PipelineTest, ASecondBuildOfSeveralRecipesReusesTheirTraining) {
  world_.post_link = true;
  options_.recipes = {"pgo", "pgo+bolt"};
  build();
  const size_t runs = world_.runs.size();
  Report again = build();
  // The compiler's training is reused; BOLT's is not a training family (it runs again).
  EXPECT_TRUE(stage_reused(again, "train"));
  EXPECT_EQ(world_.runs.size(), runs + 2);
}

}  // namespace
}  // namespace pgo
