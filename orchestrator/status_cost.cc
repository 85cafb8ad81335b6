#include "orchestrator/status_cost.h"

#include <thread>

#include "orchestrator/bench/measure.h"
#include "orchestrator/bench/settings.h"
#include "orchestrator/merge_stage.h"
#include "orchestrator/stored_profile.h"
#include "orchestrator/train.h"
#include "support/hash.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

// Executables and the project's libraries: with the hot code in a library, the two
// profiles may build the same executables and different libraries.
bool same_binaries(const BuildResult& a, const BuildResult& b) {
  auto a_bins = binaries_by_name(a), b_bins = binaries_by_name(b);
  if (a_bins.size() != b_bins.size()) return false;
  for (const auto& [target, path] : a_bins) {
    auto it = b_bins.find(target);
    if (it == b_bins.end() || !same_file_content(path, it->second)) return false;
  }
  return true;
}

WorkloadCost workload_cost(const WorkloadResult& result) {
  const bench::BenchResult& r = result.bench;
  WorkloadCost c;
  c.workload = result.workload;
  c.metric = result.metric;
  c.counter = result.counter;
  c.stored_median_s = r.baseline.median_s;
  c.fresh_median_s = r.optimized.median_s;
  c.stored_instructions = result.baseline_counts.median;
  c.fresh_instructions = result.optimized_counts.median;
  c.runs = std::min(r.baseline.runs, r.optimized.runs);
  c.outputs_match = r.outputs_match;
  if (r.failed) c.failure = r.failure;
  else if (!r.outputs_match) c.failure = "outputs differ between the two optimized binaries: " + r.mismatch;
  if (!c.failure.empty()) return c;
  c.speedup = r.speedup;
  c.ci_lo = r.ci_lo;
  c.ci_hi = r.ci_hi;
  c.p_value = r.p_value;
  c.verdict = to_string(r.verdict);
  return c;
}

}  // namespace

BuildResult StalenessCostMeter::build_optimized(const fs::path& profile, const std::string& kind) {
  BuildRequest request = ctx_.instrumented_request;
  request.kind = BuildKind{BuildRole::Optimized, "status-" + kind};
  request.build_dir = ctx_.store.build_dir(ctx_.toolchain, request.kind);
  request.flags = ctx_.format.use_flags(profile, request);
  ctx_.progress.stage(ctx_.toolchain, "cost: build optimized (" + kind + " profile)");
  BuildResult result = ctx_.build_system.build(request);
  ctx_.progress.finish_stage();
  return result;
}

StalenessCost StalenessCostMeter::measure(const fs::path& stored) {
  const std::string& tc = ctx_.toolchain;
  const std::string ext = ctx_.format.merged_extension();
  int jobs = ctx_.jobs > 0 ? ctx_.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  fs::path merged_dir = ctx_.store.merged_dir(tc, "status-");
  if (!fresh_) {
    ctx_.progress.stage(tc, "cost: train (current code)");
    TrainingOutcome training =
        train(plan_training_runs(ctx_.config, executables_by_target(ctx_.instrumented),
                                 ctx_.store.runs_dir(tc) / "status-train"),
              ctx_.format, ctx_.runner, jobs, /*keep_going=*/false, ctx_.progress, tc);
    ctx_.progress.finish_stage();
    ctx_.progress.stage(tc, "cost: merge");
    MergeResult merged =
        merge_named_by_digest(ctx_.format, training.profiles, merged_dir, ctx_.config.merge.failure_mode, jobs);
    ctx_.progress.finish_stage();
    fresh_ = build_optimized(merged.output, "fresh");
  }
  // The copy is named by the profile's content hash: the key of builds already made.
  fs::path profile = materialize_profile(stored, merged_dir, ext);
  auto it = stored_builds_.find(profile.filename().string());
  if (it == stored_builds_.end())
    it = stored_builds_.emplace(profile.filename().string(), build_optimized(profile, "stored")).first;
  const BuildResult& with_stored = it->second;

  StalenessCost cost;
  cost.measured = true;
  if (same_binaries(with_stored, *fresh_)) {
    // Nothing to measure: the two sides are the same program.
    cost.note = "the stored and the fresh profile build byte-identical binaries: staleness costs nothing";
    cost.geomean_speedup = 1;
    return cost;
  }
  std::vector<const WorkloadSpec*> benched;
  for (const auto& w : ctx_.config.workloads)
    if (w.bench) benched.push_back(&w);
  const std::vector<bench::Metric> metrics = bench::chosen_metrics(ctx_.metric, ctx_.config);
  const std::optional<bench::Counter> counter =
      bench::instruction_counter(metrics, ctx_.runner, ctx_.store.root() / "runs" / "counter-probe", ctx_.progress);
  const auto stored_bins = executables_by_target(with_stored), fresh_bins = executables_by_target(*fresh_);
  for (bench::Metric metric : metrics) {
    std::vector<double> speedups, weights;
    for (size_t i = 0; i < benched.size(); ++i) {
      const WorkloadSpec& w = *benched[i];
      ctx_.progress.stage(tc, std::string(metric == bench::Metric::Instructions ? "cost: count " : "cost: bench ") +
                                  w.name + " (" + std::to_string(i + 1) + "/" + std::to_string(benched.size()) + ")");
      bench::MeasureRequest request{ctx_.config, tc, w, stored_bins, fresh_bins,
                                    ctx_.store.runs_dir(tc) / "status-cost" / w.name, std::nullopt, counter};
      WorkloadResult r = bench::measure_workload(
          ctx_.runner, request, metric, [&](int run, int max_runs) { ctx_.progress.step(run, max_runs, "rounds"); });
      ctx_.progress.finish_stage();
      cost.workloads.push_back(workload_cost(r));
      if (cost.workloads.back().failure.empty() && r.bench.speedup > 0) {
        speedups.push_back(r.bench.speedup);
        weights.push_back(w.weight);
      }
    }
    if (!speedups.empty())
      cost.geomean_by_metric[bench::metric_name(metric)] = bench::weighted_geometric_mean(speedups, weights);
  }
  if (benched.empty()) cost.note = "no workload has bench: true; nothing to measure";
  if (!cost.geomean_by_metric.empty())
    cost.geomean_speedup = cost.geomean_by_metric.count("wall_time") ? cost.geomean_by_metric.at("wall_time")
                                                                     : cost.geomean_by_metric.begin()->second;
  return cost;
}

}  // namespace pgo
