// `pgo build`: the whole pipeline (orchestrator/pipeline.h).
#include <iostream>
#include <memory>

#include "orchestrator/cli/build_outcome.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/pipeline.h"
#include "support/error.h"
#include "support/strings.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo::cli {
namespace {

struct BuildArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> toolchains;
  int jobs = 0;
  bool json = false;
  bool keep_going = false;
  bool no_bench = false;
  std::string metric;  // empty: pgo.yaml's bench.metric
  bool force = false;  // --force / --no-reuse
  bool reuse = false;  // --reuse: build from the stored profile when it is fresh
  std::string profile = "trained";  // --profile: trained, trained-only, imported
  std::vector<std::string> recipes;  // empty: pgo.yaml's (toolchains[].recipes, optimize.recipes), else pgo
  std::vector<std::string> cargo_args;  // after `--`: more `cargo build` arguments
};

int run(const BuildArgs& args, const TerminalStyle& style) {
  Config config = load_project_config(args.directory, args.config);
  if (!args.cargo_args.empty()) {
    if (config.build.system != "cargo")
      throw UsageError("arguments after -- (" + join(args.cargo_args, " ") + ") go to cargo build, but " +
                       config.file.string() + " builds with build.system " + config.build.system);
    if (std::string why = cargo_args_problem(args.cargo_args); !why.empty()) throw UsageError("-- " + why);
    config.build.cargo_args.insert(config.build.cargo_args.end(), args.cargo_args.begin(), args.cargo_args.end());
  }
  BuildOptions options;
  options.toolchains = args.toolchains;
  options.jobs = args.jobs;
  options.keep_going = args.keep_going;
  options.bench = !args.no_bench;
  options.metric = args.metric;
  options.force = args.force;
  options.reuse_stored = args.reuse;
  options.profile = parse_profile_mode(args.profile);
  options.recipes = args.recipes;
  options.pgo_version = PGO_VERSION;
  SystemProcessRunner runner;
  Progress progress;
  Report report = run_build(config, options, runner, progress);
  print_build_report(report, args.json, style, std::cout);
  return results_exit_code(report);
}

}  // namespace

Action add_build_command(CLI::App& app, const TerminalStyle& style) {
  auto args = std::make_shared<BuildArgs>();
  CLI::App* cmd = app.add_subcommand("build", "Build, train, merge, rebuild with the profile, benchmark, and store");
  add_project_options(cmd, args->directory, args->config);
  add_toolchain_option(cmd, args->toolchains, "gcc, clang, rust or go; repeat for several (default: the toolchains in pgo.yaml)");
  cmd->add_option("-j,--jobs", args->jobs, "Parallel training runs and build jobs (default: cores)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "Print the report as JSON on stdout (progress stays on stderr)");
  cmd->add_flag("--keep-going", args->keep_going,
                "Leave failing training runs out of the profile instead of stopping (exit 4)");
  cmd->add_flag("--no-bench", args->no_bench, "Skip the benchmark stage");
  add_metric_option(cmd, args->metric);
  cmd->add_option("--recipe", args->recipes,
                  "The techniques stacked on the build: pgo (default), pgo+lto (link-time optimization: GCC -flto, "
                  "Clang ThinLTO with lld, Cargo's profile LTO; not for Go), pgo+bolt (BOLT rewrites the optimized "
                  "executables after a training of its own; not for Go) or pgo+lto+bolt. Repeat it, or say 'all' "
                  "(every recipe the toolchain supports), to build several: each is benchmarked against the one "
                  "baseline in one interleaved session and the best is kept, a more complex recipe only when it is "
                  "significantly faster than the simpler one (default: pgo.yaml's toolchains[].recipes, then "
                  "optimize.recipes, then pgo). docs/recipes.md");
  cmd->add_option("cargo_args", args->cargo_args,
                  "After --: more arguments for `cargo build` (--locked, --offline, --config ...), added to pgo.yaml's "
                  "build.cargo_args")
      ->type_name("-- ARGS");
  CLI::Option* force = cmd->add_flag("--force,--no-reuse", args->force,
                                     "Redo it even when its result exists: train and benchmark again although nothing "
                                     "changed since the last build (by default unchanged binaries and workloads reuse "
                                     "the last profile and results)");
  add_profile_option(cmd, args->profile);
  cmd->add_flag("--reuse", args->reuse,
                "Build optimized straight from the stored profile when it is fresh (same toolchain, flags, sources, "
                "workloads), skipping the instrumented build and training; regenerate it when stale")
      ->excludes(force);
  return [cmd, args, &style]() -> int { return *cmd ? run(*args, style) : -1; };
}

}  // namespace pgo::cli
