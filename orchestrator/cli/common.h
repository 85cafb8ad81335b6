// What every subcommand that works on a project shares: the -C/--directory and --config
// options, and loading pgo.yaml from them; and the global --color option.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "orchestrator/report/terminal_output.h"
#include "workloads/config.h"

namespace pgo::cli {

// Registers -C,--directory DIR (default ".") and --config FILE on `cmd`, storing into the
// given strings (which must outlive the parse; keep them in the command's argument struct).
void add_project_options(CLI::App* cmd, std::string& directory, std::string& config_file);

// Registers --toolchain NAME (repeatable) on `cmd`: one of the toolchain kinds pgo knows
// (gcc, clang, rust, go); whether the project configures it is checked once pgo.yaml is read.
CLI::Option* add_toolchain_option(CLI::App* cmd, std::vector<std::string>& toolchains, const std::string& help);

// Registers --metric time|instructions|both (and `wall`, time's first name) on `cmd`;
// empty after parsing when not given (then pgo.yaml's bench.metric applies).
CLI::Option* add_metric_option(CLI::App* cmd, std::string& metric);

// Registers --profile trained|trained-only|imported on `cmd` (default trained): where the
// build's profile comes from (orchestrator/imports.h, ProfileMode; docs/production-profiles.md).
CLI::Option* add_profile_option(CLI::App* cmd, std::string& profile);

// Registers the global --color auto|always|never on `app` (default auto: colour only on a
// terminal, see use_color); accepted before or after the subcommand.
void add_color_option(CLI::App& app, ColorMode& mode);
// The global -q/--quiet and -v/--verbose (repeatable), before or after the command; call
// `apply` after parsing: it hands the verbosity to Progress (-q: -1, -v: 1, -vv: 2, ...).
struct Verbosity {
  bool quiet = false;
  int verbose = 0;
  void apply() const;
};
void add_verbosity_options(CLI::App& app, Verbosity& verbosity);

// The project's configuration as those options select it: `config_file` when not empty
// (relative to pgo's working directory), else `dir`/pgo.yaml. Throws UsageError (exit 2)
// "-C DIR: no such directory" when `dir` is not a directory, even with a config file, and
// load_config's located errors for the file itself.
Config load_project_config(const std::string& dir, const std::string& config_file);

}  // namespace pgo::cli
