// `pgo import FILE --target T`: a profile collected elsewhere, checked and kept in the store
// for `pgo build` (orchestrator/import.h, docs/production-profiles.md).
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/common.h"
#include "orchestrator/import.h"
#include "support/strings.h"

namespace pgo::cli {

Action add_import_command(CLI::App& app) {
  struct Args {
    std::string directory = ".";
    std::string config;
    std::string file;
    ImportRequest request;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Add a profile collected elsewhere (a Go CPU profile, an LLVM .profraw or .profdata) to the store; "
                "pgo build merges it with the training by weight, or uses it alone with --profile imported");
  add_project_options(cmd, args->directory, args->config);
  cmd->add_option("file", args->file, "The profile: a pprof CPU profile (Go, e.g. from net/http/pprof's "
                                      "/debug/pprof/profile), or an LLVM .profraw / .profdata of the same LLVM release")
      ->type_name("FILE")
      ->required();
  cmd->add_option("--target", args->request.target, "The target (binary) whose build it serves")
      ->type_name("NAME")
      ->required();
  cmd->add_option("--toolchain", args->request.toolchain,
                  "go, clang or rust (default: the one the file's kind and pgo.yaml imply); gcc is refused: .gcda "
                  "files belong to one build")
      ->type_name("NAME")
      ->check(CLI::IsMember({"gcc", "clang", "rust", "go"}));
  cmd->add_option("--weight", args->request.weight,
                  "Its merge weight, a positive integer: counts or samples are multiplied by it before they are "
                  "summed with the training's (default 1)")
      ->type_name("W")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--replace", args->request.replace,
                "Drop the target's earlier imports of this toolchain: the new profile replaces them");
  return [cmd, args]() -> int {
    if (!*cmd) return -1;
    Config config = load_project_config(args->directory, args->config);
    args->request.file = std::filesystem::absolute(args->file);
    ImportOutcome out = import_profile(config, args->request);
    const ImportedProfile& e = out.entry;
    std::cout << "imported " << e.file << " (" << e.kind << ", " << e.toolchain << ", weight " << e.weight << ", "
              << e.total_count << (e.format == "pprof" ? " samples" : " counts") << ") for " << args->request.target
              << "\n  stored as " << out.stored.string() << "\n  sha256 " << e.sha256 << "\n  " << out.imports
              << (out.imports == 1 ? " imported profile" : " imported profiles") << " of " << e.toolchain << " for "
              << args->request.target << "; `pgo build` merges them with the training, `pgo build --profile "
              << "imported` uses them alone\n";
    return 0;
  };
}

}  // namespace pgo::cli
