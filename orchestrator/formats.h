// Chooses the ProfileFormat for a detected toolchain from the one compiler table
// (adapters/compiler_kinds.h): GCC -> gcda, Clang -> LLVM IR PGO, rustc -> LLVM through rustc,
// go -> pprof.
#pragma once

#include <filesystem>
#include <memory>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"
#include "workloads/process.h"

namespace pgo {

struct FormatContext {
  ProcessRunner& runner;
  std::filesystem::path instrumented_build_dir;  // where the instrumented objects are built
  std::filesystem::path profile_dir;             // compiled-in raw profile directory (GCC)
  bool links_threads = false;                    // atomic counter updates (GCC)
};

// Throws pgo::Error(kBuildFailure) for a compiler pgo has no profile format for.
std::unique_ptr<ProfileFormat> make_profile_format(const Toolchain& toolchain, const FormatContext& context);

}  // namespace pgo
