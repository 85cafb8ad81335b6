// `pgo train --shard K/N --out DIR`: one shard of the training runs, for a CI matrix
// (orchestrator/shard.h, docs/ci.md "Sharding"); `pgo merge` combines the shards.
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/pipeline.h"
#include "support/error.h"
#include "workloads/process.h"

namespace pgo::cli {
namespace {

struct TrainArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> toolchains;
  std::string shard = "1/1";
  std::string out;
  int jobs = 0;
  bool keep_going = false;
};

int run(const TrainArgs& args) {
  BuildOptions options;
  options.shard = parse_shard(args.shard);  // before loading: a bad --shard is the first thing to say
  Config config = load_project_config(args.directory, args.config);
  options.toolchains = args.toolchains;
  options.jobs = args.jobs;
  options.keep_going = args.keep_going;
  options.shard_out = std::filesystem::absolute(args.out);
  options.pgo_version = PGO_VERSION;
  SystemProcessRunner runner;
  Progress progress;
  for (const auto& manifest : run_train_shard(config, options, runner, progress))
    std::cout << "Shard " << options.shard->label() << ": " << manifest.string() << "\n";
  return 0;
}

}  // namespace

Action add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Build instrumented and run one shard of the training runs into DIR (combine with `pgo merge`)");
  add_project_options(cmd, args->directory, args->config);
  add_toolchain_option(cmd, args->toolchains, "gcc, clang, rust or go; repeat for several (default: the toolchains in pgo.yaml)");
  cmd->add_option("--shard", args->shard,
                  "Run shard K of N: the (workload, repeat) runs whose index mod N is K-1 (default 1/1: all)")
      ->type_name("K/N");
  cmd->add_option("--out", args->out, "Write raw profiles and manifest.json to DIR/<toolchain>/")
      ->type_name("DIR")
      ->required();
  cmd->add_option("-j,--jobs", args->jobs, "Parallel training runs and build jobs (default: cores)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--keep-going", args->keep_going, "Leave failing training runs out instead of stopping (exit 4)");
  return [cmd, args]() -> int { return *cmd ? run(*args) : -1; };
}

}  // namespace pgo::cli
