// `pgo export`: the stored profiles where each ecosystem's own build reads them, so a
// release can be built without pgo (docs/ci.md, "Shipping the result"):
//   Go: the profile as default.pgo in its main package's directory, where `go build`
//       (-pgo=auto, the default) takes it;
//   LLVM (clang, rustc) and GCC: a copy under an output directory, with the flags that use
//       it, taken from the profile's metadata (the flags pgo's optimized build used).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "workloads/config.h"

namespace pgo {

struct ProfileExportOptions {
  std::vector<std::string> toolchains;  // empty: every toolchain of pgo.yaml
  std::filesystem::path out;            // LLVM and GCC copies; empty: <project>/pgo-profiles
};

struct ExportedProfile {
  std::string target, toolchain;
  std::filesystem::path path;  // where the copy is
  std::string use;             // how a build uses it: flags, or what Go does with it
};

// Exports every stored profile of the selected toolchains. A stored profile that cannot be
// exported (a Go test binary's) is listed with `path` empty and `use` saying why. Throws
// pgo::Error(kUsage) when the store holds no profile of them.
std::vector<ExportedProfile> export_profiles(const Config& config, const ProfileExportOptions& options);

}  // namespace pgo
