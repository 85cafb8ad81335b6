// `pgo status`: is each stored profile still fresh? (orchestrator/status.h,
// docs/staleness.md). Exit 0 when every checked profile is fresh, 1 when any is stale.
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/status.h"
#include "support/error.h"
#include "workloads/process.h"

namespace pgo::cli {
namespace {

struct StatusArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> toolchains;
  int jobs = 0;
  bool json = false;
  bool cost = false;
  std::string metric;  // with --cost; empty: pgo.yaml's bench.metric
};

int run(const StatusArgs& args, const TerminalStyle& style) {
  Config config = load_project_config(args.directory, args.config);
  StatusOptions options;
  options.toolchains = args.toolchains;
  options.jobs = args.jobs;
  options.cost = args.cost;
  options.metric = args.metric;
  SystemProcessRunner runner;
  Progress progress;
  std::vector<ProfileStatus> statuses = run_status(config, options, runner, progress);
  // Corrupt store files are named on stderr too, whatever the output format.
  for (const auto& s : statuses)
    if (!s.error.empty()) std::cerr << "pgo: error: " << s.error << "\n";
  if (args.json) {
    std::cout << status_to_json(statuses, config.staleness, config.project_dir).dump(2) << std::endl;
  } else {
    print_status_table(statuses, config.staleness, std::cout, style);
  }
  bool stale = std::any_of(statuses.begin(), statuses.end(), [](const ProfileStatus& s) { return s.stale; });
  return stale ? static_cast<int>(ExitCode::kCheckFailed) : 0;
}

}  // namespace

Action add_status_command(CLI::App& app, const TerminalStyle& style) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd = app.add_subcommand(
      "status", "Check whether each stored profile still fits the code (exit 1 when any is stale)");
  add_project_options(cmd, args->directory, args->config);
  add_toolchain_option(cmd, args->toolchains, "Check only this toolchain's profiles; repeat for several");
  cmd->add_option("-j,--jobs", args->jobs, "Build jobs for the builds of the current code (and parallel training runs with --cost)")
      ->check(CLI::PositiveNumber);
  CLI::Option* cost = cmd->add_flag("--cost", args->cost,
                "Also measure what staleness costs: train a fresh profile, build with it and with the "
                "stored one, and benchmark the two (as long as a pgo build's training and bench)");
  add_metric_option(cmd, args->metric)->needs(cost);
  cmd->add_flag("--json", args->json, "Print the status as JSON (\"schema\": \"pgo-status/1\") on stdout");
  return [cmd, args, &style]() -> int { return *cmd ? run(*args, style) : -1; };
}

}  // namespace pgo::cli
