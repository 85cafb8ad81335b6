// `pgo clean`: removes pgo's working state; the stored profiles only with --store.
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/store.h"
#include "support/strings.h"

namespace pgo::cli {

Action add_clean_command(CLI::App& app) {
  struct Args {
    std::string directory = ".";
    std::string config;
    bool store = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "clean", "Remove pgo's working state (.pgo/build, .pgo/runs, .pgo/reports); the stored profiles stay");
  add_project_options(cmd, args->directory, args->config);
  cmd->add_flag("--store", args->store, "Also remove the stored profiles (.pgo/profiles): the next build trains anew");
  return [cmd, args]() -> int {
    if (!*cmd) return -1;
    Config config = load_project_config(args->directory, args->config);
    ProfileStore store(config.project_dir / config.store_dir);
    std::error_code ec;
    if (!std::filesystem::exists(store.root(), ec)) {
      std::cout << "nothing to clean: " << store.root().string() << " does not exist\n";
      return 0;
    }
    StoreLock lock(store.root());  // never under a running build
    auto removed = store.clean(args->store);
    if (removed.empty()) std::cout << "nothing to clean in " << store.root().string() << "\n";
    for (const auto& [dir, bytes] : removed)
      std::cout << "removed " << dir.string() << " (" << format_fixed(bytes / 1048576.0, 1) << " MiB)\n";
    return 0;
  };
}

}  // namespace pgo::cli
