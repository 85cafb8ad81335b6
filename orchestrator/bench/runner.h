// Interleaved benchmark of one workload: the baseline against one optimized binary
// (bench_pair) or several (bench_variants, one per recipe of `pgo build --recipe all`).
//
// Warm-ups first (discarded), then rounds; each round runs every binary once in a seeded
// random order, so drift of the machine (thermal, other load) hits both alike. After
// min_runs rounds it stops as soon as the speedup's 95% CI is narrow enough, or at
// max_runs (with several binaries, once every CI is). The time budget is a cap: no round starts that would end after it (judged by
// the mean round so far), even before min_runs, once kMinRoundsUnderBudget rounds are done;
// the result then says min_runs was cut. docs/benchmarking.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/bench/statistics.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::bench {

// Rounds that run whatever the budget: the fewest whose median ignores one odd run.
inline constexpr int kMinRoundsUnderBudget = 3;

struct BenchSettings {
  int warmup = 1;              // runs per binary before timing, discarded (outputs still checked)
  int min_runs = 10;           // timed runs per binary before any stopping rule applies
  int max_runs = 30;           // timed runs per binary at most
  double time_budget_s = 60;   // cap for the whole workload, warm-ups included (see above)
  double target_ci = 0.01;     // stop when (ci_hi - ci_lo) / 2 / speedup <= this
  double noise = 0.01;         // |speedup - 1| within this is never a change
  bool compare_output = true;  // stdout SHA-256 and exit status must match the baseline's
  uint64_t seed = 0x5eed;      // run order and bootstrap
  int resamples = 10000;       // bootstrap resamples
  std::filesystem::path work_dir;  // stdout files go here; required when compare_output
  // Monotonic seconds; empty: std::chrono::steady_clock. Tests inject a fake clock.
  std::function<double()> clock;
  // The workload's output check bound to each binary (bench/output_check.h), run right after
  // each of that binary's runs, warm-ups included, before the other binary can overwrite
  // what it wrote; not timed. A non-zero exit fails the benchmark. nullopt: no check.
  std::optional<ProcessSpec> baseline_check, optimized_check;
  // The workload's own figure (pgo.yaml metric:) instead of wall time: each run's sample is
  // the number the regex finds in its stdout (else stderr), inverted when higher is better,
  // so that every statistic reads "lower is better" as for times. nullopt: wall time.
  std::optional<OutputMetric> figure;
};

struct RunSample {
  int round = 0;  // 0-based timed round
  int slot = 0;   // 0: this binary ran first in its round, 1: second
  // Wall time, or with BenchSettings::figure the figure (1/figure when higher is better).
  double wall_s = 0, user_s = 0, sys_s = 0;
  long max_rss_kb = 0;
  int exit_code = 0;
  bool outlier = false;  // modified z-score of wall_s > 3.5 within its binary's samples
  double cpu_s() const { return user_s + sys_s; }
};

struct BinaryStats {
  int runs = 0;  // timed runs (= samples.size())
  std::vector<RunSample> samples;
  // Of wall time; mad_s is the scaled MAD (1.4826 * raw), p05/p95 type-7 percentiles.
  double median_s = 0, mad_s = 0, min_s = 0, max_s = 0, mean_s = 0, stddev_s = 0;
  double p05_s = 0, p95_s = 0;
  double cpu_median_s = 0;  // median of user + sys
  long max_rss_kb = 0;      // median over runs of the peak RSS
  int outliers = 0;
};

enum class StopReason { CiTarget, MaxRuns, TimeBudget, RunFailed };
const char* to_string(StopReason reason);  // "ci_target", "max_runs", "time_budget", "run_failed"

struct BenchResult {
  BinaryStats baseline, optimized;
  // NaN when a binary has no timed sample (it failed in the first round).
  double speedup = std::numeric_limits<double>::quiet_NaN();  // median(base) / median(opt)
  double ci_lo = std::numeric_limits<double>::quiet_NaN();
  double ci_hi = std::numeric_limits<double>::quiet_NaN();
  double ci_half_width = std::numeric_limits<double>::quiet_NaN();  // fraction of speedup
  double p_value = 1;  // Mann-Whitney U, two-sided, on wall times
  Verdict verdict = Verdict::NoChange;

  bool outputs_compared = false;  // compare_output was on
  bool outputs_match = true;      // every run's stdout and exit status equal the baseline's
  std::string mismatch;           // the first difference, empty if none

  bool output_checked = false;  // the workload's output check ran (and passed, unless failed)

  bool failed = false;  // a run crashed, timed out, could not start, exited non-zero, or failed its check
  std::string failure;  // which binary, which run, what happened

  StopReason stop_reason = StopReason::MaxRuns;
  int rounds = 0;        // timed rounds completed
  bool min_runs_cut_by_budget = false;  // the budget stopped it before min_runs rounds
  double elapsed_s = 0;  // by the settings' clock, warm-ups included
};

// One binary of a benchmark: its name (in failure messages and file names), its command and
// its output check (nullopt: none).
struct Variant {
  std::string name;
  ProcessSpec run;
  std::optional<ProcessSpec> check;
};

// Benchmarks variants[1..] each against variants[0], the baseline, in one session: a round
// runs every binary once in random order, so all of them see the same drift. Returns one
// result per variant after the first, each with the baseline's statistics as `baseline`.
// A variant whose run fails is left out of later rounds (its result failed, the others go
// on); the baseline's failure ends them all. The settings' baseline_check/optimized_check
// are not used (each variant brings its own). Stdout files are <work_dir>/<name>.stdout.
std::vector<BenchResult> bench_variants(ProcessRunner& runner, const std::vector<Variant>& variants,
                                        const BenchSettings& settings,
                                        const std::function<void(int run, int max_runs)>& progress = {});

// Benchmarks `baseline` against `optimized` (bench_variants with two binaries named
// "baseline" and "optimized"). Their stdout_file is replaced by files in
// settings.work_dir when compare_output is on. A failing run ends the benchmark with
// failed = true and stop_reason RunFailed (statistics cover the runs made so far).
// progress(rounds_done, max_runs) is called after each timed round.
// Throws std::invalid_argument for inconsistent settings, pgo::Error(kInterrupted) on Ctrl-C.
BenchResult bench_pair(ProcessRunner& runner, const ProcessSpec& baseline,
                       const ProcessSpec& optimized, const BenchSettings& settings,
                       const std::function<void(int run, int max_runs)>& progress = {});

}  // namespace pgo::bench
