#include "orchestrator/pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "orchestrator/bench/measure.h"
#include "orchestrator/bench/runner.h"
#include "orchestrator/build_manifest.h"
#include "orchestrator/bench/settings.h"
#include "orchestrator/build_systems.h"
#include "orchestrator/fingerprints.h"
#include "orchestrator/formats.h"
#include "orchestrator/merge_stage.h"
#include "orchestrator/metadata.h"
#include "orchestrator/profile_quality.h"
#include "orchestrator/report/exports.h"
#include "orchestrator/report/json.h"
#include "orchestrator/report/json_read.h"
#include "orchestrator/store.h"
#include "orchestrator/stored_profile.h"
#include "orchestrator/train.h"
#include "support/error.h"
#include "support/hash.h"
#include "support/strings.h"
#include "workloads/expand.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

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

class ToolchainPipeline {
 public:
  ToolchainPipeline(const Config& config, const BuildOptions& options, const ToolchainSpec& spec,
                    ProcessRunner& runner, Progress& progress, Report& report, const ProfileStore& store)
      : config_(config), options_(options), spec_(spec), runner_(runner), progress_(progress), report_(report),
        store_(store), build_system_(make_build_system(config, spec, runner)) {}

  void run() {
    const std::string& tc = spec_.name;
    Toolchain toolchain = timed(report_, progress_, tc, "detect", [&] {
      return build_system_->detect(store_.build_dir(tc, "baseline"));
    });
    toolchain.name = tc;
    std::vector<std::string> targets = select_targets();
    targets_ = targets;
    fingerprints_ = reuse::read_fingerprints(fingerprints_file());
    std::filesystem::remove(manifest_path(store_.build_dir(tc, "baseline")));  // a failed build leaves none

    BuildRequest request;
    request.targets = targets;
    request.jobs = options_.jobs;
    request.kind = BuildKind::Baseline;
    request.build_dir = store_.build_dir(tc, "baseline");
    BuildResult baseline = timed(report_, progress_, tc, "build baseline", [&] { return build_system_->build(request); });

    request.kind = BuildKind::Instrumented;
    request.build_dir = store_.build_dir(tc, "instrumented");
    FormatContext fctx{runner_, request.build_dir, store_.build_dir(tc, "raw-profiles"), links_threads(baseline)};
    auto format = make_profile_format(toolchain, fctx);
    toolchain.profile_format = format->name();
    toolchain.profile_version = format->format_version(toolchain);
    report_.toolchains.push_back(toolchain);
    request.flags = format->instrument_flags(request);
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

    request.kind = BuildKind::Optimized;
    request.build_dir = store_.build_dir(tc, "optimized");
    request.flags = format->use_flags(merged.output, request);
    Flags use_flags = request.flags;
    BuildResult optimized = timed(report_, progress_, tc, "build optimized", [&] { return build_system_->build(request); });
    for (std::string& w : identical_libraries(baseline, optimized)) optimized.warnings.push_back(std::move(w));
    ProfileDiagnostics diagnostics = format->scan_build_output(optimized.output);
    for (const std::vector<std::string>* ws : {&baseline.warnings, &source.instrumented_warnings, &optimized.warnings})
      for (const std::string& w : *ws) warn(w);

    std::vector<ProfileReport> profiles;
    for (const auto& target : targets) {
      ProfileReport p{tc,   target, summary,     diagnostics, merged.method, source.raw_profiles, merged.skipped,
                      {},   true,   source.kind, source.reason};
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

    write_build_manifest(manifest_path(store_.build_dir(tc, "baseline")),
                         BuildManifest{toolchain, config_.build.system, now_iso8601(),
                                       {{"baseline", manifest_build(store_.build_dir(tc, "baseline"), baseline, {})},
                                        {"optimized", manifest_build(store_.build_dir(tc, "optimized"), optimized,
                                                                     use_flags, merged.output)}}});
    if (options_.bench) bench(baseline, optimized);

    if (source.kind == "stored") {
      // The stored profile is the one built from; its metadata keeps its creation date.
      progress_.note("[" + tc + "] store: unchanged (built from the stored profile)");
      for (auto& p : profiles) p.stored_at = store_.profile_path(p.target, tc, format->merged_extension());
    } else timed(report_, progress_, tc, "store", [&] {
      std::vector<nlohmann::json> metadata;
      for (auto& p : profiles)
        metadata.push_back(profile_metadata(MetadataInputs{config_, toolchain, p.target, merged, summary,
                                                           instrument_flags, use_flags, report_.geomean_speedup(tc)}));
      // The commit point: an interruption before it leaves the store as it was; once the
      // profiles are being written, they are all written (it takes milliseconds).
      throw_if_interrupted();
      for (size_t i = 0; i < profiles.size(); ++i)
        profiles[i].stored_at =
            store_.save(profiles[i].target, tc, merged.output, format->merged_extension(), metadata[i]);
    });
    for (auto& p : profiles) report_.profiles.push_back(std::move(p));
  }

 private:
  // Where the merged profile of this run comes from (obtain_profile).
  struct ProfileSource {
    MergeResult merged;
    size_t raw_profiles = 0;
    std::string kind = "trained";  // ProfileReport::source
    std::string reason;
    bool shard_written = false;    // `pgo train --shard`: nothing more to do
    std::vector<std::string> instrumented_warnings;  // of the instrumented build, when it ran
    std::map<std::string, std::filesystem::path> instrumented_bins;  // when it ran
  };

  std::filesystem::path fingerprints_file() const {
    return store_.build_dir(spec_.name, "baseline").parent_path() / "fingerprints.json";
  }

  void warn(const std::string& message) {
    const std::string w = spec_.name + ": " + message;
    if (std::find(report_.warnings.begin(), report_.warnings.end(), w) != report_.warnings.end()) return;
    report_.warnings.push_back(w);
    progress_.note("warning: " + w);
  }

  // Targets the training never ran, a training that ran only start-up code (profile_quality.h).
  std::vector<TargetTraining> warn_about_profile_quality(const ProfileFormat& format, const ProfileSummary& summary,
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
  void reused_stage(const std::string& stage, const std::string& why) {
    progress_.note("[" + spec_.name + "] " + stage + ": reused (" + why + ")");
    report_.stages.push_back({stage, spec_.name, 0, true});
  }

  // The merged profile: from the store (--reuse, fresh), from shards (`pgo merge`), from the
  // last build (fingerprints unchanged), or by building instrumented, training and merging.
  ProfileSource obtain_profile(const Toolchain& toolchain, const BuildRequest& request, const ProfileFormat& format) {
    const std::string& tc = spec_.name;
    ProfileSource out;
    bool force = options_.force;
    if (options_.reuse_stored) {
      BuildRequest use = request;
      use.kind = BuildKind::Optimized;
      use.build_dir = store_.build_dir(tc, "optimized");
      fs::path placeholder = store_.build_dir(tc, "merged") / ("profile-0000000000000000" + format.merged_extension());
      nlohmann::json flags = flags_metadata(config_, request.flags, format.use_flags(placeholder, use), placeholder);
      StoredProfileCheck check =
          check_stored_profile(config_, store_, targets_, toolchain, format, flags);
      if (check.fresh) {
        out.kind = "stored";
        out.reason = "stored profile of " + check.created + " is fresh: same toolchain, flags, sources and workloads";
        out.merged.output = materialize_profile(check.profile, store_.build_dir(tc, "merged"), format.merged_extension());
        out.merged.method = "stored profile";
        for (const char* stage : {"build instrumented", "train", "merge"}) reused_stage(stage, "--reuse: " + out.reason);
        return out;
      }
      out.reason = "--reuse: stored profile is stale: " + join(check.reasons, "; ");
      progress_.note("[" + tc + "] " + out.reason + "; regenerating it");
      force = true;  // regenerate rather than reuse the last build's training
    }
    BuildResult instrumented =
        timed(report_, progress_, tc, "build instrumented", [&] { return build_system_->build(request); });
    out.instrumented_warnings = instrumented.warnings;
    out.instrumented_bins = executables_by_target(instrumented);
    // Libraries too: an edit in a library of the tree leaves the executables as they are.
    std::map<std::string, std::string> hashes = reuse::hash_binaries(binaries_by_name(instrumented));
    if (options_.shard) return train_shard(toolchain, format, instrumented, hashes);

    TrainingOutcome training;
    if (!options_.shard_inputs.empty()) {
      ShardManifest agreed;
      training.profiles = load_shards(options_.shard_inputs, tc, agreed);
      if (agreed.instrumented != hashes) {
        std::string w = tc + ": the shards' instrumented binaries differ from this checkout's (another commit, "
                        "compiler or flags?); the optimized build's profile warnings tell how much still matches";
        report_.warnings.push_back(w);
        progress_.note("warning: " + w);
      }
      out.kind = "shards";
      out.reason = std::to_string(options_.shard_inputs.size()) + " shard(s) of " + std::to_string(agreed.shard.count);
      out.merged = timed(report_, progress_, tc, "merge", [&] { return merge(format, training); });
      out.raw_profiles = training.profiles.size();
      return out;
    }

    reuse::TrainKey key{format.name(), toolchain.profile_version, workloads_fingerprint(config_), hashes};
    std::string blocker = force ? "reuse disabled" : reuse::train_reuse_blocker(fingerprints_.train, key);
    if (blocker.empty()) {
      const reuse::TrainRecord& t = *fingerprints_.train;
      out.kind = "reused";
      out.reason = "instrumented binaries, training workloads and profile format unchanged";
      reused_stage("train", out.reason);
      reused_stage("merge", out.reason);
      out.merged.output = t.merged;
      out.merged.method = t.merge_method;
      out.merged.skipped = t.skipped;
      out.merged.inputs_merged = t.raw_profiles;
      out.raw_profiles = t.raw_profiles;
      return out;
    }
    if (!options_.reuse_stored) out.reason = blocker;
    training = timed(report_, progress_, tc, "train", [&] {
      return train(plan_training_runs(config_, executables_by_target(instrumented), store_.runs_dir(tc) / "train"),
                   format, runner_, jobs(), options_.keep_going, progress_, tc);
    });
    report_.training_failures.insert(report_.training_failures.end(), training.failures.begin(),
                                     training.failures.end());
    out.merged = timed(report_, progress_, tc, "merge", [&] { return merge(format, training); });
    out.raw_profiles = training.profiles.size();
    // Only a complete training is worth reusing: one with failed runs is retried next time.
    if (training.failures.empty())
      fingerprints_.train = reuse::TrainRecord{key, out.merged.output, out.merged.method, out.raw_profiles,
                                               out.merged.skipped};
    else
      fingerprints_.train.reset();
    reuse::write_fingerprints(fingerprints_file(), fingerprints_);
    return out;
  }

  // `pgo train --shard K/N`: this shard's runs, raw profiles and manifest in --out/<toolchain>/.
  ProfileSource train_shard(const Toolchain& toolchain, const ProfileFormat& format, const BuildResult& instrumented,
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

  // The project's libraries the profile left byte-identical (a library no workload loads
  // keeps its code; one they do load should not).
  static std::vector<std::string> identical_libraries(const BuildResult& baseline, const BuildResult& optimized) {
    std::vector<std::string> out;
    for (const Artifact& opt : optimized.libraries)
      for (const Artifact& base : baseline.libraries)
        if (base.target == opt.target && same_file_content(base.path, opt.path))
          out.push_back("the optimized library " + opt.path.filename().string() +
                        " is byte-identical to the baseline's: the profile changed nothing in it (do the workloads "
                        "load it?)");
    return out;
  }

  int jobs() const {
    if (options_.jobs > 0) return options_.jobs;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  std::vector<std::string> select_targets() {
    std::vector<std::string> all = build_system_->executable_targets(store_.build_dir(spec_.name, "baseline"));
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

  MergeResult merge(const ProfileFormat& format, const TrainingOutcome& training) {
    return merge_named_by_digest(format, training.profiles, store_.build_dir(spec_.name, "merged"),
                                 config_.merge.failure_mode, jobs());
  }

  void bench(const BuildResult& baseline, const BuildResult& optimized) {
    const std::string& tc = spec_.name;
    std::vector<const WorkloadSpec*> benched;
    for (const auto& w : config_.workloads)
      if (w.bench) benched.push_back(&w);
    std::map<std::string, std::string> baseline_hashes = reuse::hash_binaries(binaries_by_name(baseline));
    std::map<std::string, std::string> optimized_hashes = reuse::hash_binaries(binaries_by_name(optimized));
    const std::vector<bench::Metric> metrics = bench::chosen_metrics(options_.metric, config_);
    const std::optional<bench::Counter> counter =
        bench::instruction_counter(metrics, runner_, store_.root() / "runs" / "counter-probe", progress_);
    const auto a_bins = executables_by_target(baseline), b_bins = executables_by_target(optimized);
    for (size_t i = 0; i < benched.size(); ++i)
      for (bench::Metric metric : metrics) {
        const WorkloadSpec& w = *benched[i];
        const bool counts = metric == bench::Metric::Instructions;
        std::string stage = std::string(counts ? "count " : "bench ") + w.name + " (" + std::to_string(i + 1) + "/" +
                            std::to_string(benched.size()) + ")";
        // The metric is part of the key: a wall-time result never stands in for a count.
        std::string key = reuse::bench_key(config_, w, baseline_hashes, optimized_hashes) +
                          (counts ? std::string("|instructions:") + bench::to_string(*counter) : "");
        const std::string slot = counts ? w.name + "#instructions" : w.name;
        if (std::optional<WorkloadResult> previous = reusable_bench(slot, key)) {
          reused_stage(stage, "same binaries, workload and bench settings");
          report_.results.push_back(std::move(*previous));
          continue;
        }
        bench::MeasureRequest request{config_, tc, w, a_bins, b_bins, store_.runs_dir(tc) / "bench" / w.name,
                                      std::nullopt, counter};
        WorkloadResult result = timed(report_, progress_, tc, stage, [&] {
          return bench::measure_workload(runner_, request, metric,
                                         [&](int run, int max_runs) { progress_.step(run, max_runs, "rounds"); });
        });
        if (!result.bench.failed && result.bench.outputs_match)
          fingerprints_.bench[slot] = reuse::BenchRecord{key, workload_result_to_json(result)};
        else
          fingerprints_.bench.erase(slot);
        report_.results.push_back(std::move(result));
      }
    reuse::write_fingerprints(fingerprints_file(), fingerprints_);
  }

  // The previous build's result of workload `name`, when its key is `key` (and not --force).
  std::optional<WorkloadResult> reusable_bench(const std::string& name, const std::string& key) const {
    auto it = fingerprints_.bench.find(name);
    if (options_.force || it == fingerprints_.bench.end() || it->second.key != key) return std::nullopt;
    try {
      WorkloadResult r = workload_result_from_json(it->second.result);
      r.reused = true;
      return r;
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;  // a damaged cache entry: measure again
    }
  }

  const Config& config_;
  const BuildOptions& options_;
  const ToolchainSpec& spec_;
  ProcessRunner& runner_;
  Progress& progress_;
  Report& report_;
  const ProfileStore& store_;
  std::unique_ptr<BuildSystem> build_system_;
  std::vector<std::string> targets_;
  reuse::Fingerprints fingerprints_;  // .pgo/build/<toolchain>/fingerprints.json
};

}  // namespace

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
                                      Progress& progress) {
  if (!options.shard || options.shard_out.empty()) throw UsageError("pgo train needs --shard K/N and --out DIR");
  Report report;  // stage timings only; a shard writes no report
  ProfileStore store(config.project_dir / config.store_dir);
  StoreLock lock(store.root());
  store.check_writable();
  store.remove_interrupted_writes();
  std::vector<fs::path> manifests;
  try {
    for (const auto& spec : select_toolchains(config, options.toolchains)) {
      ToolchainPipeline(config, options, spec, runner, progress, report, store).run();
      manifests.push_back(shard_toolchain_dir(options.shard_out, spec.name) / "manifest.json");
    }
  } catch (...) {
    throw_if_interrupted();
    throw;
  }
  return manifests;
}

Report run_build(const Config& config, const BuildOptions& options, ProcessRunner& runner, Progress& progress) {
  Report report;
  report.created = now_iso8601();
  report.pgo_version = options.pgo_version;
  report.project = config.project_dir;
  ProfileStore store(config.project_dir / config.store_dir);
  StoreLock lock(store.root());
  store.check_writable();
  store.remove_interrupted_writes();
  try {
    for (const auto& spec : select_toolchains(config, options.toolchains)) {
      ToolchainPipeline(config, options, spec, runner, progress, report, store).run();
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
