// The benchmark stage of `pgo build`: every bench workload in every chosen metric, baseline
// against optimized, each result reused while its binaries, workload and settings are unchanged.
#include "orchestrator/bench/measure.h"
#include "orchestrator/bench/runner.h"
#include "orchestrator/bench/settings.h"
#include "orchestrator/report/json.h"
#include "orchestrator/report/json_read.h"
#include "orchestrator/toolchain_pipeline.h"

namespace pgo {

void ToolchainPipeline::bench(const BuildResult& baseline, const BuildResult& optimized) {
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

// Several recipes: each workload measured for the baseline and every recipe's binaries in one
// interleaved session, so the machine's drift hits them alike. Not reused between builds.
void ToolchainPipeline::bench_recipes(const BuildResult& baseline, const std::vector<bench::Metric>& metrics) {
  const std::string& tc = spec_.name;
  std::vector<const WorkloadSpec*> benched;
  for (const auto& w : config_.workloads)
    if (w.bench) benched.push_back(&w);
  const std::optional<bench::Counter> counter =
      bench::instruction_counter(metrics, runner_, store_.root() / "runs" / "counter-probe", progress_);
  std::vector<bench::NamedBins> variants{{"baseline", executables_by_target(baseline)}};
  for (const RecipeBuild& b : recipes_) variants.push_back({b.recipe.name, executables_by_target(b.optimized)});
  for (size_t i = 0; i < benched.size(); ++i)
    for (bench::Metric metric : metrics) {
      const WorkloadSpec& w = *benched[i];
      const bool counts = metric == bench::Metric::Instructions;
      const std::string stage = std::string(counts ? "count " : "bench ") + w.name + " (" + std::to_string(i + 1) +
                                "/" + std::to_string(benched.size()) + ", " + std::to_string(recipes_.size()) +
                                " recipes)";
      bench::VariantsRequest request{config_, tc, w, variants, store_.runs_dir(tc) / "bench" / w.name, std::nullopt,
                                     counter};
      std::vector<WorkloadResult> results = timed(report_, progress_, tc, stage, [&] {
        return bench::measure_variants(runner_, request, metric,
                                       [&](int run, int max_runs) { progress_.step(run, max_runs, "rounds"); });
      });
      for (size_t r = 0; r < recipes_.size() && r < results.size(); ++r)
        recipes_[r].results.push_back(std::move(results[r]));
    }
}

// The previous build's result of workload `name`, when its key is `key` (and not --force).
std::optional<WorkloadResult> ToolchainPipeline::reusable_bench(const std::string& name, const std::string& key) const {
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

}  // namespace pgo
