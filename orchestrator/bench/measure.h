// One workload measured in one metric, as `pgo build`, `pgo bench`, `pgo ci` and `pgo status
// --cost` all do it: wall time through the interleaved runner (bench/settings.h), or
// instruction counts through bench/instructions.h, each turned into a labelled WorkloadResult
// (metric, unit, counter). docs/benchmarking.md.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/bench/instructions.h"
#include "orchestrator/bench/metric.h"
#include "orchestrator/progress.h"
#include "orchestrator/report/report.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::bench {

// `--metric` when given (time, wall, instructions, both), else pgo.yaml's bench.metric.
// Throws pgo::Error(kUsage) for an unknown word.
std::vector<Metric> chosen_metrics(const std::string& option, const Config& config);

// The instruction counter when `metrics` has instructions (probed once, files in `scratch`),
// else nullopt. Throws pgo::Error(kUsage) when no counter works here, saying why.
std::optional<Counter> instruction_counter(const std::vector<Metric>& metrics, ProcessRunner& runner,
                                           const std::filesystem::path& scratch, Progress& progress);

struct MeasureRequest {
  const Config& config;
  std::string toolchain;                                  // pgo.yaml name, for the result
  const WorkloadSpec& workload;
  const std::map<std::string, std::filesystem::path>& a_bins;  // the baseline side
  const std::map<std::string, std::filesystem::path>& b_bins;  // the other side
  std::filesystem::path work_dir;                         // emptied first; instructions use <work_dir>-instructions
  std::optional<uint64_t> seed;
  std::optional<Counter> counter;                         // required for Metric::Instructions
};

// The workload measured in `metric`. Go binaries (build.system go) are counted with
// apply_go_counting_env. Throws pgo::Error(kInterrupted) on Ctrl-C.
WorkloadResult measure_workload(ProcessRunner& runner, const MeasureRequest& request, Metric metric,
                                const std::function<void(int run, int max_runs)>& progress = {});

// One side of a multi-binary measurement: its name (for files and messages) and executables.
struct NamedBins {
  std::string name;
  std::map<std::string, std::filesystem::path> bins;
};

struct VariantsRequest {
  const Config& config;
  std::string toolchain;
  const WorkloadSpec& workload;
  std::vector<NamedBins> variants;  // [0] is the baseline
  std::filesystem::path work_dir;   // emptied first; instructions use <work_dir>-instructions
  std::optional<uint64_t> seed;
  std::optional<Counter> counter;   // required for Metric::Instructions
};

// The workload measured in `metric` for every variant after the first against the first, in
// one session (bench_variants / count_variants): one result per variant, in order.
std::vector<WorkloadResult> measure_variants(ProcessRunner& runner, const VariantsRequest& request, Metric metric,
                                             const std::function<void(int run, int max_runs)>& progress = {});

// An instruction count as a report result (metric "instructions", unit, counter, CI, verdict).
WorkloadResult instruction_workload_result(const std::string& toolchain, const WorkloadSpec& workload,
                                           const InstructionResult& counts);

}  // namespace pgo::bench
