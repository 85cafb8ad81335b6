// What the last `pgo build` built, per toolchain: .pgo/build/<toolchain>/manifest.json
// ("schema": "pgo-build-manifest/1"). `pgo bench` reads it to find the baseline and optimized
// executables for every build system (CMake, Cargo, Go, command) and toolchain, instead of
// asking a build system's own files. Written atomically after the optimized build; removed
// when a build of that toolchain starts, so a failed build leaves no manifest that lies.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/build_system.h"

namespace pgo {

struct ManifestBuild {
  std::filesystem::path build_dir;
  std::map<std::string, std::filesystem::path> executables;  // target -> absolute path
  Flags flags;                                               // pgo's flags for this kind
  std::filesystem::path profile;                             // optimized: the merged profile used
  std::string profile_sha256;                                // its content hash (file, or tree for gcda)
};

struct BuildManifest {
  Toolchain toolchain;                          // name, compilers, profile format and version
  std::string build_system;                     // pgo.yaml build.system
  std::string created;                          // ISO 8601 UTC
  std::map<std::string, ManifestBuild> builds;  // "baseline", "optimized" -> what was built
};

inline constexpr const char* kBuildManifestSchema = "pgo-build-manifest/1";

// .pgo/build/<toolchain>/manifest.json, given .pgo/build/<toolchain>/baseline.
std::filesystem::path manifest_path(const std::filesystem::path& baseline_build_dir);

// One kind of build as the manifest records it.
ManifestBuild manifest_build(const std::filesystem::path& build_dir, const BuildResult& result, const Flags& flags,
                             const std::filesystem::path& profile = {});

void write_build_manifest(const std::filesystem::path& file, const BuildManifest& manifest);

// Throws pgo::Error(kUsage) for a missing file ("run `pgo build --toolchain T` first"), and
// for a file that is not JSON, has another schema, or a missing or wrongly typed field,
// naming the file and the field ("builds.optimized.executables.calc: expected a string").
BuildManifest read_build_manifest(const std::filesystem::path& file, const std::string& toolchain);

}  // namespace pgo
