#include "orchestrator/bench/settings.h"

#include "orchestrator/bench/output_check.h"
#include "support/strings.h"
#include "workloads/expand.h"

namespace pgo::bench {

BenchSettings bench_settings(const BenchSpec& spec, const WorkloadSpec& workload,
                             const std::filesystem::path& work_dir) {
  BenchSettings settings;
  settings.warmup = spec.warmup;
  settings.min_runs = spec.min_runs;
  settings.max_runs = spec.max_runs;
  settings.time_budget_s = spec.time_budget_s;
  settings.target_ci = spec.target_ci;
  settings.noise = spec.noise_threshold;
  settings.compare_output = workload.compare_output;
  settings.work_dir = work_dir;
  return settings;
}

ProcessSpec workload_process(const Config& config, const WorkloadSpec& workload,
                             const std::map<std::string, std::filesystem::path>& bins,
                             const std::filesystem::path& run_dir) {
  ExpandContext ctx{config.project_dir, bins, run_dir};
  WorkloadSpec expanded = expand_workload(workload, ctx);
  ProcessSpec spec;
  spec.argv = expanded.shell ? std::vector<std::string>{"/bin/sh", "-c", join(expanded.run, " ")} : expanded.run;
  spec.env = expanded.env;
  spec.cwd = expanded.cwd.empty() ? config.project_dir : config.project_dir / expanded.cwd;
  if (!expanded.stdin_file.empty()) spec.stdin_file = config.project_dir / expanded.stdin_file;
  spec.timeout = expanded.timeout;
  return spec;
}

BenchResult bench_workload(ProcessRunner& runner, const Config& config, const WorkloadSpec& workload,
                           const std::map<std::string, std::filesystem::path>& a_bins,
                           const std::map<std::string, std::filesystem::path>& b_bins,
                           const std::filesystem::path& work_dir, std::optional<uint64_t> seed,
                           const std::function<void(int run, int max_runs)>& progress) {
  std::filesystem::remove_all(work_dir);
  std::filesystem::create_directories(work_dir);
  BenchSettings settings = bench_settings(config.bench, workload, work_dir);
  if (seed) settings.seed = *seed;
  settings.baseline_check = check_process(config, workload, a_bins, work_dir);
  settings.optimized_check = check_process(config, workload, b_bins, work_dir);
  return bench_pair(runner, workload_process(config, workload, a_bins, work_dir),
                    workload_process(config, workload, b_bins, work_dir), settings, progress);
}

std::string targets_label(const WorkloadSpec& workload) {
  auto targets = referenced_targets(workload);
  return targets.empty() ? "-" : join(std::vector<std::string>(targets.begin(), targets.end()), ",");
}

}  // namespace pgo::bench
