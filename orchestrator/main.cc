// pgo: the command line. Each subcommand parses its options here and hands a plain options
// struct to its module; exit codes follow docs/architecture.md ("Exit codes").
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "orchestrator/init.h"
#include "orchestrator/pipeline.h"
#include "orchestrator/report/json.h"
#include "orchestrator/report/terminal.h"
#include "support/error.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kDescription =
    "pgo builds a project twice (baseline and instrumented), replays the training workloads\n"
    "declared in pgo.yaml, merges their profiles, rebuilds an optimized binary with the\n"
    "profile, benchmarks baseline against optimized, and stores the profile with its metadata.\n\n"
    "Exit codes: 0 success, 1 a check failed (outputs differ), 2 usage or configuration error,\n"
    "3 build or toolchain failure, 4 training workload failure, 130 interrupted.";

struct BuildArgs {
  std::string directory = ".";
  std::string config;
  std::vector<std::string> toolchains;
  int jobs = 0;
  bool json = false;
  bool keep_going = false;
  bool no_bench = false;
};

fs::path config_path(const BuildArgs& args) {
  if (!args.config.empty()) return fs::absolute(args.config);
  return fs::absolute(args.directory) / "pgo.yaml";
}

int run_build_command(const BuildArgs& args) {
  if (!fs::is_directory(args.directory))
    throw pgo::UsageError("-C " + args.directory + ": no such directory");
  pgo::Config config = pgo::load_config(config_path(args));
  pgo::BuildOptions options;
  options.toolchains = args.toolchains;
  options.jobs = args.jobs;
  options.keep_going = args.keep_going;
  options.bench = !args.no_bench;
  options.pgo_version = PGO_VERSION;
  pgo::SystemProcessRunner runner;
  pgo::Progress progress;
  pgo::Report report = pgo::run_build(config, options, runner, progress);
  if (args.json) {
    std::cout << pgo::report_to_json(report).dump(2) << std::endl;
  } else {
    pgo::print_terminal_report(report, std::cout);
    std::cout << "\nReport: " << report.file.string() << "\n";
    for (const auto& p : report.profiles) std::cout << "Profile: " << p.stored_at.string() << "\n";
  }
  if (!report.all_outputs_match()) {
    std::cerr << "pgo: baseline and optimized outputs differ (see the report); PGO may have exposed a bug\n";
    return static_cast<int>(pgo::ExitCode::kCheckFailed);
  }
  for (const auto& r : report.results)
    if (r.bench.failed) {
      std::cerr << "pgo: benchmark of " << r.toolchain << "/" << r.workload << " failed: " << r.bench.failure << "\n";
      return static_cast<int>(pgo::ExitCode::kCheckFailed);
    }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "pgo"};
  app.set_version_flag("--version", std::string("pgo ") + PGO_VERSION);
  app.require_subcommand(1);
  app.footer("Run `pgo help <command>` for a command's options.");

  BuildArgs build_args;
  CLI::App* build = app.add_subcommand("build", "Build, train, merge, rebuild with the profile, benchmark, and store");
  build->add_option("-C,--directory", build_args.directory, "Run in DIR (where pgo.yaml is)")->type_name("DIR");
  build->add_option("--config", build_args.config, "Read FILE instead of DIR/pgo.yaml")->type_name("FILE");
  build->add_option("--toolchain", build_args.toolchains,
                    "gcc or clang; repeat for both (default: the toolchains in pgo.yaml)")
      ->type_name("NAME")
      ->check(CLI::IsMember({"gcc", "clang"}));
  build->add_option("-j,--jobs", build_args.jobs, "Parallel training runs and build jobs (default: cores)")
      ->check(CLI::PositiveNumber);
  build->add_flag("--json", build_args.json, "Print the report as JSON on stdout (progress stays on stderr)");
  build->add_flag("--keep-going", build_args.keep_going,
                  "Leave failing training runs out of the profile instead of stopping (exit 4)");
  build->add_flag("--no-bench", build_args.no_bench, "Skip the benchmark stage");

  std::string init_dir = ".";
  bool init_force = false;
  CLI::App* init = app.add_subcommand("init", "Write a commented pgo.yaml for the CMake project in DIR");
  init->add_option("-C,--directory", init_dir, "The project directory")->type_name("DIR");
  init->add_flag("--force", init_force, "Overwrite an existing pgo.yaml");

  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Show the help of a command");
  help->add_option("command", help_topic, "build or init");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(pgo::ExitCode::kUsage);
  }

  pgo::install_interrupt_handlers();
  try {
    if (*build) return run_build_command(build_args);
    if (*init) {
      fs::path written = pgo::init_project(init_dir, init_force);
      std::cout << "wrote " << written.string() << "; edit its workloads, then run `pgo build`\n";
      return 0;
    }
    if (*help) {
      if (help_topic.empty()) {
        std::cout << app.help();
        return 0;
      }
      for (CLI::App* sub : {build, init, help})
        if (sub->get_name() == help_topic) {
          std::cout << sub->help();
          return 0;
        }
      std::cerr << "pgo help: unknown command '" << help_topic << "' (commands: build, init, help)\n";
      return static_cast<int>(pgo::ExitCode::kUsage);
    }
  } catch (const pgo::Error& e) {
    std::cerr << "pgo: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "pgo: internal error: " << e.what() << "\n";
    return static_cast<int>(pgo::ExitCode::kBuildFailure);
  }
  return 0;
}
