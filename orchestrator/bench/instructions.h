// The instruction-count metric of `pgo bench --metric instructions`: user-space instructions
// retired, counted by `perf stat -e instructions:u` where the kernel exposes hardware counters,
// else by valgrind's callgrind (a simulated CPU: exact, about 50x slower). Counts hardly vary
// between runs, so each binary runs a few times (3 by default) and the result carries the
// spread instead of a bootstrap interval. docs/benchmarking.md, "pgo bench".
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/bench/statistics.h"
#include "workloads/process.h"

namespace pgo::bench {

enum class Counter { Perf, Callgrind };
const char* to_string(Counter counter);  // "perf", "callgrind"

// The instruction count in the output of `perf stat -x, -e instructions:u` (one CSV line per
// event: "123456,,instructions:u,1000,100.00,,"; hybrid CPUs print one line per core type, which
// are added up). nullopt when no instructions line carries a number ("<not supported>",
// "<not counted>") or there is none.
std::optional<uint64_t> parse_perf_stat(std::string_view text);

// The sum of the "==PID== Collected : N" lines of callgrind logs (one per process traced).
// nullopt when there is none.
std::optional<uint64_t> parse_callgrind_collected(std::string_view text);

// Which counter works here: perf when `perf stat -e instructions:u -- true` counts something,
// else callgrind when `valgrind --version` runs; nullopt when neither. `why` receives what the
// probe saw (for the error message and the report). Probe files go to `scratch`.
std::optional<Counter> probe_counter(ProcessRunner& runner, const std::filesystem::path& scratch,
                                     std::string& why);

// `spec` run under the counter; its report goes to files named <report_prefix>.*.
// Callgrind's timeout is 50 times the workload's (it simulates the CPU).
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

struct InstructionSettings {
  int runs = 3;                // per binary
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
  Counter counter = Counter::Callgrind;
  InstructionStats baseline, optimized;
  double speedup = std::numeric_limits<double>::quiet_NaN();  // instructions(base) / instructions(opt)
  double lo = std::numeric_limits<double>::quiet_NaN();       // RangeRatio of the counts
  double hi = std::numeric_limits<double>::quiet_NaN();
  Verdict verdict = Verdict::NoChange;
  bool outputs_compared = false, outputs_match = true;
  std::string mismatch;
  bool output_checked = false;  // the output check ran
  bool failed = false;  // a run or its output check failed, or the counter reported nothing
  std::string failure;
};

// Runs baseline and optimized alternately, settings.runs times each, under `counter`.
// Throws pgo::Error(kInterrupted) on Ctrl-C.
InstructionResult count_instructions(ProcessRunner& runner, Counter counter, const ProcessSpec& baseline,
                                     const ProcessSpec& optimized, const InstructionSettings& settings);

}  // namespace pgo::bench
