// `pgo init`: a starting pgo.yaml (orchestrator/init.h).
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/init.h"

namespace pgo::cli {

Action add_init_command(CLI::App& app) {
  struct Args {
    std::string directory = ".";
    bool force = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("init", "Write a commented pgo.yaml for the project in DIR (CMake, Cargo, Go, or make / configure / Meson): it is built once in a scratch tree to find its executables and a first command line of each that runs");
  cmd->add_option("-C,--directory", args->directory, "The project directory")->type_name("DIR");
  cmd->add_flag("--force", args->force, "Redo it even when its result exists: write pgo.yaml over an existing one");
  return [cmd, args]() -> int {
    if (!*cmd) return -1;
    std::filesystem::path written = init_project(args->directory, args->force);
    std::cout << "wrote " << written.string() << "; edit its workloads, then run `pgo build`\n";
    return 0;
  };
}

}  // namespace pgo::cli
