#include "orchestrator/bench/settings.h"

#include "orchestrator/bench/output_check.h"
#include "support/strings.h"
#include "workloads/expand.h"
#include "workloads/service.h"

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
  settings.figure = workload.metric;
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
  if (expanded.service) spec.service = std::make_shared<const ServiceRun>(ServiceRun{*expanded.service, expanded.env});
  return spec;
}

std::string targets_label(const WorkloadSpec& workload) {
  auto targets = referenced_targets(workload);
  return targets.empty() ? "-" : join(std::vector<std::string>(targets.begin(), targets.end()), ",");
}

}  // namespace pgo::bench
