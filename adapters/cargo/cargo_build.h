// CargoBuildSystem: builds a Cargo project for the host triple with pgo's rustflags added
// to the user's (rustflags.h), and reads where each binary landed from Cargo's JSON
// messages (cargo_messages.h). Workloads may also run test and bench binaries
// (${bin:<name>.test}, ${bin:<name>.bench}; cargo_targets.h). See docs/adapters/cargo.md.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/cargo/cargo_metadata.h"
#include "adapters/cargo/cargo_targets.h"
#include "adapters/cargo/rustc_info.h"
#include "workloads/config.h"
#include "workloads/process.h"

namespace pgo {

namespace cargo {
inline constexpr const char* kLogFileName = "pgo-build.log";
}

class CargoBuildSystem : public BuildSystem {
 public:
  // `runner` must outlive this object. Nothing runs until a method is called.
  CargoBuildSystem(const Config& config, const ToolchainSpec& toolchain, ProcessRunner& runner);

  // `rustc -vV` (run in the project, so rustup's toolchain file applies), the user's
  // rustflags as Cargo computes them, and the cc crate check.
  Toolchain detect(const std::filesystem::path& probe_dir) override;
  // cargo build --message-format=json --target <host> --profile <p> [-p] [--features] --bin ...
  // [--test <name>] [--bench <name>]
  // with CARGO_TARGET_DIR=request.build_dir and CARGO_ENCODED_RUSTFLAGS=user's + pgo's.
  BuildResult build(const BuildRequest& request) override;
  // The bin targets of the selected package(s), from `cargo metadata`, then the test and
  // bench binaries that workloads run.
  std::vector<std::string> executable_targets(const std::filesystem::path& probe_dir) override;
  // The test and bench binaries that workloads run (build.bins names bins only).
  std::vector<std::string> workload_only_targets(const std::filesystem::path& probe_dir) override;
  // Rust sources, manifests and lock files (dependency versions), and the C and C++ that build
  // scripts compile.
  bool is_source(const std::filesystem::path& relative) const override;

  // The cargo argv for `targets` (for tests and the docs); needs detect() first, and
  // executable_targets() for test and bench binaries.
  std::vector<std::string> build_command(const std::vector<std::string>& targets, int jobs) const;
  // The user's rustflags found by detect().
  const std::vector<std::string>& user_rustflags() const { return user_rustflags_; }

 private:
  const cargo::RustcInfo& rustc_info();
  const cargo::Metadata& metadata();
  // The test and bench targets that workloads run, found in the selected packages.
  const std::vector<cargo::HarnessTarget>& harness_targets();
  // Runs a short query in the source directory; its stdout, or pgo::BuildError.
  std::string tool_output(const std::string& what, const std::vector<std::string>& argv);
  // Warns when a build unit compiled the cc crate with a C compiler whose LLVM is not rustc's.
  void check_cc_crate(const std::vector<std::string>& built_packages);

  std::filesystem::path project_dir_;
  std::filesystem::path source_dir_;
  BuildSpec spec_;
  ToolchainSpec toolchain_;
  ProcessRunner& runner_;
  std::filesystem::path config_file_;
  std::set<std::string> workload_bins_;  // every ${bin:...} name of the workloads
  std::optional<std::vector<cargo::HarnessTarget>> harness_;
  std::optional<cargo::RustcInfo> rustc_;
  std::optional<cargo::Metadata> metadata_;
  std::optional<std::vector<std::string>> user_flags_probed_;
  std::vector<std::string> user_rustflags_;
  std::vector<std::string> warnings_;
  bool cc_checked_ = false;  // once per pgo run, not per build
};

}  // namespace pgo
