// Where a build's merged profile comes from: the store (`--reuse`, when fresh), shards
// (`pgo merge`), the last build (fingerprints unchanged), a training run now, or the
// imported profiles (`pgo import`), alone or merged into the trained profile.
#include "orchestrator/merge_stage.h"
#include "orchestrator/metadata.h"
#include "orchestrator/staleness.h"
#include "orchestrator/stored_profile.h"
#include "orchestrator/toolchain_pipeline.h"
#include "support/error.h"
#include "support/strings.h"

namespace pgo {
namespace fs = std::filesystem;

ToolchainPipeline::ProfileSource ToolchainPipeline::obtain_profile(const Toolchain& toolchain,
                                                                   const TrainingFamily& family,
                                                                   const Flags& optimized_recipe_flags) {
  const std::string& tc = spec_.name;
  const BuildRequest& request = family.request;
  const ProfileFormat& format = *family.format;
  if (options_.profile == ProfileMode::Imported) return from_imports(family);
  std::string why_not_stored;  // --reuse: why the stored profile could not serve
  if (reuse_stored_)
    if (std::optional<ProfileSource> stored =
            from_store(toolchain, request, format, optimized_recipe_flags, why_not_stored))
      return std::move(*stored);

  const std::string label = family_label(family.name);
  BuildResult instrumented =
      timed(report_, progress_, tc, "build instrumented" + label, [&] { return build_system_->build(request); });
  // Libraries too: an edit in a library of the tree leaves the executables as they are.
  std::map<std::string, std::string> hashes = reuse::hash_binaries(binaries_by_name(instrumented));
  ProfileSource out = [&] {
    if (options_.shard) return train_shard(toolchain, format, instrumented, hashes);
    if (!options_.shard_inputs.empty()) return from_shards(format, hashes);
    reuse::TrainKey key{format.name(), toolchain.profile_version, workloads_fingerprint(config_), hashes};
    // A stale stored profile is regenerated rather than taken from the last build's training.
    std::optional<reuse::TrainRecord> previous;  // this family's last training
    if (auto it = fingerprints_.train.find(family.name); it != fingerprints_.train.end()) previous = it->second;
    std::string blocker = options_.force || !why_not_stored.empty() ? "reuse disabled"
                                                                    : reuse::train_reuse_blocker(previous, key);
    if (blocker.empty()) return from_last_build(family.name);
    return from_training(family, instrumented, key, why_not_stored.empty() ? blocker : why_not_stored);
  }();
  out.instrumented_warnings = instrumented.warnings;
  out.instrumented_bins = executables_by_target(instrumented);
  return out;
}

// `--reuse`: the stored profile when it is fresh; else nullopt with `why_not` saying why.
std::optional<ToolchainPipeline::ProfileSource> ToolchainPipeline::from_store(const Toolchain& toolchain,
                                                                             const BuildRequest& request,
                                                                             const ProfileFormat& format,
                                                                             const Flags& optimized_recipe_flags,
                                                                             std::string& why_not) {
  const std::string& tc = spec_.name;
  BuildRequest use = request;
  use.kind = BuildKind{BuildRole::Optimized, recipes_.front().recipe.tree_name()};  // --reuse: one recipe
  use.build_dir = store_.build_dir(tc, use.kind);
  fs::path placeholder = store_.merged_dir(tc) / ("profile-0000000000000000" + format.merged_extension());
  Flags use_flags = format.use_flags(placeholder, use);
  append_flags(use_flags, optimized_recipe_flags);
  nlohmann::json flags = flags_metadata(config_, request.flags, use_flags, placeholder);
  StoredProfileCheck check =
      check_stored_profile(config_, store_, targets_, toolchain, format, flags,
                           [&](const fs::path& f) { return build_system_->is_source(f); });
  // The stored profile holds the imports of its day: today's must be the same.
  if (check.fresh) {
    const std::vector<std::string> then = imported_part_digests(read_profile_metadata(
                                        store_.metadata_path(targets_.front(), tc))),
                                    now = import_digests(imports_);
    if (then != now) {
      check.fresh = false;
      check.reasons.push_back("the imported profiles changed (" + std::to_string(then.size()) + " in it, " +
                              std::to_string(now.size()) + " to merge now)");
    }
  }
  if (!check.fresh) {
    why_not = "--reuse: stored profile is stale: " + join(check.reasons, "; ");
    progress_.note("[" + tc + "] " + why_not + "; regenerating it");
    return std::nullopt;
  }
  ProfileSource out;
  out.origin = ProfileOrigin::Stored;
  out.reason = "stored profile of " + check.created + " is fresh: same toolchain, flags, sources and workloads";
  out.merged.output = materialize_profile(check.profile, store_.merged_dir(tc), format.merged_extension());
  out.merged.method = "stored profile";
  for (const char* stage : {"build instrumented", "train", "merge"}) reused_stage(stage, "--reuse: " + out.reason);
  return out;
}

// `pgo merge DIR...`: the shards' raw profiles, merged.
ToolchainPipeline::ProfileSource ToolchainPipeline::from_shards(const ProfileFormat& format,
                                                                const std::map<std::string, std::string>& hashes) {
  const std::string& tc = spec_.name;
  ShardManifest agreed;
  TrainingOutcome training;
  training.profiles = load_shards(options_.shard_inputs, tc, agreed);
  if (agreed.instrumented != hashes) {
    std::string w = tc + ": the shards' instrumented binaries differ from this checkout's (another commit, "
                    "compiler or flags?); the optimized build's profile warnings tell how much still matches";
    report_.warnings.push_back(w);
    progress_.note("warning: " + w);
  }
  ProfileSource out;
  out.origin = ProfileOrigin::Shards;
  out.reason = std::to_string(options_.shard_inputs.size()) + " shard(s) of " + std::to_string(agreed.shard.count);
  out.merged = timed(report_, progress_, tc, "merge", [&] { return merge(format, training); });
  out.raw_profiles = training.profiles.size();
  return out;
}

// The last build's merged profile: instrumented binaries, workloads and format unchanged.
ToolchainPipeline::ProfileSource ToolchainPipeline::from_last_build(const std::string& family) {
  const reuse::TrainRecord& t = fingerprints_.train.at(family);
  const std::string label = family_label(family);
  ProfileSource out;
  out.origin = ProfileOrigin::Reused;
  out.reason = "instrumented binaries, training workloads and profile format unchanged";
  reused_stage("train" + label, out.reason);
  reused_stage("merge" + label, out.reason);
  out.merged.output = t.merged;
  out.merged.method = t.merge_method;
  out.merged.skipped = t.skipped;
  out.merged.inputs_merged = t.raw_profiles;
  out.raw_profiles = t.raw_profiles;
  return out;
}

// Trains the instrumented build now and merges; remembers a complete training for reuse.
ToolchainPipeline::ProfileSource ToolchainPipeline::from_training(const TrainingFamily& family,
                                                                  const BuildResult& instrumented,
                                                                  const reuse::TrainKey& key,
                                                                  const std::string& why_trained) {
  const std::string& tc = spec_.name;
  const ProfileFormat& format = *family.format;
  const std::string label = family_label(family.name);
  const std::string runs = family.name.empty() ? "train" : "train-" + family.name;
  ProfileSource out;
  out.reason = why_trained;
  TrainingOutcome training = timed(report_, progress_, tc, "train" + label, [&] {
    return train(plan_training_runs(config_, executables_by_target(instrumented), store_.runs_dir(tc) / runs),
                 format, runner_, jobs(), options_.keep_going, progress_, tc);
  });
  report_.training_failures.insert(report_.training_failures.end(), training.failures.begin(),
                                   training.failures.end());
  // CS-PGO: the merged profile is stage 1's with the CS runs' records added.
  if (family.parent) training.profiles.push_back(WeightedInput{family.parent->source.merged.output, 1});
  out.merged = timed(report_, progress_, tc, "merge" + label,
                     [&] { return merge(format, training, family_prefix(family.name)); });
  out.raw_profiles = training.profiles.size();
  // Only a complete training is worth reusing: one with failed runs is retried next time.
  if (training.failures.empty())
    fingerprints_.train[family.name] =
        reuse::TrainRecord{key, out.merged.output, out.merged.method, out.raw_profiles, out.merged.skipped};
  else
    fingerprints_.train.erase(family.name);
  reuse::write_fingerprints(fingerprints_file(), fingerprints_);
  return out;
}

// `pgo train --shard K/N`: this shard's runs, raw profiles and manifest in --out/<toolchain>/.
ToolchainPipeline::ProfileSource ToolchainPipeline::train_shard(const Toolchain& toolchain,
                                                                const ProfileFormat& format,
                                                                const BuildResult& instrumented,
                                                                const std::map<std::string, std::string>& hashes) {
  const std::string& tc = spec_.name;
  const ShardSpec& shard = *options_.shard;
  fs::path dir = shard_toolchain_dir(options_.shard_out, tc);
  fs::remove_all(dir / "runs");  // a shard directory holds one shard's runs
  fs::remove(dir / "manifest.json");
  size_t total = 0;
  std::vector<TrainingRun> runs =
      plan_training_runs(config_, executables_by_target(instrumented), dir / "runs", &shard, &total);
  if (runs.empty())
    throw UsageError("--shard " + shard.label() + ": this shard has no training run (pgo.yaml has " +
                     std::to_string(total) + "; use at most that many shards)");
  TrainingOutcome training = timed(report_, progress_, tc, "train (shard " + shard.label() + ")", [&] {
    return train(runs, format, runner_, jobs(), options_.keep_going, progress_, tc);
  });
  report_.training_failures.insert(report_.training_failures.end(), training.failures.begin(),
                                   training.failures.end());
  ShardManifest m{tc, toolchain.compiler_id, toolchain.compiler_version, format.name(), toolchain.profile_version,
                  workloads_fingerprint(config_), hashes, shard, total, {}, {}};
  std::vector<ShardRun> shard_runs;
  std::vector<fs::path> run_dirs;
  for (const auto& r : runs) {
    shard_runs.push_back(ShardRun{r.workload, r.repeat_index, r.weight, ""});
    run_dirs.push_back(r.run_dir);
  }
  write_shard_manifest(dir, m, shard_runs, run_dirs, training.profiles);
  ProfileSource out;
  out.shard_written = true;
  return out;
}

// `--profile imported`: the imports alone. A single import of weight 1 is used as it is (a
// Go build then shows the very file imported in `go version -m`); several are merged.
ToolchainPipeline::ProfileSource ToolchainPipeline::from_imports(const TrainingFamily& family) {
  const std::string& tc = spec_.name;
  const ProfileFormat& format = *family.format;
  const fs::path dir = store_.merged_dir(tc, family_prefix(family.name));
  ProfileSource out;
  out.origin = ProfileOrigin::Imported;
  out.imports = imports_;
  std::vector<std::string> names;
  for (const ImportedProfile& p : imports_) names.push_back(fs::path(p.file).filename().string());
  out.reason = "--profile imported: " + std::to_string(imports_.size()) + " imported profile(s): " + join(names, ", ");
  progress_.note("[" + tc + "] build instrumented, train" + family_label(family.name) + ": skipped (" + out.reason + ")");
  if (import_inputs_.size() == 1 && import_inputs_.front().weight == 1) {
    out.merged.output = materialize_profile(import_inputs_.front().path, dir, format.merged_extension());
    out.merged.method = "imported profile, used as it is";
    out.merged.inputs_merged = 1;
  } else {
    out.merged = timed(report_, progress_, tc, "merge imported" + family_label(family.name), [&] {
      return merge_named_by_digest(format, import_inputs_, dir, config_.merge.failure_mode, jobs());
    });
  }
  out.raw_profiles = import_inputs_.size();
  return out;
}

// `--profile trained` with imports: the trained profile (weight 1) and the imports (their
// weights) merged, named by content like any merge; the training's own merge stays as it
// was, so training reuse still finds it.
void ToolchainPipeline::fold_imports(TrainingFamily& family) {
  ProfileSource& source = family.source;
  std::vector<WeightedInput> inputs = {WeightedInput{source.merged.output, 1}};
  inputs.insert(inputs.end(), import_inputs_.begin(), import_inputs_.end());
  MergeResult m = timed(report_, progress_, spec_.name, "merge imported" + family_label(family.name), [&] {
    return merge_named_by_digest(*family.format, inputs, store_.merged_dir(spec_.name, family_prefix(family.name)),
                                 config_.merge.failure_mode, jobs());
  });
  source.merged.output = m.output;
  source.merged.method += " + " + std::to_string(imports_.size()) + " imported profile(s) (" + m.method + ")";
  source.merged.skipped.insert(source.merged.skipped.end(), m.skipped.begin(), m.skipped.end());
  source.imports = imports_;
  source.reason += (source.reason.empty() ? "" : "; ") + std::string("merged with ") +
                   std::to_string(imports_.size()) + " imported profile(s)";
}

// Imports that the detected toolchain cannot read stop the build before anything is stored.
void ToolchainPipeline::check_imports(const Toolchain& toolchain) const {
  for (const ImportedProfile& p : imports_) {
    if (p.format != toolchain.profile_format)
      throw UsageError("imported profile " + p.file + " is a " + p.format + " profile, but the " + spec_.name +
                       " build uses " + toolchain.profile_format + " profiles");
    // The raw version was checked on import against pgo's LLVM; the compiler's may differ (rustc).
    if (p.kind == "profraw" && !toolchain.profile_version.empty() && p.version != toolchain.profile_version)
      throw UsageError("imported profile " + p.file + " has raw profile version " + p.version + ", but " +
                       toolchain.compiler_id + " " + toolchain.compiler_version + " writes version " +
                       toolchain.profile_version + ": import one collected with this compiler's LLVM");
  }
}

MergeResult ToolchainPipeline::merge(const ProfileRecorder& recorder, const TrainingOutcome& training,
                                     const std::string& stage) {
  return merge_named_by_digest(recorder, training.profiles, store_.merged_dir(spec_.name, stage),
                               config_.merge.failure_mode, jobs());
}

}  // namespace pgo
