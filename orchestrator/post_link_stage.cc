// Post-link stages (adapters/post_link.h): each rewrites the optimized executables with a
// profile of its own, trained and merged by the same stages as the compiler's profile.
#include <algorithm>

#include "orchestrator/toolchain_pipeline.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

BuildResult ToolchainPipeline::post_link(const PostLinkOptimizer& optimizer, RecipeBuild& build,
                                         std::map<std::string, std::vector<std::string>>& notes) {
  const std::string& tc = spec_.name;
  const std::string name = optimizer.name();
  // Trees, runs and merges are named after the recipe ("pgo-lto-bolt"), so that two recipes
  // with the same stage keep theirs apart.
  std::string tree = build.recipe.name;
  std::replace(tree.begin(), tree.end(), '+', '-');
  const std::string stage = name + label(build.recipe);
  const fs::path instrumented_dir = store_.build_dir(tc, BuildKind{BuildRole::Instrumented, tree + "-instrumented"});
  const fs::path rewritten_dir = store_.build_dir(tc, BuildKind{BuildRole::Optimized, tree});
  for (const fs::path& dir : {instrumented_dir, rewritten_dir}) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }

  std::map<std::string, fs::path> instrumented;
  timed(report_, progress_, tc, stage + " instrument", [&] {
    for (const Artifact& a : build.optimized.artifacts) {
      fs::path out = instrumented_dir / a.path.filename();
      optimizer.instrument(a.path, out);
      instrumented[a.target] = out;
    }
  });
  TrainingOutcome training = timed(report_, progress_, tc, stage + " train", [&] {
    return train(plan_training_runs(config_, instrumented, store_.runs_dir(tc) / (tree + "-train")), optimizer,
                 runner_, optimizer.runs_concurrently() ? jobs() : 1, options_.keep_going, progress_, tc);
  });
  report_.training_failures.insert(report_.training_failures.end(), training.failures.begin(),
                                   training.failures.end());
  MergeResult merged =
      timed(report_, progress_, tc, stage + " merge", [&] { return merge(optimizer, training, tree + "-"); });

  BuildResult out = build.optimized;
  timed(report_, progress_, tc, stage + " optimize", [&] {
    for (Artifact& a : out.artifacts) {
      PostLinkResult r = optimizer.optimize(a.path, merged.output, rewritten_dir / a.path.filename());
      // A rewrite without profile data is no optimization: an error, never a silent fallback.
      if (r.profiled_functions == 0)
        throw BuildError(name + " found no profiled function in " + a.path.string() + " (of " +
                         std::to_string(r.functions) + "): the training did not reach the instrumented binary " +
                         instrumented.at(a.target).string());
      notes[a.target].push_back(name + ": " + std::to_string(r.profiled_functions) + " of " +
                                std::to_string(r.functions) + " functions profiled (" + optimizer.profile_mode() +
                                " mode)");
      a.path = r.binary;
    }
  });
  build.stage_profiles.push_back({name, merged.output, optimizer.merged_extension()});
  return out;
}

}  // namespace pgo
