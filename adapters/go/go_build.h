// GoBuildSystem: builds a Go module's main packages with `go build` (one per package, as
// -pgo applies to every main on a command line) and, for workloads that run
// ${bin:<name>.test}, a package's test binary with `go test -c`. See docs/adapters/go.md.
//
//   baseline      go build -pgo=off -o <build_dir>/<name> <pkg>
//   instrumented  go build -pgo=off -overlay <hook overlay> -ldflags=<user's> -checklinkname=0 ...
//   optimized     go build -pgo=<merged.pprof> ...; then `go version -m` must show that -pgo
// An instrumented build also lists the module sources it compiled (adapters/pprof/go_sources.h).
//
// The user's GOFLAGS stay in the environment; pgo's flags on the command line override
// the same flags there, except -ldflags and -overlay, which pgo extends with the user's.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/go/go_tool.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

class GoBuildSystem : public BuildSystem {
 public:
  // `runner` must outlive this object. Nothing runs until a method is called.
  GoBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner);

  // `go env GOVERSION GOROOT GOMOD GOFLAGS` in the source directory (which a go.mod
  // toolchain line may switch). Throws kUsage without a go.mod, kBuildFailure without go
  // or for Go older than 1.21. `probe_dir` is unused: Go needs no configure step.
  Toolchain detect(const std::filesystem::path& probe_dir) override;
  // Builds the requested targets (all of executable_targets() when none are named).
  // Optimized builds are checked with `go version -m`: a binary that does not record the
  // -pgo file it was given is a BuildError (except test binaries of non-main packages, whose
  // build info Go writes without -pgo).
  BuildResult build(const BuildRequest& request) override;
  // The main packages' binaries, plus "<name>.test" for each test binary a workload runs.
  // Throws kUsage for a build.packages entry that is not a main package, and for a
  // ${bin:X.test} that no package of the module has tests for.
  std::vector<std::string> executable_targets(const std::filesystem::path& probe_dir) override;
  // Go sources and the module files, which pin the dependencies; C and C++ for cgo.
  bool is_source(const std::filesystem::path& relative) const override;

  // The argv that builds `target` into `build_dir` with `flags` (for tests and docs).
  std::vector<std::string> build_command(const std::string& target, const std::filesystem::path& build_dir,
                                         BuildRole role, const std::vector<std::string>& flags, int jobs,
                                         const std::filesystem::path& overlay);

 private:
  struct Target {
    std::string import_path;
    std::string dir;
    std::string package_name;
    bool test = false;  // a `go test -c` binary
  };
  const std::map<std::string, Target>& targets();
  // Runs one go command in the source directory; appends to `log`; throws BuildError
  // naming the command, its status and its output tail.
  std::string run_go(const std::vector<std::string>& args, const std::filesystem::path& log_file, std::string& log,
                     const std::string& what);
  std::string capture_go(const std::vector<std::string>& args, const std::string& what);
  void verify_profile(const Artifact& artifact, std::string expected_pgo);
  static std::vector<std::string> with_profile_as_default_pgo(std::vector<std::string> flags,
                                                              const std::filesystem::path& build_dir);
  // Writes <build_dir>/pgo-go-sources.json: the main module's packages and files each of
  // `names` compiles (`go list -deps [-test]`), for the function match of `pgo status`.
  void write_sources(const std::filesystem::path& build_dir, const std::vector<std::string>& names);
  const std::filesystem::path& go();

  const Config& config_;
  ToolchainSpec toolchain_;
  ProcessRunner& runner_;
  std::filesystem::path source_dir_;
  std::optional<std::filesystem::path> go_;
  std::optional<std::map<std::string, Target>> targets_;
  std::string goversion_;
  std::vector<std::string> goflags_;  // the user's, split
};

}  // namespace pgo
