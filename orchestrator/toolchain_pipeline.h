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
};
// "trained", "reused", "stored", "shards": ProfileReport::source.
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
  };

  // profile_sources.cc: the merged profile, from the first source that serves.
  ProfileSource obtain_profile(const Toolchain& toolchain, const BuildRequest& request, const ProfileFormat& format);
  std::optional<ProfileSource> from_store(const Toolchain& toolchain, const BuildRequest& request,
                                          const ProfileFormat& format, std::string& why_not);
  ProfileSource from_shards(const ProfileFormat& format, const std::map<std::string, std::string>& hashes);
  ProfileSource from_last_build();
  ProfileSource from_training(const ProfileFormat& format, const BuildResult& instrumented,
                              const reuse::TrainKey& key, const std::string& why_trained);
  ProfileSource train_shard(const Toolchain& toolchain, const ProfileFormat& format, const BuildResult& instrumented,
                            const std::map<std::string, std::string>& hashes);
  MergeResult merge(const ProfileRecorder& recorder, const TrainingOutcome& training, const std::string& stage = "");

  // post_link_stage.cc: `optimizer` rewrites the optimized executables; returns the build
  // with them replaced, and a line per target for the report.
  BuildResult post_link(const PostLinkOptimizer& optimizer, const BuildResult& optimized,
                        std::map<std::string, std::vector<std::string>>& notes);

  // pipeline_bench.cc
  void bench(const BuildResult& baseline, const BuildResult& optimized);
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
  const Recipe recipe_;  // recipe_for_toolchain
  std::unique_ptr<BuildSystem> build_system_;
  std::vector<std::string> targets_;
  struct StageProfile {
    std::string stage;
    std::filesystem::path merged;
    std::string extension;
  };
  std::vector<StageProfile> post_link_profiles_;  // stored with the compiler's profile
  RecipeFlags recipe_flags_;  // what the recipe adds to the profile format's flags (orchestrator/lto.h)
  reuse::Fingerprints fingerprints_;  // .pgo/build/<toolchain>/fingerprints.json
};

}  // namespace pgo
