#include "orchestrator/pipeline.h"

#include <algorithm>
#include <set>
#include <thread>

#include "orchestrator/bench/measure.h"
#include "orchestrator/build_manifest.h"
#include "orchestrator/metadata.h"
#include "orchestrator/report/exports.h"
#include "orchestrator/report/json.h"
#include "orchestrator/toolchain_pipeline.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"
#include "workloads/expand.h"

namespace pgo {
namespace fs = std::filesystem;

const char* to_string(ProfileOrigin origin) {
  switch (origin) {
    case ProfileOrigin::Trained: return "trained";
    case ProfileOrigin::Reused: return "reused";
    case ProfileOrigin::Stored: return "stored";
    case ProfileOrigin::Shards: return "shards";
    case ProfileOrigin::Imported: return "imported";
  }
  return "trained";
}

ToolchainPipeline::ToolchainPipeline(const Config& config, const BuildOptions& options, const ToolchainSpec& spec,
                                     ProcessRunner& runner, Progress& progress, Report& report,
                                     const ProfileStore& store, const AdapterFactories& adapters)
    : config_(config), options_(options), spec_(spec), runner_(runner), progress_(progress), report_(report),
      store_(store), adapters_(adapters), build_system_(adapters.build_system(config, spec, runner)) {
  recipes_for_toolchain(config, options, spec, "");  // unknown names stop here, before detection
}

std::vector<Recipe> recipes_for_toolchain(const Config& config, const BuildOptions& options, const ToolchainSpec& spec,
                                          const std::string& toolchain_kind) {
  if (!options.recipes.empty()) return expand_recipes(options.recipes, toolchain_kind);
  const bool own = !spec.recipes.empty();
  const std::vector<std::string>& names = own ? spec.recipes : config.optimize.recipes;
  if (names.empty()) return {Recipe{}};
  const SourcePos& pos = own ? spec.recipes_pos : config.optimize.recipes_pos;
  try {
    return expand_recipes(names, toolchain_kind);
  } catch (const Error& e) {
    throw UsageError(config.file.string() + ":" + std::to_string(pos.line) + ": " +
                     (own ? "toolchains[" + spec.name + "].recipes" : std::string("optimize.recipes")) + ": " +
                     e.what());
  }
}

namespace {

// The project's libraries the profile left byte-identical (a library no workload loads
// keeps its code; one they do load should not).
std::vector<std::string> identical_libraries(const BuildResult& baseline, const BuildResult& optimized) {
  std::vector<std::string> out;
  for (const Artifact& opt : optimized.libraries)
    for (const Artifact& base : baseline.libraries)
      if (base.target == opt.target && same_file_content(base.path, opt.path))
        out.push_back("the optimized library " + opt.path.filename().string() +
                      " is byte-identical to the baseline's: the profile changed nothing in it (do the workloads "
                      "load it?)");
  return out;
}

}  // namespace

void ToolchainPipeline::run() {
  const std::string& tc = spec_.name;
  const BuildKind baseline_kind = BuildKind::baseline();
  Toolchain toolchain = timed(report_, progress_, tc, "detect", [&] {
    return build_system_->detect(store_.build_dir(tc, baseline_kind));
  });
  toolchain.name = tc;
  targets_ = select_targets();
  if (options_.profile != ProfileMode::TrainedOnly)
    imports_ = imports_for_build(store_, targets_, tc, &import_inputs_);
  if (options_.profile == ProfileMode::Imported && imports_.empty())
    throw UsageError("--profile imported: no imported " + tc + " profile for " + join(targets_, ", ") +
                     "; add one with `pgo import FILE --target " + targets_.front() + " --toolchain " + tc + "`");
  plan_recipes(toolchain);  // a recipe this toolchain cannot take is refused here, before any build
  fingerprints_ = reuse::read_fingerprints(fingerprints_file());
  const fs::path manifest = manifest_path(store_.build_dir(tc, baseline_kind));
  fs::remove(manifest);  // a failed build leaves none

  BuildRequest request;
  request.targets = targets_;
  request.jobs = options_.jobs;
  request.kind = baseline_kind;
  request.build_dir = store_.build_dir(tc, baseline_kind);
  BuildResult baseline = timed(report_, progress_, tc, "build baseline", [&] { return build_system_->build(request); });

  for (auto& family : families_) {
    request.kind = BuildKind{BuildRole::Instrumented, instrumented_tree(family->name)};
    request.build_dir = store_.build_dir(tc, request.kind);
    FormatContext fctx{runner_, request.build_dir, store_.raw_profiles_dir(tc, family_prefix(family->name)),
                       links_threads(baseline)};
    family->format = adapters_.profile_format(toolchain, fctx);
    family->request = request;
  }
  toolchain.profile_format = families_.front()->format->name();
  toolchain.profile_version = families_.front()->format->format_version(toolchain);
  check_imports(toolchain);
  report_.toolchains.push_back(toolchain);
  for (auto& family : families_) {
    // A CS stage is instrumented on top of its stage 1's profile, known only now.
    std::optional<Flags> flags = family->parent ? family->format->context_sensitive_flags(
                                                      family->parent->source.merged.output, family->request)
                                                : family->format->instrument_flags(family->request);
    if (!flags) throw UsageError("the " + toolchain.profile_format + " profile format has no context-sensitive PGO");
    family->request.flags = *flags;
    append_flags(family->request.flags, family->recipe_flags);
    // --reuse serves one recipe only (plan_recipes), so the first recipe's flags are the ones.
    build_family(*family, toolchain, recipes_.front().flags.optimized);
    if (family->source.shard_written) return;  // `pgo train --shard`: the shard is the result
  }
  for (RecipeBuild& build : recipes_) {
    build_recipe(build, baseline);
    for (std::string& w : identical_libraries(baseline, build.optimized)) build.optimized.warnings.push_back(std::move(w));
    for (const std::string& w : build.optimized.warnings) warn(w);
  }
  for (const std::string& w : baseline.warnings) warn(w);

  const std::vector<bench::Metric> metrics = bench::chosen_metrics(options_.metric, config_);
  auto write_manifest = [&](const RecipeBuild& build) {
    const fs::path optimized_dir = store_.build_dir(tc, BuildKind{BuildRole::Optimized, build.recipe.tree_name()});
    write_build_manifest(
        manifest, BuildManifest{toolchain, config_.build.system, now_iso8601(),
                                {{"baseline", manifest_build(store_.build_dir(tc, baseline_kind), baseline, {})},
                                 {"optimized", manifest_build(optimized_dir, build.optimized, build.use_flags,
                                                              build.family->source.merged.output)}}});
  };
  size_t chosen = 0;
  if (recipes_.size() == 1) {
    write_manifest(recipes_.front());  // before the benchmark: `pgo bench` can measure a build whose bench failed
    if (options_.bench) bench(baseline, recipes_.front().optimized);
  } else {
    if (options_.bench) bench_recipes(baseline, metrics);
    chosen = choose_recipe_build(metrics);
    write_manifest(recipes_[chosen]);
  }
  RecipeBuild& winner = recipes_[chosen];
  const TrainingFamily& family = *winner.family;
  const ProfileSource& source = family.source;
  const std::string& ext = family.format->merged_extension();
  // The instrument flags recorded are stage 1's: a CS profile's functions are those of the
  // stage-1 instrumented build, which is what `pgo status` builds to compare them with.
  const TrainingFamily& stage_one = family.parent ? *family.parent : family;

  if (source.origin == ProfileOrigin::Stored) {
    // The stored profile is the one built from; its metadata keeps its creation date.
    progress_.note("[" + tc + "] store: unchanged (built from the stored profile)");
    for (auto& p : winner.profiles) p.stored_at = store_.profile_path(p.target, tc, ext);
  } else timed(report_, progress_, tc, "store", [&] {
    std::vector<nlohmann::json> metadata;
    const SourceFilter is_source = [&](const fs::path& f) { return build_system_->is_source(f); };
    // Where its data came from: the training (a CS stage's included) and the imports merged into stage 1.
    static const std::map<ProfileOrigin, std::string> kTraining = {
        {ProfileOrigin::Trained, "training"}, {ProfileOrigin::Reused, "training (reused)"},
        {ProfileOrigin::Shards, "shards"}, {ProfileOrigin::Imported, ""}};
    const nlohmann::json parts =
        profile_parts(kTraining.at(source.origin), source.raw_profiles, now_iso8601(), stage_one.source.imports);
    for (auto& p : winner.profiles)
      metadata.push_back(profile_metadata(MetadataInputs{config_, toolchain, p.target, source.merged, family.summary,
                                                         stage_one.request.flags, winner.use_flags,
                                                         report_.geomean_speedup(tc), is_source, winner.recipe.name,
                                                         parts}));
    // The commit point: an interruption before it leaves the store as it was; once the
    // profiles are being written, they are all written (it takes milliseconds).
    throw_if_interrupted();
    for (size_t i = 0; i < winner.profiles.size(); ++i) {
      winner.profiles[i].stored_at = store_.save(winner.profiles[i].target, tc, source.merged.output, ext, metadata[i]);
      for (const StageProfile& stage : winner.stage_profiles)
        store_.save_stage_profile(winner.profiles[i].target, tc, stage.stage, stage.merged, stage.extension);
    }
  });
  for (auto& p : winner.profiles) report_.profiles.push_back(std::move(p));
}

fs::path ToolchainPipeline::fingerprints_file() const { return store_.toolchain_dir(spec_.name) / "fingerprints.json"; }

void ToolchainPipeline::warn(const std::string& message) {
  const std::string w = spec_.name + ": " + message;
  if (std::find(report_.warnings.begin(), report_.warnings.end(), w) != report_.warnings.end()) return;
  report_.warnings.push_back(w);
  progress_.note("warning: " + w);
}

// Targets the training never ran, a training that ran only start-up code (profile_quality.h).
std::vector<TargetTraining> ToolchainPipeline::warn_about_profile_quality(const ProfileFormat& format,
                                                                          const ProfileSummary& summary,
                                                                          const ProfileSource& source) {
  std::set<std::string> run;
  for (const auto& w : config_.workloads)
    if (w.train)
      for (const auto& t : referenced_targets(w)) run.insert(t);
  std::vector<TargetTraining> targets;
  for (const auto& target : targets_) {
    TargetTraining t{target, run.count(target) > 0, std::nullopt};
    auto bin = source.instrumented_bins.find(target);
    if (bin != source.instrumented_bins.end()) {
      try {
        t.functions_with_counts = format.functions_with_counts_in(source.merged.output, bin->second);
      } catch (const Error&) {
        // an unreadable binary or profile fails later with a better message; no warning here
      }
    }
    targets.push_back(std::move(t));
  }
  for (const std::string& w : profile_quality_warnings(summary, targets)) warn(w);
  return targets;
}

// A skipped stage: a progress line saying so and a zero-time "reused" entry in the report.
void ToolchainPipeline::reused_stage(const std::string& stage, const std::string& why) {
  progress_.note("[" + spec_.name + "] " + stage + ": reused (" + why + ")");
  report_.stages.push_back({stage, spec_.name, 0, true});
}

int ToolchainPipeline::jobs() const {
  if (options_.jobs > 0) return options_.jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::vector<std::string> ToolchainPipeline::select_targets() {
  const fs::path probe_dir = store_.build_dir(spec_.name, BuildKind::baseline());
  std::vector<std::string> all = build_system_->executable_targets(probe_dir);
  std::vector<std::string> targets = config_.build.targets.empty() ? all : config_.build.targets;
  if (!config_.build.targets.empty())
    for (const std::string& t : build_system_->workload_only_targets(probe_dir))
      if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
  std::set<std::string> known(all.begin(), all.end());
  for (const auto& t : targets)
    if (!known.count(t))
      throw UsageError(config_.file.string() + ":" + std::to_string(config_.build.targets_pos.line) +
                       ": build.targets: '" + t + "' is not an executable target of the project; it has: " +
                       join(all, ", "));
  for (const auto& w : config_.workloads)
    for (const auto& t : referenced_targets(w))
      if (std::find(targets.begin(), targets.end(), t) == targets.end())
        throw UsageError(config_.file.string() + ":" + std::to_string(w.pos.line) + ": workload '" + w.name +
                         "' runs ${bin:" + t + "}, which is not among the targets pgo builds (" +
                         join(targets, ", ") + ")");
  if (targets.empty()) throw UsageError("the project defines no executable target");
  return targets;
}

std::vector<ToolchainSpec> select_toolchains(const Config& config, const std::vector<std::string>& names) {
  if (names.empty()) return config.toolchains;
  std::vector<ToolchainSpec> selected;
  std::vector<std::string> configured;
  for (const auto& t : config.toolchains) configured.push_back(t.name);
  for (const auto& name : names) {
    auto it = std::find_if(config.toolchains.begin(), config.toolchains.end(),
                           [&](const ToolchainSpec& t) { return t.name == name; });
    if (it == config.toolchains.end()) {
      const std::vector<std::string>& kinds = toolchains_for_system(config.build.system);
      if (std::find(kinds.begin(), kinds.end(), name) != kinds.end()) {
        selected.push_back(ToolchainSpec{name, "", "", {}});  // known kind, default compilers
        continue;
      }
      throw UsageError("--toolchain " + name + ": unknown toolchain; " + config.file.string() +
                       " configures: " + join(configured, ", ") + " (for build.system " +
                       config.build.system + " pgo knows " + join(toolchains_for_system(config.build.system), ", ") + ")");
    }
    selected.push_back(*it);
  }
  return selected;
}

std::vector<fs::path> run_train_shard(const Config& config, const BuildOptions& options, ProcessRunner& runner,
                                      Progress& progress, const AdapterFactories& adapters) {
  if (!options.shard || options.shard_out.empty()) throw UsageError("pgo train needs --shard K/N and --out DIR");
  Report report;  // stage timings only; a shard writes no report
  WritableStore writable(config.project_dir / config.store_dir);
  ProfileStore& store = writable.store;
  std::vector<fs::path> manifests;
  try {
    for (const auto& spec : select_toolchains(config, options.toolchains)) {
      ToolchainPipeline(config, options, spec, runner, progress, report, store, adapters).run();
      manifests.push_back(shard_toolchain_dir(options.shard_out, spec.name) / "manifest.json");
    }
  } catch (...) {
    throw_if_interrupted();
    throw;
  }
  return manifests;
}

Report run_build(const Config& config, const BuildOptions& options, ProcessRunner& runner, Progress& progress,
                 const AdapterFactories& adapters) {
  if (options.profile == ProfileMode::Imported && options.reuse_stored)
    throw UsageError("--profile imported and --reuse exclude each other: the imports are built from as they are, "
                     "with no instrumented build or training for --reuse to save");
  Report report;
  report.created = now_iso8601();
  report.pgo_version = options.pgo_version;
  report.project = config.project_dir;
  WritableStore writable(config.project_dir / config.store_dir);
  ProfileStore& store = writable.store;
  store.write_gitignore();
  try {
    for (const auto& spec : select_toolchains(config, options.toolchains)) {
      ToolchainPipeline(config, options, spec, runner, progress, report, store, adapters).run();
    }
  } catch (...) {
    throw_if_interrupted();  // whatever failed once children were killed: exit 130
    throw;
  }
  std::string stamp = report.created;
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
  report.file = store.save_report(report_to_json(report), stamp);
  // report.md (for $GITHUB_STEP_SUMMARY), report.html and the continuous-benchmarking exports.
  ExportOptions exports{.noise = config.bench.noise_threshold};
  write_report_files(report, report.file.parent_path(), exports);
  write_report_files(report, store.reports_dir() / "latest", exports);
  return report;
}

}  // namespace pgo
