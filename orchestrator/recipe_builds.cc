// The recipes of one toolchain's build (docs/recipes.md): which training families they
// need, each recipe's optimized build and post-link stages, and — when several were built —
// the choice among them by orchestrator/recipe_choice.h, reported side by side.
#include <chrono>

#include "adapters/compiler_kinds.h"
#include "orchestrator/recipe_choice.h"
#include "orchestrator/toolchain_pipeline.h"
#include "orchestrator/staleness.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string ToolchainPipeline::label(const Recipe& recipe) const {
  return recipes_.size() > 1 ? " (" + recipe.name + ")" : "";
}

ToolchainPipeline::TrainingFamily* ToolchainPipeline::family(const std::string& name, const Flags& recipe_flags) {
  for (const auto& f : families_)
    if (f->name == name) return f.get();
  families_.push_back(std::make_unique<TrainingFamily>());
  families_.back()->name = name;
  families_.back()->recipe_flags = recipe_flags;
  return families_.back().get();
}

void ToolchainPipeline::plan_recipes(const Toolchain& toolchain) {
  const CompilerKind* kind = compiler_kind(toolchain.compiler_id);
  std::vector<Recipe> recipes =
      recipes_for_toolchain(config_, options_, spec_, kind ? std::string(kind->toolchain) : std::string());
  reuse_stored_ = options_.reuse_stored;
  if (recipes.size() > 1 && reuse_stored_) {
    // The stored profile was made for one recipe, the one an earlier build chose: --reuse
    // builds that one from it (the nightly path after a weekly `--recipe all`).
    const std::string stored = stored_recipe();
    auto it = std::find_if(recipes.begin(), recipes.end(), [&](const Recipe& r) { return r.name == stored; });
    if (it != recipes.end()) {
      progress_.note("[" + spec_.name + "] --reuse: the stored profile was built with recipe " + stored +
                     "; building that recipe from it");
      recipes = {*it};
    } else {
      progress_.note("[" + spec_.name + "] --reuse: no stored profile of these recipes" +
                     (stored.empty() ? std::string() : " (the stored one is " + stored + ")") +
                     "; building and comparing all of them");
      reuse_stored_ = false;
    }
  }
  // Shards carry one instrumented build's raw profiles.
  if (recipes.size() > 1 && (options_.shard || !options_.shard_inputs.empty()))
    throw UsageError("sharded training (pgo train --shard, pgo merge) builds one recipe; ask for one with --recipe");
  for (Recipe& recipe : recipes) {
    RecipeBuild build;
    build.recipe = std::move(recipe);
    build.post_link = adapters_.post_link(build.recipe, toolchain, runner_, store_.toolchain_dir(spec_.name));
    build.flags = recipe_flags(build.recipe, config_, toolchain, build.post_link);
    build.family = family(training_family(build.recipe), build.flags.instrumented);
    if (build.recipe.has("cspgo"))
      build.family->parent = family(stage_one_family(build.recipe), build.flags.instrumented);
    // Imported profiles replace PGO's training only; these stages train binaries of this build.
    if (options_.profile == ProfileMode::Imported && (build.family->parent || !build.post_link.empty()))
      throw UsageError("--profile imported cannot build recipe " + build.recipe.name + ": " +
                       (build.family->parent ? "context-sensitive PGO" : "its post-link stage") +
                       " trains an instrumented build of this code; use --profile trained, or another recipe");
    recipes_.push_back(std::move(build));
  }
  // Stage 1 before the stage that builds on it.
  std::stable_sort(families_.begin(), families_.end(),
                   [](const auto& a, const auto& b) { return !a->parent && b->parent; });
  if (recipes_.size() > 1) {
    std::vector<std::string> names;
    for (const RecipeBuild& b : recipes_) names.push_back(b.recipe.name);
    progress_.note("[" + spec_.name + "] recipes: " + join(names, ", ") +
                   " (each built and benchmarked against one baseline; the best is kept)");
  }
}

// The recipe of the stored profile of the first target ("" when there is none or it is unreadable:
// then nothing can be reused anyway).
std::string ToolchainPipeline::stored_recipe() const {
  const fs::path meta = store_.metadata_path(targets_.front(), spec_.name);
  std::error_code ec;
  if (!fs::is_regular_file(meta, ec)) return "";
  try {
    return recorded_recipe_name(read_profile_metadata(meta));
  } catch (const Error&) {
    return "";  // --reuse says why when it reads the store
  }
}

