#include "orchestrator/bench/rebench.h"

#include <algorithm>
#include <iostream>

#include "orchestrator/bench/measure.h"
#include "orchestrator/bench/settings.h"
#include "orchestrator/build_manifest.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/report/exports.h"
#include "orchestrator/report/json.h"
#include "orchestrator/store.h"
#include "support/error.h"
#include "workloads/expand.h"

namespace pgo::bench {
namespace fs = std::filesystem;

namespace {

const ManifestBuild& build_of(const BuildManifest& m, const fs::path& file, const std::string& kind) {
  auto it = m.builds.find(kind);
  if (it == m.builds.end())
    throw UsageError(file.string() + ": no " + kind + " build recorded: run `pgo build --toolchain " +
                     m.toolchain.name + "` again");
  return it->second;
}

}  // namespace

RebenchOutcome rebench(const Config& config, const RebenchOptions& options, ProcessRunner& runner,
                       Progress& progress) {
  ProfileStore store(config.project_dir / config.store_dir);
  const std::vector<Metric> metrics = chosen_metrics(options.metric, config);
  std::vector<ToolchainSpec> toolchains = select_toolchains(config, options.toolchains);
  auto manifest_of = [&](const std::string& tc) { return manifest_path(store.build_dir(tc, BuildKind::baseline())); };
  if (options.toolchains.empty()) {  // every configured toolchain that `pgo build` has built
    std::vector<ToolchainSpec> built;
    for (const auto& tc : toolchains)
      if (fs::exists(manifest_of(tc.name))) built.push_back(tc);
      else std::cerr << "pgo: skipping " << tc.name << ": it has no build yet (`pgo build --toolchain " << tc.name
                     << "`)\n";
    if (built.empty())
      throw UsageError("no build in " + (store.root() / "build").string() + ": run `pgo build` first");
    toolchains = built;
  }
  // Every manifest is read and checked before anything runs, so a missing build fails at once.
  std::vector<BuildManifest> manifests;
  for (const auto& tc : toolchains) {
    BuildManifest m = read_build_manifest(manifest_of(tc.name), tc.name);
    const ManifestBuild& base = build_of(m, manifest_of(tc.name), "baseline");
    const ManifestBuild& opt = build_of(m, manifest_of(tc.name), "optimized");
    for (const auto& w : config.workloads)
      for (const auto& target : referenced_targets(w))
        for (const ManifestBuild* b : {&base, &opt})
          if (w.bench && (!b->executables.count(target) || !fs::exists(b->executables.at(target))))
            throw UsageError("workload '" + w.name + "' runs " + target + ", which is not built in " +
                             b->build_dir.string() + ": run `pgo build --toolchain " + tc.name + "` first");
    m.toolchain.name = tc.name;
    manifests.push_back(std::move(m));
  }
  StoreLock lock(store.root());
  const std::optional<Counter> counter =
      instruction_counter(metrics, runner, store.root() / "runs" / "counter-probe", progress);

  RebenchOutcome out;
  Report& report = out.report;
  report.created = now_iso8601();
  report.pgo_version = options.pgo_version;
  report.project = config.project_dir;
  std::vector<const WorkloadSpec*> benched;
  for (const auto& w : config.workloads)
    if (w.bench) benched.push_back(&w);
  for (const BuildManifest& m : manifests) {
    const std::string& tc = m.toolchain.name;
    report.toolchains.push_back(m.toolchain);
    // --aa: the optimized binary is both A and B, so any "change" is a false positive.
    const auto& b_bins = m.builds.at("optimized").executables;
    const auto& a_bins = options.aa ? b_bins : m.builds.at("baseline").executables;
    for (size_t i = 0; i < benched.size(); ++i)
      for (Metric metric : metrics) {
        const WorkloadSpec& w = *benched[i];
        progress.stage(tc, std::string(metric == Metric::Instructions ? "count " : "bench ") + w.name + " (" +
                               std::to_string(i + 1) + "/" + std::to_string(benched.size()) + ")");
        MeasureRequest request{config, tc, w, a_bins, b_bins, store.runs_dir(tc) / "bench" / w.name, options.seed,
                               counter};
        report.results.push_back(measure_workload(runner, request, metric,
                                                  [&](int run, int max) { progress.step(run, max, "rounds"); }));
        progress.finish_stage();
      }
  }

  out.json = report_to_json(report);
  out.json["command"] = "bench";
  out.json["mode"] = options.aa ? "aa" : "ab";
  out.json["metric"] = options.metric.empty() ? config.bench.metric : options.metric;
  if (options.seed) out.json["seed"] = *options.seed;
  report.file = save_stamped_report(store.reports_dir(), out.json, report.created, options.aa ? "aa" : "bench",
                                    "latest-bench");
  ExportOptions exports{.noise = config.bench.noise_threshold};
  write_report_files(report, report.file.parent_path(), exports);
  write_report_files(report, store.reports_dir() / "latest-bench", exports);
  return out;
}

}  // namespace pgo::bench
