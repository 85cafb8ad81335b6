// CMakeBuildSystem: builds a CMake project with the Ninja generator, injecting pgo's flags
// through CMAKE_PROJECT_INCLUDE (flags_file.h) and reading targets, artifacts and
// compilers from the CMake File API (file_api.h). See docs/adapters/cmake.md.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/cmake/file_api.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

namespace cmake {

struct Compilers {
  std::filesystem::path cc;   // absolute
  std::filesystem::path cxx;  // absolute
};

// The toolchain's compilers: ToolchainSpec::cc/cxx when set, else gcc/g++ for "gcc" and
// clang-22/clang++-22 (or clang/clang++ when those are not on PATH) for "clang".
// Throws pgo::Error(kBuildFailure) naming the Debian package for a compiler not found,
// pgo::Error(kUsage) for another toolchain name without explicit compilers.
Compilers resolve_compilers(const ToolchainSpec& spec);

// Debian package that provides `program` ("g++-12" -> "g++-12", "clang++-22" -> "clang-22").
std::string debian_package_for(const std::string& program);

// File names inside a build directory.
inline constexpr const char* kLogFileName = "pgo-build.log";

}  // namespace cmake

class CMakeBuildSystem : public BuildSystem {
 public:
  // `runner` must outlive this object. Nothing runs until a method is called.
  CMakeBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner);

  // Configures the project in `probe_dir` (once per instance) and reports the compilers
  // from the toolchains-v1 reply. Throws kUsage if they are not the toolchain's kind.
  Toolchain detect(const std::filesystem::path& probe_dir) override;
  // Configures request.build_dir with request.flags, then builds the requested executable
  // targets (all of them when none are named). Unknown targets: pgo::Error(kUsage).
  BuildResult build(const BuildRequest& request) override;
  std::vector<std::string> executable_targets(const std::filesystem::path& probe_dir) override;
  // C and C++ sources and headers, CMakeLists.txt and .cmake modules.
  bool is_source(const std::filesystem::path& relative) const override;

  // The argv of the configure step for `build_dir` (for tests and for the docs).
  std::vector<std::string> configure_command(const std::filesystem::path& build_dir);
  const std::filesystem::path& source_dir() const { return source_dir_; }

 private:
  // Writes the queries and pgo-flags.cmake, runs the configure step, returns the reply.
  cmake::FileApiReply configure(const std::filesystem::path& build_dir, const Flags& flags,
                                std::string& log);
  const cmake::FileApiReply& probe(const std::filesystem::path& probe_dir);
  // Runs one step, appends its output to `log` and to <build_dir>/pgo-build.log; throws
  // pgo::Error(kBuildFailure) with the command, status and output tail if it fails.
  void run_step(const std::string& what, const std::vector<std::string>& argv,
                const std::filesystem::path& build_dir, std::string& log);
  const cmake::Compilers& compilers();

  std::filesystem::path project_dir_;
  std::filesystem::path source_dir_;
  std::string build_type_;
  std::vector<std::string> user_args_;        // configure_args without CMAKE_PROJECT_INCLUDE
  std::filesystem::path user_include_;        // theirs, absolute; empty if none
  ToolchainSpec toolchain_;
  ProcessRunner& runner_;
  std::optional<cmake::Compilers> compilers_;
  std::map<std::filesystem::path, cmake::FileApiReply> probes_;
};

}  // namespace pgo