void ToolchainPipeline::build_family(TrainingFamily& family, const Toolchain& toolchain,
                                     const Flags& optimized_recipe_flags) {
  const auto start = std::chrono::steady_clock::now();
  family.source = obtain_profile(toolchain, family, optimized_recipe_flags);
  if (family.source.shard_written) return;
  // The imports join stage 1's training (a CS stage folds stage 1's profile in); a stored
  // profile already holds those of its day (--reuse compared them).
  const ProfileOrigin origin = family.source.origin;
  if (!family.parent && !import_inputs_.empty() && origin != ProfileOrigin::Stored && origin != ProfileOrigin::Imported)
    fold_imports(family);
  family.summary = family.format->summarize(family.source.merged.output);
  if (family.summary.functions_with_counts == 0)
    throw WorkloadError("the merged " + spec_.name + " profile" + family_label(family.name) +
                        " has no function with a non-zero count: the training workloads did not exercise the "
                        "instrumented targets (" + join(targets_, ", ") + ")");
  // A CS stage that recorded no context-sensitive record optimized nothing beyond stage 1.
  if (family.parent && family.summary.context_sensitive_functions == 0)
    throw BuildError("the context-sensitive " + spec_.name + " profile has no context-sensitive record: the "
                     "CS-instrumented build (" + family.request.build_dir.string() +
                     ") wrote no CS counters; see its build log");
  // A CS-instrumented binary counts only CS records: stage 1 tells which targets trained.
  // An imported profile serves every target: none counts as untrained.
  if (origin == ProfileOrigin::Imported)
    for (const std::string& t : targets_) family.training.push_back(TargetTraining{t, true, std::nullopt});
  else
    family.training = family.parent ? family.parent->training
                                    : warn_about_profile_quality(*family.format, family.summary, family.source);
  for (const std::string& w : family.summary.warnings) warn(w);  // the format's doubts (Go: too few samples)
  for (const std::string& w : family.source.instrumented_warnings) warn(w);
  family.seconds = seconds_since(start);
}

void ToolchainPipeline::build_recipe(RecipeBuild& build, const BuildResult& baseline) {
  const std::string& tc = spec_.name;
  const auto start = std::chrono::steady_clock::now();
  const TrainingFamily& family = *build.family;
  const ProfileSource& source = family.source;
  BuildRequest request = family.request;
  request.kind = BuildKind{BuildRole::Optimized, build.recipe.tree_name()};
  request.build_dir = store_.build_dir(tc, request.kind);
  request.flags = family.format->use_flags(source.merged.output, request);
  append_flags(request.flags, build.flags.optimized);
  build.use_flags = request.flags;
  build.optimized = timed(report_, progress_, tc, "build optimized" + label(build.recipe),
                          [&] { return build_system_->build(request); });
  build.diagnostics = family.format->scan_build_output(build.optimized.output);

  for (const auto& target : targets_) {
    ProfileReport p{tc, target, family.summary, build.diagnostics, source.merged.method, source.raw_profiles,
                    source.merged.skipped, {}, true, to_string(source.origin), source.reason, {}, build.recipe.name};
    fs::path base = executables_by_target(baseline).at(target), opt = executables_by_target(build.optimized).at(target);
    p.binary_differs = !same_file_content(base, opt);
    if (!p.binary_differs) {
      // Expected for a target the training never ran (warned about above); otherwise the
      // profile did not reach the build.
      auto t = std::find_if(family.training.begin(), family.training.end(),
                            [&](const TargetTraining& x) { return x.target == target; });
      if (t == family.training.end() || !t->never_trained())
        throw BuildError("the optimized " + target + " built with " + tc + label(build.recipe) +
                         " is byte-identical to the baseline: the profile did not reach the build (see " +
                         build.optimized.log.string() + ")");
      warn("the optimized " + target + " is byte-identical to the baseline, as expected without training");
    }
    build.profiles.push_back(std::move(p));
  }

  // Post-link stages rewrite the optimized executables; what is benchmarked and recorded
  // from here on is their result.
  std::map<std::string, std::vector<std::string>> notes;
  for (const auto& stage : build.post_link) build.optimized = post_link(*stage, build, notes);
  for (auto& p : build.profiles) p.post_link = notes[p.target];
  build.seconds = seconds_since(start);
}

size_t ToolchainPipeline::choose_recipe_build(const std::vector<bench::Metric>& metrics) {
  std::vector<RecipeCandidate> candidates;
  for (const RecipeBuild& b : recipes_) candidates.push_back(RecipeCandidate{b.recipe, b.results});
  std::vector<std::string> metric_names;
  for (bench::Metric m : metrics) metric_names.push_back(bench::metric_name(m));
  const RecipeChoice choice = choose_recipe(candidates, metric_names, config_.bench.noise_threshold);
  for (size_t i = 0; i < recipes_.size(); ++i) {
    const RecipeBuild& b = recipes_[i];
    RecipeReport r;
    r.toolchain = spec_.name;
    r.recipe = b.recipe.name;
    r.chosen = i == choice.chosen;
    r.verdict = choice.verdicts[i];
    for (const std::string& metric : metric_names)
      if (std::optional<GeomeanSpeedup> g = geomean_speedup(b.results, metric))
        r.figures[metric] = SpeedupFigure{g->speedup, g->lo, g->hi};
    r.build_seconds = b.seconds + b.family->seconds;
    for (const Artifact& a : b.optimized.artifacts) {
      std::error_code ec;
      const auto bytes = fs::file_size(a.path, ec);
      if (!ec) r.binary_bytes[a.target] = bytes;
    }
    r.functions_with_counts = b.family->summary.functions_with_counts;
    r.context_sensitive_functions = b.family->summary.context_sensitive_functions;
    for (const ProfileReport& p : b.profiles)
      for (const std::string& line : p.post_link) r.post_link.push_back(p.target + ": " + line);
    r.results = b.results;
    report_.recipes.push_back(std::move(r));
  }
  const RecipeBuild& winner = recipes_[choice.chosen];
  progress_.note("[" + spec_.name + "] recipe " + winner.recipe.name + " " + choice.verdicts[choice.chosen]);
  report_.results.insert(report_.results.end(), winner.results.begin(), winner.results.end());
  return choice.chosen;
}

}  // namespace pgo
