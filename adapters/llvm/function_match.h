// LLVM function matching for `pgo status`: the names and structural hashes of the
// functions in an instrumented binary (its __llvm_prf_data and __llvm_prf_names sections,
// read with LLVM's Object library; nothing runs), compared with a stored indexed profile.
// Works for any binary instrumented by the linked LLVM's raw profile layout: Clang, and
// rustc built on the same LLVM.
#pragma once

#include <filesystem>
#include <vector>

#include "adapters/function_match.h"

namespace pgo {

// Every instrumented function of `binary`: key = MD5 of its PGO name (hex), checksum =
// its structural hash, name from __llvm_prf_names when present. Throws Error(kBuildFailure)
// naming the binary if it is not an object file, has no profile data section, or uses
// another raw layout than the linked LLVM.
std::vector<CurrentFunction> read_instrumented_functions(const std::filesystem::path& binary);

// The stored profile's non-context-sensitive records as ProfiledFunction (key = MD5 of the
// name, count = sum of its counters). Throws Error naming the file when it is unreadable.
std::vector<ProfiledFunction> read_profiled_functions(const std::filesystem::path& profdata);

// True when `binary` is an object file with an LLVM profile data section. Never throws.
bool has_instrumented_functions(const std::filesystem::path& binary);

// compare_functions over the union of the binaries' functions: every executable, and the
// libraries that carry profile data (a library without it, e.g. one the project copies
// in prebuilt, holds no function of the profile).
FunctionMatch match_llvm_profile(const std::filesystem::path& profdata,
                                 const std::vector<std::filesystem::path>& executables,
                                 const std::vector<std::filesystem::path>& libraries = {});

}  // namespace pgo
