// The instruction-count metric (`--metric instructions`): user-space instructions retired,
// counted by `perf stat -e instructions:u` where the kernel exposes hardware counters, else by
// valgrind's cachegrind without cache simulation (a simulated CPU: exact, 30-50x slower;
// measured 1.7-3x faster than callgrind, docs/benchmarking.md). Counts hardly vary between
// runs, so each binary runs 3 times; the statistics are those of wall time (bootstrap CI of
// the median ratio, Mann-Whitney p) but the verdict rests on the CI alone, because the exact
// test cannot go below p = 0.1 with 3+3 runs. docs/benchmarking.md, "Instruction counts".
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orchestrator/bench/runner.h"
#include "orchestrator/bench/statistics.h"
#include "workloads/process.h"

namespace pgo::bench {

enum class Counter { Perf, Cachegrind, Callgrind };
const char* to_string(Counter counter);  // "perf", "cachegrind", "callgrind"

// The instruction count in the output of `perf stat -x, -e instructions:u` (one CSV line per
// event: "123456,,instructions:u,1000,100.00,,"; hybrid CPUs print one line per core type, which
// are added up). nullopt when no instructions line carries a number ("<not supported>",
// "<not counted>") or there is none.
std::optional<uint64_t> parse_perf_stat(std::string_view text);

// The sum of the "==PID== Collected : N" lines of callgrind logs (one per process traced).
// nullopt when there is none.
std::optional<uint64_t> parse_callgrind_collected(std::string_view text);

// The sum of the "==PID== I   refs:      1,234,567" lines of cachegrind logs (one per
// process traced). nullopt when there is none.
std::optional<uint64_t> parse_cachegrind_refs(std::string_view text);

// Which counter works here: perf when `perf stat -e instructions:u -- true` counts something,
// else cachegrind when `valgrind --version` runs; nullopt when neither. `why` receives what the
// probe saw (for the error message and the report). Probe files go to `scratch`.
std::optional<Counter> probe_counter(ProcessRunner& runner, const std::filesystem::path& scratch,
                                     std::string& why);

// `spec` run under the counter; its report goes to files named <report_prefix>.*.
// Under valgrind the timeout is 50 times the workload's (it simulates the CPU).
ProcessSpec counted_process(Counter counter, const ProcessSpec& spec, const std::filesystem::path& report_prefix);
// Reads (and then deletes) the report files of one counted run; nullopt when absent or empty.
std::optional<uint64_t> read_count(Counter counter, const std::filesystem::path& report_prefix);

// median(num) / median(den), bracketed by the extreme ratios min(num)/max(den) and
// max(num)/min(den). Throws std::invalid_argument on an empty group or a non-positive value.
struct RangeRatio {
  double ratio = 0, lo = 0, hi = 0;
};
RangeRatio range_ratio(const std::vector<double>& num, const std::vector<double>& den);

// The verdict for a deterministic metric: faster when even the least favourable ratio `lo`
// exceeds 1 + noise, slower when even the most favourable `hi` is below 1 - noise.
Verdict decide_range(double lo, double hi, double noise = 0.01);

// GC pacing without the wall clock: with GOGC=off the collector never runs (unless the
// workload sets GOMEMLIMIT), and with GOMAXPROCS=1 no second P races the first, so the count
// no longer depends on how fast the simulated CPU is. Spread of 5 cachegrind runs on
// examples/go-module (command / go test -bench binary): default 8.4% / 8.2%, GOGC=off
// 0.08% / 0.64%, GOMAXPROCS=1 0.70% / -, both 0.10% / 0.013% (docs/benchmarking.md).
inline constexpr std::pair<const char*, const char*> kGoCountingEnv[] = {{"GOGC", "off"}, {"GOMAXPROCS", "1"}};

// Runs per binary: with counts that repeat to within 0.01-0.5%, 3 is the fewest whose median
// ignores one odd run; the bootstrap CI of 3+3 values is then the range of the extreme ratios.
inline constexpr int kInstructionRuns = 3;

// The environment that makes a Go binary's instruction count repeat (docs/adapters/go.md):
// GODEBUG=asyncpreemptoff=1 under valgrind (its signal handling asserts on async preemption)
// and GC pacing that does not depend on wall time (kGoCountingEnv). A variable the workload
// sets itself (`workload_env`) is left as the workload has it. Returns "NAME=value" of each
// variable set, for the report.
std::vector<std::string> apply_go_counting_env(ProcessSpec& spec, Counter counter,
                                               const std::map<std::string, std::string>& workload_env);

struct InstructionSettings {
  int runs = kInstructionRuns;  // per binary
  double noise = 0.01;
  bool compare_output = true;  // stdout hash and exit status must equal the baseline's first run
  std::filesystem::path work_dir;  // required: stdout and counter files
  // The output check after each run of that binary, as in BenchSettings; nullopt: none.
  std::optional<ProcessSpec> baseline_check, optimized_check;
};

struct InstructionStats {
  std::vector<uint64_t> counts;
  double median = 0, min = 0, max = 0;
  double spread() const { return median > 0 ? (max - min) / median : 0; }  // (max - min) / median
};

struct InstructionResult {
  Counter counter = Counter::Cachegrind;
  InstructionStats baseline, optimized;
  double speedup = std::numeric_limits<double>::quiet_NaN();  // median(base) / median(opt)
  // 95% percentile-bootstrap CI of the median ratio (seed 0x5eed); with 3+3 runs it equals
  // range_ratio's [lo, hi].
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  double half_width = std::numeric_limits<double>::quiet_NaN();  // (hi - lo) / 2 / speedup
  double p_value = std::numeric_limits<double>::quiet_NaN();     // Mann-Whitney, reported only
  Verdict verdict = Verdict::NoChange;  // decide_range(lo, hi, noise)
  bool outputs_compared = false, outputs_match = true;
  std::string mismatch;
  bool output_checked = false;  // the output check ran
  bool failed = false;  // a run or its output check failed, or the counter reported nothing
  std::string failure;
};

// Runs every variant in turn, settings.runs times each, under `counter`; one result per
// variant after the first (the baseline, counted once for all). A variant whose run fails
// is left out of the later runs; the baseline's failure ends every comparison. The
// settings' baseline_check/optimized_check are not used (each variant brings its own).
std::vector<InstructionResult> count_variants(ProcessRunner& runner, Counter counter,
                                              const std::vector<Variant>& variants,
                                              const InstructionSettings& settings,
                                              const std::function<void(int run, int runs)>& progress = {});

// Runs baseline and optimized alternately, settings.runs times each, under `counter`.
// Throws pgo::Error(kInterrupted) on Ctrl-C.
// progress(runs_done, runs) after each pair of runs.
InstructionResult count_instructions(ProcessRunner& runner, Counter counter, const ProcessSpec& baseline,
                                     const ProcessSpec& optimized, const InstructionSettings& settings,
                                     const std::function<void(int run, int runs)>& progress = {});

}  // namespace pgo::bench
