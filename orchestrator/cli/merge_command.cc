// `pgo merge DIR...`: the shards of `pgo train --shard` merged into one profile, then what
// `pgo build` does after training: optimized build, verify, bench (unless --no-bench),
// store and report. The shards' manifests must agree (orchestrator/shard.h).
#include <iostream>
#include <memory>

#include "orchestrator/cli/build_outcome.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/pipeline.h"
#include "workloads/process.h"

namespace pgo::cli {
namespace {

struct MergeArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> dirs;
  std::vector<std::string> toolchains;
  int jobs = 0;
  bool json = false;
  bool no_bench = false;
};

int run(const MergeArgs& args, const TerminalStyle& style) {
  Config config = load_project_config(args.directory, args.config);
  BuildOptions options;
  for (const auto& d : args.dirs) options.shard_inputs.push_back(std::filesystem::absolute(d));
  options.toolchains = args.toolchains;
  options.jobs = args.jobs;
  options.bench = !args.no_bench;
  options.pgo_version = PGO_VERSION;
  SystemProcessRunner runner;
  Progress progress;
  Report report = run_build(config, options, runner, progress);
  print_build_report(report, args.json, style, std::cout);
  return results_exit_code(report);
}

}  // namespace

Action add_merge_command(CLI::App& app, const TerminalStyle& style) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge the shards of `pgo train --shard`, then build optimized, verify, benchmark and store");
  add_project_options(cmd, args->directory, args->config);
  cmd->add_option("dirs", args->dirs, "Shard directories (each the --out of one `pgo train --shard K/N`)")
      ->type_name("DIR")
      ->required();
  add_toolchain_option(cmd, args->toolchains, "gcc, clang, rust or go; repeat for several (default: the toolchains in pgo.yaml)");
  cmd->add_option("-j,--jobs", args->jobs, "Parallel merge threads and build jobs (default: cores)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print the report as JSON on stdout");
  cmd->add_flag("--no-bench", args->no_bench, "Skip the benchmark stage");
  return [cmd, args, &style]() -> int { return *cmd ? run(*args, style) : -1; };
}

}  // namespace pgo::cli
