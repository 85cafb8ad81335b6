// CommandBuildSystem: `build.system: command` — a project built by make, autotools, Meson
// or any other command. pgo runs the user's `configure` (optional) and `build` commands in
// a build tree per toolchain and kind, hands the compilers and its flags over through
// CC/CXX/CFLAGS/CXXFLAGS/LDFLAGS and ${...} placeholders (command_env.h), and takes the
// executables from the paths `artifacts` names. See docs/adapters/command.md.
//
// Build tree: <request.build_dir>/tree. With copy_source it starts as a fresh copy of
// source_dir (source_tree.h); without, it starts empty and the commands get the sources
// through ${source_dir}. Either way the tree, configure step included, is rebuilt from
// scratch whenever anything the build depends on changed (sources in a copy, commands,
// flags, compilers), because make does not notice changed CFLAGS; otherwise the build
// command runs again in the kept tree (a no-op for an up-to-date make).
#pragma once

#include <filesystem>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/cmake/cmake_build.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

namespace command {
inline constexpr const char* kTreeName = "tree";              // <build_dir>/tree
inline constexpr const char* kLogFileName = "pgo-build.log";  // <build_dir>/pgo-build.log
inline constexpr const char* kStampName = "pgo-command.stamp";  // fingerprint of the last setup

// CFLAGS, CXXFLAGS and LDFLAGS of pgo's own environment (the user's values).
std::map<std::string, std::string> user_flag_environment();

// The ELF executables under `tree` (paths relative to it, sorted; scripts and .git left
// out), at most `limit` of them.
std::vector<std::string> elf_executables_in(const std::filesystem::path& tree, size_t limit = SIZE_MAX);
}  // namespace command

class CommandBuildSystem : public BuildSystem {
 public:
  // `runner` must outlive this object. `user_env` holds the user's CFLAGS, CXXFLAGS and
  // LDFLAGS (by default, read from pgo's environment). Nothing runs until a method is called.
  CommandBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner,
                     std::map<std::string, std::string> user_env = command::user_flag_environment());

  // Identifies the toolchain's C and C++ compilers from their predefined macros. Throws
  // kUsage if they are not the toolchain's kind (or not of one kind).
  Toolchain detect(const std::filesystem::path& probe_dir) override;
  // Sets up the tree if needed (copy, configure), runs the build command, checks that every
  // requested artifact exists. Failing commands: pgo::Error(kBuildFailure) with the
  // command, its exit status and its output tail; a missing artifact: the same, listing the
  // executables the tree holds.
  BuildResult build(const BuildRequest& request) override;
  // The targets of `artifacts` in pgo.yaml.
  std::vector<std::string> executable_targets(const std::filesystem::path& probe_dir) override;
  // C and C++ sources and headers, and make, autotools and Meson build descriptions.
  bool is_source(const std::filesystem::path& relative) const override;

  // The expanded configure (empty if none) and build argv for a build directory and flags.
  std::vector<std::string> configure_command(const std::filesystem::path& build_dir, const Flags& flags, int jobs);
  std::vector<std::string> build_command(const std::filesystem::path& build_dir, const Flags& flags, int jobs);
  // The environment variables the commands get on top of pgo's own.
  std::map<std::string, std::string> variables(const Flags& flags);

 private:
  struct Step {
    std::string what;
    std::vector<std::string> argv;
  };
  const cmake::Compilers& compilers();
  std::vector<std::string> expand(const CommandLine& command, const std::string& key,
                                  const std::filesystem::path& build_dir, const Flags& flags, int jobs);
  void run_step(const Step& step, const std::filesystem::path& tree, const std::filesystem::path& build_dir,
                const std::map<std::string, std::string>& env, std::string& log);
  std::string setup_fingerprint(const std::vector<std::string>& configure, const std::vector<std::string>& build,
                                const std::map<std::string, std::string>& env);
  [[noreturn]] void missing_artifact(const std::string& target, const std::filesystem::path& path,
                                     const std::filesystem::path& tree, const std::filesystem::path& build_dir);

  std::filesystem::path config_file_;
  std::filesystem::path project_dir_;
  std::filesystem::path source_dir_;
  std::filesystem::path store_dir_;
  BuildSpec spec_;
  ToolchainSpec toolchain_;
  ProcessRunner& runner_;
  std::map<std::string, std::string> user_env_;
  std::optional<cmake::Compilers> compilers_;
};

}  // namespace pgo
