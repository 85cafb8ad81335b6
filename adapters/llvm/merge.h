// Merging LLVM raw profiles into one indexed .profdata.
//
// Inputs whose raw version the linked LLVM reads (and indexed profiles, which stay
// readable) are merged in process with LLVM's ProfileData library, spread over `jobs`
// threads. Inputs of another raw version go to the llvm-profdata of a release that writes
// that version (profdata_tool.h), whose output the matching compiler can read.
// The output appears atomically (temporary file, fsync, rename) or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/profile_format.h"
#include "support/failure_mode.h"

namespace pgo {

class ProcessRunner;
struct ProfdataTool;

struct LlvmMergeOptions {
  FailureMode mode = FailureMode::Any;
  int jobs = 1;                          // threads for the in-process merge; <= 0: all cores
  ProcessRunner* runner = nullptr;       // runs external tools; nullptr: a SystemProcessRunner
  std::vector<std::string>* warnings = nullptr;  // record-level warnings (counter mismatch, overflow)
  // Merge with this llvm-profdata instead of deciding by raw version (a compiler whose
  // LLVM release differs from the linked one needs its own tool's indexed output: rustc).
  const ProfdataTool* tool = nullptr;
};

// Merges `inputs` into the indexed profile `out`. An input may be a .profraw file, an
// indexed .profdata, or a directory (every *.profraw inside, each with the input's weight).
// Bad inputs (empty, truncated, corrupt, unreadable) are handled per `mode`:
//   Any  -> throw Error(kWorkloadFailure) naming the first bad file and why;
//   All  -> throw only if no input is usable; the others land in MergeResult::skipped;
//   Warn -> skip bad inputs (listed in skipped); throw only if nothing is left to merge.
// A weight of 0 is a usage error. Raw inputs of different raw versions cannot be merged
// together (they come from different compilers): Error(kBuildFailure). No matching
// external llvm-profdata for a foreign raw version: Error(kBuildFailure) naming the
// version, the LLVM releases that write it and the package to install.
MergeResult merge_llvm_profiles(const std::vector<WeightedInput>& inputs,
                                const std::filesystem::path& out, FailureMode mode, int jobs);
MergeResult merge_llvm_profiles(const std::vector<WeightedInput>& inputs,
                                const std::filesystem::path& out, const LlvmMergeOptions& options);

// "in-process LLVM 22.1.8"
std::string in_process_merge_method();

}  // namespace pgo
