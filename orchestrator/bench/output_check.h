// A workload's output check (pgo.yaml `check:`): a user command that runs after every benchmark
// run of each binary, in the workload's directory, and judges what the run wrote (files,
// typically). Comparing stdout catches a miscompile that changes what a program prints; the
// check catches one that changes only its output files. docs/benchmarking.md, "Output checks".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::bench {

// The check of `workload` as a process, with ${bin:...} bound to `bins` and ${run_dir} to
// `run_dir` (as workload_process binds the run): argv (through /bin/sh -c when written as a
// string), the workload's env, cwd and timeout; stdin is /dev/null. nullopt without a check.
// Throws pgo::Error(kUsage) for a target missing from `bins`.
std::optional<ProcessSpec> check_process(const Config& config, const WorkloadSpec& workload,
                                         const std::map<std::string, std::filesystem::path>& bins,
                                         const std::filesystem::path& run_dir);

// Runs `check` with its stdout and stderr in `log`. Empty when it exited 0; otherwise what
// went wrong, naming the command, its status and the tail of its output:
// "output check `cmp out.txt /p/expected.txt` failed: exit status 1; its output: ...".
std::string run_output_check(ProcessRunner& runner, ProcessSpec check, const std::filesystem::path& log);

}  // namespace pgo::bench
