// The subcommands of the `pgo` command line. Each registers its options on the CLI11 app
// and returns the action to run once parsing succeeded; the action returns the exit code
// (docs/architecture.md, "Exit codes") or throws pgo::Error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace pgo::cli {

using Action = std::function<int()>;

// Each adds its subcommand to `app` and returns what runs when it was chosen.
Action add_build_command(CLI::App& app);
Action add_init_command(CLI::App& app);
Action add_bench_command(CLI::App& app);
Action add_status_command(CLI::App& app);
Action add_ci_command(CLI::App& app);
Action add_train_command(CLI::App& app);
Action add_merge_command(CLI::App& app);

}  // namespace pgo::cli
