// The subcommands of the `pgo` command line. Each registers its options on the CLI11 app
// and returns the action to run once parsing succeeded; the action returns the exit code
// (docs/architecture.md, "Exit codes") or throws pgo::Error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "orchestrator/report/terminal_output.h"

namespace pgo::cli {

using Action = std::function<int()>;

// Each adds its subcommand to `app` and returns what runs when it was chosen. Those that
// print tables style them with `style`, which main decides after parsing (--color).
Action add_build_command(CLI::App& app, const TerminalStyle& style);
Action add_init_command(CLI::App& app);
Action add_clean_command(CLI::App& app);
Action add_export_command(CLI::App& app);
Action add_import_command(CLI::App& app);
Action add_doctor_command(CLI::App& app, const TerminalStyle& style);
Action add_bench_command(CLI::App& app, const TerminalStyle& style);
Action add_status_command(CLI::App& app, const TerminalStyle& style);
Action add_ci_command(CLI::App& app, const TerminalStyle& style);
Action add_train_command(CLI::App& app);
Action add_merge_command(CLI::App& app, const TerminalStyle& style);

}  // namespace pgo::cli
