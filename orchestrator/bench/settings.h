// What the bench stage of `pgo build` and `pgo bench` share: the mapping from pgo.yaml's
// `bench:` section and one workload to the runner's settings, and the command of a workload
// against one set of built executables.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "orchestrator/bench/runner.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::bench {

// The runner's settings for `workload` under pgo.yaml's `bench:` section; stdout files go to
// `work_dir` (which the caller empties and creates). The seed stays the default.
BenchSettings bench_settings(const BenchSpec& spec, const WorkloadSpec& workload,
                             const std::filesystem::path& work_dir);

// The process that runs `workload` with ${bin:...} bound to `bins` (target -> executable)
// and ${run_dir} to `run_dir`: argv (through /bin/sh -c when the workload says shell: true),
// env, cwd (relative to the project), stdin file and timeout.
// Throws pgo::Error(kUsage) for a target missing from `bins`.
ProcessSpec workload_process(const Config& config, const WorkloadSpec& workload,
                             const std::map<std::string, std::filesystem::path>& bins,
                             const std::filesystem::path& run_dir);

// The targets a workload runs, comma-separated ("-" when none), for reports.
std::string targets_label(const WorkloadSpec& workload);

}  // namespace pgo::bench
