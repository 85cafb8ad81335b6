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

WorkloadResult measure_workload(ProcessRunner& runner, const MeasureRequest& q, Metric metric,
                                const std::function<void(int, int)>& progress) {
  const WorkloadSpec& w = q.workload;
  if (metric == Metric::Time) {
    WorkloadResult result{q.toolchain, targets_label(w), w.name, w.weight, metric_name(metric), metric_unit(metric)};
    result.bench = bench_workload(runner, q.config, w, q.a_bins, q.b_bins, q.work_dir, q.seed, progress);
    if (result.bench.min_runs_cut_by_budget) {
      char budget[32];
      std::snprintf(budget, sizeof budget, "%g", q.config.bench.time_budget_s);
      result.note = "bench.time_budget " + std::string(budget) + "s cut min_runs " +
                    std::to_string(q.config.bench.min_runs) + " to " + std::to_string(result.bench.rounds) + " runs";
      if (result.bench.rounds < 4) result.note += " (below 4 runs no verdict can be significant: Mann-Whitney p >= 0.1)";
    }
    return result;
  }
  if (!q.counter) throw std::invalid_argument("measure_workload: instructions need a counter");
  const fs::path dir = q.work_dir.parent_path() / (q.work_dir.filename().string() + "-instructions");
  fs::remove_all(dir);
  fs::create_directories(dir);
  ProcessSpec a = workload_process(q.config, w, q.a_bins, dir);
  ProcessSpec b = workload_process(q.config, w, q.b_bins, dir);
  std::vector<std::string> env;
  if (q.config.build.system == "go") {
    env = apply_go_counting_env(a, *q.counter, w.env);
    apply_go_counting_env(b, *q.counter, w.env);
  }
  InstructionSettings s;
  s.noise = q.config.bench.noise_threshold;
  s.compare_output = w.compare_output;
  s.work_dir = dir;
  s.baseline_check = check_process(q.config, w, q.a_bins, dir);
  s.optimized_check = check_process(q.config, w, q.b_bins, dir);
  WorkloadResult result = instruction_workload_result(q.toolchain, w, count_instructions(runner, *q.counter, a, b, s, progress));
  result.counting_env = env;
  return result;
}

}  // namespace pgo::bench
