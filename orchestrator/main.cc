// pgo: the command line. Subcommands live in orchestrator/cli/, one file each; this file
// wires them up and turns errors into the documented exit codes.
#include <CLI/CLI.hpp>
#include <iostream>

#include <unistd.h>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "support/error.h"
#include "workloads/pgo_cgroup.h"
#include "workloads/process.h"

namespace {

constexpr const char* kDescription =
    "pgo builds a project twice (baseline and instrumented), replays the training workloads\n"
    "declared in pgo.yaml, merges their profiles, rebuilds an optimized binary with the\n"
    "profile, benchmarks baseline against optimized, and stores the profile with its metadata.\n\n"
    "Exit codes: 0 success, 1 a check failed (outputs differ), 2 usage or configuration error,\n"
    "3 build or toolchain failure, 4 training workload failure, 70 internal error (a bug in pgo:\n"
    "please report it), 130 interrupted.";

// Whatever still descends from pgo when main returns dies with it (docs/reliability.md,
// "Survivors"): orphans reparented to pgo outlive the runs that started them otherwise.
struct KillDescendantsOnReturn {
  ~KillDescendantsOnReturn() {
    pgo::kill_all_descendants();
    pgo::kill_own_cgroup();  // what left pgo's tree altogether (a double-forked daemon)
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "pgo"};
  app.set_version_flag("--version", std::string("pgo ") + PGO_VERSION);
  app.require_subcommand(1);
  app.footer("Run `pgo help <command>` for a command's options.");

  pgo::ColorMode color = pgo::ColorMode::Auto;
  pgo::cli::add_color_option(app, color);
  pgo::cli::Verbosity verbosity;
  pgo::cli::add_verbosity_options(app, verbosity);
  pgo::TerminalStyle style;  // decided once the command line is parsed
  std::vector<pgo::cli::Action> actions = {
      pgo::cli::add_build_command(app, style), pgo::cli::add_init_command(app),
      pgo::cli::add_bench_command(app, style), pgo::cli::add_status_command(app, style),
      pgo::cli::add_ci_command(app, style),    pgo::cli::add_train_command(app),
      pgo::cli::add_merge_command(app, style), pgo::cli::add_clean_command(app), pgo::cli::add_export_command(app),
      pgo::cli::add_import_command(app),
      pgo::cli::add_doctor_command(app, style)};

  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Show the help of a command");
  help->add_option("command", help_topic, "The command to explain");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(pgo::ExitCode::kUsage);
  }

  if (*help) {
    if (help_topic.empty()) {
      std::cout << app.help();
      return 0;
    }
    for (CLI::App* sub : app.get_subcommands({}))
      if (sub->get_name() == help_topic) {
        std::cout << sub->help();
        return 0;
      }
    std::cerr << "pgo help: unknown command '" << help_topic << "'\n";
    return static_cast<int>(pgo::ExitCode::kUsage);
  }

  style = pgo::TerminalStyle(pgo::use_color(color, pgo::color_environment(STDOUT_FILENO)));
  verbosity.apply();
  pgo::become_child_subreaper();  // best effort: without it, orphans go to init as before
  pgo::enter_own_cgroup();        // best effort: only where cgroup v2 is writable
  KillDescendantsOnReturn kill_descendants_on_return;
  pgo::install_interrupt_handlers();
  try {
    for (const auto& action : actions) {
      int code = action();
      if (code >= 0) return code;
    }
  } catch (const pgo::Error& e) {
    std::cerr << "pgo: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    // Every expected failure is a pgo::Error with its exit code; anything else is a bug.
    std::cerr << "pgo: internal error, please report it (with the command line and pgo --version): " << e.what()
              << "\n";
    return static_cast<int>(pgo::ExitCode::kInternal);
  }
  return 0;
}
