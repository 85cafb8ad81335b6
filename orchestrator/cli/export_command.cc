// `pgo export`: the stored profiles where a build without pgo reads them (orchestrator/export.h).
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/export.h"

namespace pgo::cli {

Action add_export_command(CLI::App& app) {
  struct Args {
    std::string directory = ".";
    std::string config;
    std::vector<std::string> toolchains;
    std::string out;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Put the stored profiles where builds without pgo use them: Go's default.pgo in each main package; "
                "LLVM and GCC profiles under --out, with the flags that use them");
  add_project_options(cmd, args->directory, args->config);
  add_toolchain_option(cmd, args->toolchains, "gcc, clang, rust or go; repeat for several (default: all in pgo.yaml)");
  cmd->add_option("--out", args->out, "Where LLVM and GCC profiles go (default: <project>/pgo-profiles)")
      ->type_name("DIR");
  return [cmd, args]() -> int {
    if (!*cmd) return -1;
    Config config = load_project_config(args->directory, args->config);
    for (const ExportedProfile& e : export_profiles(config, ProfileExportOptions{args->toolchains, args->out})) {
      std::cout << e.target << " (" << e.toolchain << "): ";
      if (!e.path.empty()) std::cout << e.path.string() << "\n  ";
      std::cout << e.use << "\n";
    }
    return 0;
  };
}

}  // namespace pgo::cli
