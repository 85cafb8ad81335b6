// The training stage: replays workloads with the instrumented binaries, in parallel, each
// run in its own directory so that raw profiles never clobber each other.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/profile_format.h"
#include "orchestrator/progress.h"
#include "orchestrator/shard.h"
#include "orchestrator/report/report.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

struct TrainingRun {
  std::string workload;
  int repeat_index = 0;   // 0-based
  int repeat_count = 1;
  uint64_t weight = 1;    // merge weight
  ProcessSpec spec;       // expanded command; stdout/stderr/env are filled in by train()
  std::filesystem::path run_dir;
  // The workload's `profile:` (relative to run_dir): the program writes its own profile
  // there, and the recorder's environment and command wrapper are not applied. Empty:
  // recorder.collect().
  std::filesystem::path profile;
  // argv[0] when it is one of the project's instrumented binaries (${bin:...}), so that a run
  // that wrote no profile can be told apart from a build that never instrumented it.
  std::filesystem::path target_binary;
};

struct TrainingOutcome {
  std::vector<WeightedInput> profiles;      // one per successful run
  std::vector<TrainingFailure> failures;    // runs left out (only with keep_going)
};

// Runs `runs` with up to `jobs` at a time. The first run goes alone as a smoke test: if the
// instrumented binary exits normally but writes no profile, training stops there.
// A failing run throws pgo::Error(kWorkloadFailure) naming its command, status and
// stderr tail, unless keep_going; with it, failures are collected and the rest goes on
// (at least one profile is still required).
TrainingOutcome train(const std::vector<TrainingRun>& runs, const ProfileRecorder& format,
                      ProcessRunner& runner, int jobs, bool keep_going, Progress& progress,
                      const std::string& toolchain);

// Every (workload, repeat) training run of `config`, in pgo.yaml order, with ${bin:...}
// bound to `bins` and each run in <runs_dir>/<workload>.<n>; merge weights from
// integer_weights(). With `shard`, only that shard's runs (shard.h). `total`, when given,
// gets the number of runs of all shards.
std::vector<TrainingRun> plan_training_runs(const Config& config,
                                            const std::map<std::string, std::filesystem::path>& bins,
                                            const std::filesystem::path& runs_dir, const ShardSpec* shard = nullptr,
                                            size_t* total = nullptr);

// Integer merge weights from pgo.yaml's real weights: the smallest becomes 1 and the rest
// keep their ratios (LLVM and gcov-tool take integer weights).
std::vector<uint64_t> integer_weights(const std::vector<double>& weights);

}  // namespace pgo
