#include "orchestrator/pipeline.h"

#include <algorithm>
#include <set>
#include <thread>

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
  }
  return "trained";
}

ToolchainPipeline::ToolchainPipeline(const Config& config, const BuildOptions& options, const ToolchainSpec& spec,
                                     ProcessRunner& runner, Progress& progress, Report& report,
                                     const ProfileStore& store, const AdapterFactories& adapters)
    : config_(config), options_(options), spec_(spec), runner_(runner), progress_(progress), report_(report),
      store_(store), adapters_(adapters), recipe_(recipe_for_toolchain(config, options, spec)),
      build_system_(adapters.build_system(config, spec, runner)) {}

Recipe recipe_for_toolchain(const Config& config, const BuildOptions& options, const ToolchainSpec& spec) {
  if (options.recipe) return *options.recipe;
  const bool own = !spec.recipes.empty();
  const std::vector<std::string>& names = own ? spec.recipes : config.optimize.recipes;
  if (names.empty()) return Recipe{};
  const SourcePos& pos = own ? spec.recipes_pos : config.optimize.recipes_pos;
  const std::string where = config.file.string() + ":" + std::to_string(pos.line) + ": " +
                            (own ? "toolchains[" + spec.name + "].recipes" : std::string("optimize.recipes"));
  if (names.size() > 1 || names.front() == "all")
    throw UsageError(where + ": this pgo builds one recipe a build; give one (" + join(known_recipes(), ", ") +
                     ") or pass --recipe");
  try {
    return parse_recipe(names.front());
  } catch (const Error& e) {
    throw UsageError(where + ": " + e.what());
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
  const BuildKind baseline_kind = BuildKind::baseline(), instrumented_kind = BuildKind::instrumented(),
                  optimized_kind = BuildKind::optimized();
  Toolchain toolchain = timed(report_, progress_, tc, "detect", [&] {
    return build_system_->detect(store_.build_dir(tc, baseline_kind));
  });
  toolchain.name = tc;
  // Before any build: a recipe this toolchain cannot take is refused here.
  std::vector<std::unique_ptr<PostLinkOptimizer>> post_link_stages =
      adapters_.post_link(recipe_, toolchain, runner_, store_.toolchain_dir(tc));
  recipe_flags_ = recipe_flags(recipe_, config_, toolchain, post_link_stages);
  std::vector<std::string> targets = select_targets();
  targets_ = targets;
  fingerprints_ = reuse::read_fingerprints(fingerprints_file());
  const fs::path manifest = manifest_path(store_.build_dir(tc, baseline_kind));
  fs::remove(manifest);  // a failed build leaves none

  BuildRequest request;
  request.targets = targets;
  request.jobs = options_.jobs;
  request.kind = baseline_kind;
  request.build_dir = store_.build_dir(tc, baseline_kind);
  BuildResult baseline = timed(report_, progress_, tc, "build baseline", [&] { return build_system_->build(request); });

  request.kind = instrumented_kind;
  request.build_dir = store_.build_dir(tc, instrumented_kind);
  FormatContext fctx{runner_, request.build_dir, store_.raw_profiles_dir(tc), links_threads(baseline)};
  std::unique_ptr<ProfileFormat> format = adapters_.profile_format(toolchain, fctx);
  toolchain.profile_format = format->name();
  toolchain.profile_version = format->format_version(toolchain);
  report_.toolchains.push_back(toolchain);
  request.flags = format->instrument_flags(request);
  append_flags(request.flags, recipe_flags_.instrumented);
  Flags instrument_flags = request.flags;
  ProfileSource source = obtain_profile(toolchain, request, *format);
  if (source.shard_written) return;  // `pgo train --shard`: the shard is the result
  const MergeResult& merged = source.merged;
  ProfileSummary summary = format->summarize(merged.output);
  if (summary.functions_with_counts == 0)
    throw WorkloadError("the merged " + tc + " profile has no function with a non-zero count: the training "
                        "workloads did not exercise the instrumented targets (" + join(targets, ", ") + ")");
  std::vector<TargetTraining> training = warn_about_profile_quality(*format, summary, source);
  for (const std::string& w : summary.warnings) warn(w);  // the format's doubts (Go: too few samples)

  request.kind = optimized_kind;
  request.build_dir = store_.build_dir(tc, optimized_kind);
  request.flags = format->use_flags(merged.output, request);
  append_flags(request.flags, recipe_flags_.optimized);
  Flags use_flags = request.flags;
  BuildResult optimized = timed(report_, progress_, tc, "build optimized", [&] { return build_system_->build(request); });
  for (std::string& w : identical_libraries(baseline, optimized)) optimized.warnings.push_back(std::move(w));
  ProfileDiagnostics diagnostics = format->scan_build_output(optimized.output);
  for (const std::vector<std::string>* ws : {&baseline.warnings, &source.instrumented_warnings, &optimized.warnings})
    for (const std::string& w : *ws) warn(w);

  std::vector<ProfileReport> profiles;
  for (const auto& target : targets) {
    ProfileReport p{tc, target, summary, diagnostics, merged.method, source.raw_profiles, merged.skipped, {}, true,
                    to_string(source.origin), source.reason, {}};
    fs::path base = executables_by_target(baseline).at(target), opt = executables_by_target(optimized).at(target);
    p.binary_differs = !same_file_content(base, opt);
    if (!p.binary_differs) {
      // Expected for a target the training never ran (warned about above); otherwise the
      // profile did not reach the build.
      auto t = std::find_if(training.begin(), training.end(), [&](const TargetTraining& x) { return x.target == target; });
      if (t == training.end() || !t->never_trained())
        throw BuildError("the optimized " + target + " built with " + tc + " is byte-identical to the baseline: " +
                         "the profile did not reach the build (see " + optimized.log.string() + ")");
      warn("the optimized " + target + " is byte-identical to the baseline, as expected without training");
    }
    profiles.push_back(std::move(p));
  }

  // Post-link stages rewrite the optimized executables; what is benchmarked and recorded
  // below is their result.
  std::map<std::string, std::vector<std::string>> post_link_notes;
  for (const auto& stage : post_link_stages) optimized = post_link(*stage, optimized, post_link_notes);
  for (auto& p : profiles) p.post_link = post_link_notes[p.target];

  write_build_manifest(manifest,
                       BuildManifest{toolchain, config_.build.system, now_iso8601(),
                                     {{"baseline", manifest_build(store_.build_dir(tc, baseline_kind), baseline, {})},
                                      {"optimized", manifest_build(store_.build_dir(tc, optimized_kind), optimized,
                                                                   use_flags, merged.output)}}});
  if (options_.bench) bench(baseline, optimized);

  if (source.origin == ProfileOrigin::Stored) {
    // The stored profile is the one built from; its metadata keeps its creation date.
    progress_.note("[" + tc + "] store: unchanged (built from the stored profile)");
    for (auto& p : profiles) p.stored_at = store_.profile_path(p.target, tc, format->merged_extension());
  } else timed(report_, progress_, tc, "store", [&] {
    std::vector<nlohmann::json> metadata;
    const SourceFilter is_source = [&](const fs::path& f) { return build_system_->is_source(f); };
    for (auto& p : profiles)
      metadata.push_back(profile_metadata(MetadataInputs{config_, toolchain, p.target, merged, summary,
                                                         instrument_flags, use_flags, report_.geomean_speedup(tc),
                                                         is_source, recipe_.name}));
    // The commit point: an interruption before it leaves the store as it was; once the
    // profiles are being written, they are all written (it takes milliseconds).
    throw_if_interrupted();
    for (size_t i = 0; i < profiles.size(); ++i) {
      profiles[i].stored_at =
          store_.save(profiles[i].target, tc, merged.output, format->merged_extension(), metadata[i]);
      for (const StageProfile& stage : post_link_profiles_)
        store_.save_stage_profile(profiles[i].target, tc, stage.stage, stage.merged, stage.extension);
    }
  });
  for (auto& p : profiles) report_.profiles.push_back(std::move(p));
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
  std::vector<std::string> all = build_system_->executable_targets(store_.build_dir(spec_.name, BuildKind::baseline()));
  std::vector<std::string> targets = config_.build.targets.empty() ? all : config_.build.targets;
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
  ProfileStore store(config.project_dir / config.store_dir);
  StoreLock lock(store.root());
  store.check_writable();
  store.remove_interrupted_writes();
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
  Report report;
  report.created = now_iso8601();
  report.pgo_version = options.pgo_version;
  report.project = config.project_dir;
  ProfileStore store(config.project_dir / config.store_dir);
  StoreLock lock(store.root());
  store.check_writable();
  store.remove_interrupted_writes();
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
