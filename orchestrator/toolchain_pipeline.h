// One toolchain's `pgo build` (orchestrator/pipeline.h is the public driver). Its stages are
// split by concern: the sequence (pipeline.cc), where the merged profile comes from
// (profile_sources.cc), the post-link stages (post_link_stage.cc) and the benchmarks
// (pipeline_bench.cc). The adapters come from the injected AdapterFactories.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "orchestrator/adapter_factories.h"
#include "orchestrator/bench/metric.h"
#include "orchestrator/fingerprints.h"
#include "orchestrator/lto.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/profile_quality.h"
#include "orchestrator/store.h"
#include "orchestrator/train.h"

namespace pgo {

// Times a stage, records it in the report and shows it in the progress line.
template <typename F>
auto timed(Report& report, Progress& progress, const std::string& toolchain, const std::string& stage, F&& body) {
  progress.stage(toolchain, stage);
  auto start = std::chrono::steady_clock::now();
  auto finish = [&] {
    report.stages.push_back({stage, toolchain,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    progress.finish_stage();
  };
  if constexpr (std::is_void_v<decltype(body())>) {
    body();
    finish();
  } else {
    auto result = body();
    finish();
    return result;
  }
}

// Where the merged profile of a build comes from.
enum class ProfileOrigin {
  Trained,  // built instrumented, trained and merged now
  Reused,   // the last build's training, its inputs unchanged (fingerprints)
  Stored,   // the stored profile, fresh (`--reuse`)
  Shards,   // merged from `pgo train --shard` directories (`pgo merge`)
  Imported, // the imported profiles alone (`--profile imported`): nothing instrumented or trained
};
// "trained", "reused", "stored", "shards", "imported": ProfileReport::source.
const char* to_string(ProfileOrigin origin);

class ToolchainPipeline {
 public:
  ToolchainPipeline(const Config& config, const BuildOptions& options, const ToolchainSpec& spec,
                    ProcessRunner& runner, Progress& progress, Report& report, const ProfileStore& store,
                    const AdapterFactories& adapters);
  void run();

 private:
  struct ProfileSource {
    MergeResult merged;
    size_t raw_profiles = 0;
    ProfileOrigin origin = ProfileOrigin::Trained;
    std::string reason;
    bool shard_written = false;  // `pgo train --shard`: nothing more to do
    std::vector<std::string> instrumented_warnings;                  // of the instrumented build, when it ran
    std::map<std::string, std::filesystem::path> instrumented_bins;  // when it ran
    std::vector<ImportedProfile> imports;  // the imported profiles merged in (`pgo import`)
  };

  // The recipes that share one instrumented build and its training: those whose techniques
  // add the same flags to it (pgo and pgo+bolt; pgo+lto and pgo+lto+bolt).
  struct TrainingFamily {
    std::string name;  // "" for the plain instrumented build, "lto", "cs-lto"; names its trees and runs
    Flags recipe_flags;  // what the recipes add to the format's instrument flags
    // Context-sensitive PGO's second stage builds on its parent's (stage 1's) profile: the
    // instrumented build uses it, and the merge folds it in with the CS runs' profiles.
    TrainingFamily* parent = nullptr;
    BuildRequest request;  // the instrumented build
    std::unique_ptr<ProfileFormat> format;
    ProfileSource source;
    ProfileSummary summary;
    std::vector<TargetTraining> training;
    double seconds = 0;  // its instrumented build, training and merge
  };

  struct StageProfile {
    std::string stage;
    std::filesystem::path merged;
    std::string extension;
  };

  // One recipe's optimized build and what it is judged and stored by.
  struct RecipeBuild {
    Recipe recipe;
    std::vector<std::unique_ptr<PostLinkOptimizer>> post_link;
    RecipeFlags flags;  // what it adds to the format's flags (orchestrator/lto.h)
    TrainingFamily* family = nullptr;
    BuildResult optimized;  // after its post-link stages
    Flags use_flags;
    ProfileDiagnostics diagnostics;
    std::vector<ProfileReport> profiles;  // one per target
    std::vector<StageProfile> stage_profiles;
    std::vector<WorkloadResult> results;  // against the baseline
    double seconds = 0;  // its optimized build and post-link stages
  };

  // recipe_builds.cc: the families, each recipe's optimized build, the choice among them.
  void plan_recipes(const Toolchain& toolchain);
  TrainingFamily* family(const std::string& name, const Flags& recipe_flags);  // found or added
  std::string stored_recipe() const;
  void build_family(TrainingFamily& family, const Toolchain& toolchain, const Flags& optimized_recipe_flags);
  void build_recipe(RecipeBuild& build, const BuildResult& baseline);
  size_t choose_recipe_build(const std::vector<bench::Metric>& metrics);
  std::string label(const Recipe& recipe) const;  // " (pgo+lto)" when several recipes are built

  // profile_sources.cc: the merged profile, from the first source that serves.
  ProfileSource obtain_profile(const Toolchain& toolchain, const TrainingFamily& family,
                               const Flags& optimized_recipe_flags);
  std::optional<ProfileSource> from_store(const Toolchain& toolchain, const BuildRequest& request,
                                          const ProfileFormat& format, const Flags& optimized_recipe_flags,
                                          std::string& why_not);
  ProfileSource from_shards(const ProfileFormat& format, const std::map<std::string, std::string>& hashes);
  ProfileSource from_last_build(const std::string& family);
  ProfileSource from_training(const TrainingFamily& family, const BuildResult& instrumented,
                              const reuse::TrainKey& key, const std::string& why_trained);
  ProfileSource train_shard(const Toolchain& toolchain, const ProfileFormat& format, const BuildResult& instrumented,
                            const std::map<std::string, std::string>& hashes);
  MergeResult merge(const ProfileRecorder& recorder, const TrainingOutcome& training, const std::string& stage = "");
  // The imported profiles (`pgo import`): alone (`--profile imported`), or merged into a
  // family's trained profile; both check them against the toolchain first.
  ProfileSource from_imports(const TrainingFamily& family);
  void fold_imports(TrainingFamily& family);
  void check_imports(const Toolchain& toolchain) const;

  // post_link_stage.cc: `optimizer` rewrites `build`'s optimized executables (trees named
  // after the recipe's); returns the build with them replaced, a line per target in `notes`.
  BuildResult post_link(const PostLinkOptimizer& optimizer, RecipeBuild& build,
                        std::map<std::string, std::vector<std::string>>& notes);

  // pipeline_bench.cc: one recipe against the baseline (results reused while unchanged), or
  // several in one interleaved session.
  void bench(const BuildResult& baseline, const BuildResult& optimized);
  void bench_recipes(const BuildResult& baseline, const std::vector<bench::Metric>& metrics);
  std::optional<WorkloadResult> reusable_bench(const std::string& name, const std::string& key) const;

  std::vector<TargetTraining> warn_about_profile_quality(const ProfileFormat& format, const ProfileSummary& summary,
                                                         const ProfileSource& source);
  std::vector<std::string> select_targets();
  void reused_stage(const std::string& stage, const std::string& why);
  void warn(const std::string& message);
  int jobs() const;
  std::filesystem::path fingerprints_file() const;

  const Config& config_;
  const BuildOptions& options_;
  const ToolchainSpec& spec_;
  ProcessRunner& runner_;
  Progress& progress_;
  Report& report_;
  const ProfileStore& store_;
  const AdapterFactories& adapters_;
  const std::vector<std::string> recipe_names_;  // recipe_names_for_toolchain
  std::unique_ptr<BuildSystem> build_system_;
  std::vector<std::string> targets_;
  std::vector<std::unique_ptr<TrainingFamily>> families_;
  std::vector<RecipeBuild> recipes_;  // simplest first
  reuse::Fingerprints fingerprints_;  // .pgo/build/<toolchain>/fingerprints.json
  bool reuse_stored_ = false;  // --reuse, unless several recipes were asked and none was stored
  // The imported profiles of the targets built (none with --profile trained-only) and their
  // stored files with their weights, as merge inputs.
  std::vector<ImportedProfile> imports_;
  std::vector<WeightedInput> import_inputs_;
};

}  // namespace pgo
