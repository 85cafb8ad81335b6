#include "orchestrator/cli/common.h"

#include "orchestrator/progress.h"

#include <filesystem>

#include "support/error.h"
#include "workloads/process.h"

namespace fs = std::filesystem;

namespace pgo::cli {

void add_project_options(CLI::App* cmd, std::string& directory, std::string& config_file) {
  cmd->add_option("-C,--directory", directory, "Run in DIR (where pgo.yaml is)")->type_name("DIR");
  cmd->add_option("--config", config_file, "Read FILE instead of DIR/pgo.yaml")->type_name("FILE");
}

CLI::Option* add_toolchain_option(CLI::App* cmd, std::vector<std::string>& toolchains, const std::string& help) {
  return cmd->add_option("--toolchain", toolchains, help)
      ->type_name("NAME")
      ->check(CLI::IsMember({"gcc", "clang", "rust", "go"}));
}

CLI::Option* add_metric_option(CLI::App* cmd, std::string& metric) {
  return cmd->add_option("--metric", metric,
                         "time: wall time (bootstrap CI, Mann-Whitney); instructions: user-space instructions retired "
                         "(perf, else valgrind's cachegrind; 3 runs each, deterministic, ~50x slower under valgrind); "
                         "both: each, side by side (default: pgo.yaml bench.metric, else time; `wall` = time)")
      ->type_name("METRIC")
      ->check(CLI::IsMember({"time", "wall", "instructions", "both"}));
}

CLI::Option* add_profile_option(CLI::App* cmd, std::string& profile) {
  return cmd->add_option("--profile", profile,
                         "trained (default): the training, merged by weight with the profiles added by `pgo import` "
                         "when there are any; trained-only: the training alone; imported: the imported profiles "
                         "alone, with no instrumented build and no training")
      ->type_name("SOURCE")
      ->check(CLI::IsMember({"trained", "trained-only", "imported"}));
}

void add_color_option(CLI::App& app, ColorMode& mode) {
  app.add_option_function<std::string>(
         "--color",
         [&mode](const std::string& when) {
           mode = when == "always" ? ColorMode::Always : when == "never" ? ColorMode::Never : ColorMode::Auto;
         },
         "Colour verdicts and STALE/fresh: auto (on a terminal, unless NO_COLOR is set or TERM=dumb; "
         "CLICOLOR_FORCE=1 forces it), always or never (default auto)")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.fallthrough();  // `pgo status --color never` as well as `pgo --color never status`
}

void add_verbosity_options(CLI::App& app, Verbosity& verbosity) {
  CLI::Option* quiet = app.add_flag("-q,--quiet", verbosity.quiet,
                                    "Print no progress, only the result and errors (warnings stay in the report)");
  app.add_flag("-v,--verbose", verbosity.verbose,
               "Stream the build tools' output as they run (cmake, ninja, make, cargo, go); repeatable")
      ->excludes(quiet);
}

void Verbosity::apply() const { Progress::set_verbosity(quiet ? -1 : verbose); }

Config load_project_config(const std::string& dir, const std::string& config_file) {
  if (!fs::is_directory(dir)) throw UsageError("-C " + dir + ": no such directory");
  fs::path file = config_file.empty() ? fs::absolute(dir) / "pgo.yaml" : fs::absolute(config_file);
  return load_config(file, throw_if_interrupted);  // a signal stops a long load at once
}

}  // namespace pgo::cli
