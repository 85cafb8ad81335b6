#include "orchestrator/bench/measure.h"

#include <algorithm>
#include <cstdio>

#include "orchestrator/bench/output_check.h"
#include "orchestrator/bench/settings.h"
#include "support/error.h"

namespace pgo::bench {
namespace fs = std::filesystem;

std::vector<Metric> chosen_metrics(const std::string& option, const Config& config) {
  const std::string& text = option.empty() ? config.bench.metric : option;
  std::optional<std::vector<Metric>> metrics = parse_metrics(text);
  if (!metrics) throw UsageError("--metric " + text + ": unknown metric; use time, instructions or both");
  return *metrics;
}

std::optional<Counter> instruction_counter(const std::vector<Metric>& metrics, ProcessRunner& runner,
                                           const fs::path& scratch, Progress& progress) {
  if (std::find(metrics.begin(), metrics.end(), Metric::Instructions) == metrics.end()) return std::nullopt;
  std::string why;
  std::optional<Counter> counter = probe_counter(runner, scratch, why);
  if (!counter) throw UsageError("--metric instructions: no instruction counter works here (" + why + ")");
  if (*counter != Counter::Perf)
    progress.note(std::string("counting instructions with ") + to_string(*counter) + " (" + why + ")");
  return counter;
}

WorkloadResult instruction_workload_result(const std::string& toolchain, const WorkloadSpec& w,
                                           const InstructionResult& ir) {
  WorkloadResult result{toolchain, targets_label(w), w.name, w.weight, metric_name(Metric::Instructions),
                        metric_unit(Metric::Instructions)};
  result.counter = to_string(ir.counter);
  result.baseline_counts = ir.baseline;
  result.optimized_counts = ir.optimized;
  BenchResult& b = result.bench;
  b.speedup = ir.speedup;
  b.ci_lo = ir.lo;
  b.ci_hi = ir.hi;
  b.ci_half_width = ir.half_width;
  b.p_value = ir.p_value;
  b.verdict = ir.verdict;
  b.outputs_compared = ir.outputs_compared;
  b.outputs_match = ir.outputs_match;
  b.mismatch = ir.mismatch;
  b.output_checked = ir.output_checked;
  b.failed = ir.failed;
  b.failure = ir.failure;
  b.baseline.runs = static_cast<int>(ir.baseline.counts.size());
  b.optimized.runs = static_cast<int>(ir.optimized.counts.size());
  b.rounds = std::min(b.baseline.runs, b.optimized.runs);
  b.stop_reason = ir.failed ? StopReason::RunFailed : StopReason::MaxRuns;
  return result;
}

namespace {

// The note of a benchmark whose time budget cut min_runs, empty otherwise.
std::string budget_note(const Config& config, const BenchResult& bench) {
  if (!bench.min_runs_cut_by_budget) return "";
  char budget[32];
  std::snprintf(budget, sizeof budget, "%g", config.bench.time_budget_s);
  std::string note = "bench.time_budget " + std::string(budget) + "s cut min_runs " +
                     std::to_string(config.bench.min_runs) + " to " + std::to_string(bench.rounds) + " runs";
  if (bench.rounds < 4) note += " (below 4 runs no verdict can be significant: Mann-Whitney p >= 0.1)";
  return note;
}

}  // namespace

std::vector<WorkloadResult> measure_variants(ProcessRunner& runner, const VariantsRequest& q, Metric metric,
                                             const std::function<void(int, int)>& progress) {
  const WorkloadSpec& w = q.workload;
  const bool counts = metric == Metric::Instructions;
  if (counts && !q.counter) throw std::invalid_argument("measure_variants: instructions need a counter");
  const fs::path dir = counts ? q.work_dir.parent_path() / (q.work_dir.filename().string() + "-instructions")
                              : q.work_dir;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<Variant> variants;
  std::vector<std::string> env;
  for (const NamedBins& v : q.variants) {
    Variant variant{v.name, workload_process(q.config, w, v.bins, dir), check_process(q.config, w, v.bins, dir)};
    if (counts && q.config.build.system == "go") env = apply_go_counting_env(variant.run, *q.counter, w.env);
    variants.push_back(std::move(variant));
  }
  std::vector<WorkloadResult> results;
  if (!counts) {
    BenchSettings settings = bench_settings(q.config.bench, w, dir);
    if (q.seed) settings.seed = *q.seed;
    for (BenchResult& bench : bench_variants(runner, variants, settings, progress)) {
      WorkloadResult result{q.toolchain, targets_label(w), w.name, w.weight, metric_name(metric), metric_unit(metric)};
      if (w.metric) {
        result.figure = true;
        result.figure_higher = w.metric->higher_is_better;
        result.unit = w.metric->name;
      }
      result.note = budget_note(q.config, bench);
      result.bench = std::move(bench);
      results.push_back(std::move(result));
    }
    return results;
  }
  InstructionSettings s;
  s.noise = q.config.bench.noise_threshold;
  s.compare_output = w.compare_output;
  s.work_dir = dir;
  for (const InstructionResult& ir : count_variants(runner, *q.counter, variants, s, progress)) {
    results.push_back(instruction_workload_result(q.toolchain, w, ir));
    results.back().counting_env = env;
  }
  return results;
}

WorkloadResult measure_workload(ProcessRunner& runner, const MeasureRequest& q, Metric metric,
                                const std::function<void(int, int)>& progress) {
  return measure_variants(runner,
                          VariantsRequest{q.config, q.toolchain, q.workload,
                                          {{"baseline", q.a_bins}, {"optimized", q.b_bins}}, q.work_dir, q.seed,
                                          q.counter},
                          metric, progress)
      .front();
}

}  // namespace pgo::bench
