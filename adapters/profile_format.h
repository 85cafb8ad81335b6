// ProfileRecorder: how a training run records a profile and how the runs' profiles merge —
// what the training and merge stages need, shared by a compiler's PGO and a post-link
// optimizer (adapters/post_link.h).
// ProfileFormat: a ProfileRecorder plus how a compiler's PGO works — the flags that instrument
// and consume a profile, how to read a merged profile back, which warnings mean a stale one.
// Implementations: ClangProfileFormat and RustProfileFormat (adapters/llvm), GccProfileFormat
// (adapters/gcc), PprofProfileFormat (adapters/pprof, Go); orchestrator/formats.cc picks one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/function_match.h"
#include "support/failure_mode.h"

namespace pgo {

using Environment = std::map<std::string, std::string>;

struct WeightedInput {
  std::filesystem::path path;  // a raw profile file (LLVM) or a run directory (GCC)
  uint64_t weight = 1;
};

struct MergeResult {
  std::filesystem::path output;
  size_t inputs_merged = 0;
  std::vector<std::string> skipped;  // "<path>: <reason>" for inputs left out
  std::string method;                // "in-process LLVM 22", "llvm-profdata-14", "gcov-tool"
};

struct FunctionCount {
  std::string name;
  uint64_t count = 0;  // entry count (LLVM) or sum of arc counters (GCC)
};

struct ProfileSummary {
  size_t functions = 0;
  size_t functions_with_counts = 0;
  uint64_t total_count = 0;
  // Context-sensitive records (LLVM CS-PGO), left out of the counts above: each repeats a
  // function of `functions` as counted after inlining.
  size_t context_sensitive_functions = 0;
  std::vector<FunctionCount> hottest;  // at most 10, hottest first (Go: the project's own first)
  std::vector<std::string> warnings;   // the format's doubts about the profile (Go: too few samples)
};

// What the optimized build's compiler said about the profile.
struct ProfileDiagnostics {
  size_t mismatch_warnings = 0;  // profile does not match the code (hash / checksum)
  size_t missing_warnings = 0;   // functions or files with no profile data
  std::vector<std::string> examples;  // a few of the warning lines, for the report
};

class ProfileRecorder {
 public:
  virtual ~ProfileRecorder() = default;
  virtual std::string name() const = 0;              // "llvm", "gcda", "pprof"
  virtual std::string merged_extension() const = 0;  // ".profdata", ".gcda.d"
  // Environment for a training run whose raw profile(s) must land under `run_dir`.
  virtual Environment training_env(const std::filesystem::path& run_dir) const = 0;
  // The command a training run executes for the workload's `argv`: the default runs it as it
  // is; a sampling technique wraps it (e.g. under `perf record -o <run_dir>/...`).
  virtual std::vector<std::string> training_command(const std::vector<std::string>& argv,
                                                    const std::filesystem::path& run_dir) const {
    (void)run_dir;
    return argv;
  }
  // Whether training runs may overlap. A recorder whose runs all write to one place fixed
  // in the binary (BOLT's instrumentation) says no, and its runs go one at a time.
  virtual bool runs_concurrently() const { return true; }
  // The raw profile a finished run left in `run_dir`; empty path if it wrote none.
  virtual std::filesystem::path collect(const std::filesystem::path& run_dir) const = 0;
  // Why the instrumented `binary` could not write a profile, when it visibly lacks this
  // recorder's runtime (a build that ignored pgo's flags); "" when it has it or nothing can be
  // told. Said when a training run of one of the project's binaries exits 0 with no profile.
  virtual std::string missing_runtime(const std::filesystem::path& binary) const {
    (void)binary;
    return "";
  }
  // Merges weighted raw profiles into `out`; throws pgo::Error under the failure mode.
  virtual MergeResult merge(const std::vector<WeightedInput>& inputs, const std::filesystem::path& out,
                            FailureMode mode, int jobs) const = 0;
};

class ProfileFormat : public ProfileRecorder {
 public:
  virtual Flags instrument_flags(const BuildRequest& request) const = 0;
  virtual Flags use_flags(const std::filesystem::path& merged, const BuildRequest& request) const = 0;
  // Context-sensitive PGO: the flags of a second instrumented build that uses the stage-1
  // merged profile `stage1_profile` and records counts again after inlining. Its raw
  // profiles land where training_env says; merge() takes them together with
  // `stage1_profile`, and use_flags(<that merge>) builds the optimized binary.
  // nullopt (the default): the format has no context-sensitive PGO.
  virtual std::optional<Flags> context_sensitive_flags(const std::filesystem::path& stage1_profile,
                                                       const BuildRequest& request) const {
    (void)stage1_profile, (void)request;
    return std::nullopt;
  }
  virtual ProfileSummary summarize(const std::filesystem::path& merged) const = 0;
  virtual ProfileDiagnostics scan_build_output(std::string_view output) const = 0;
  // Raw/merged profile format version this toolchain writes (for metadata and staleness).
  virtual std::string format_version(const Toolchain& toolchain) const = 0;
  // Staleness (`pgo status`): which functions of the stored merged profile `stored` still
  // match the current code, read from an instrumented build of it (`request` as built,
  // `current` its result) without running it. Throws pgo::Error naming a corrupt file.
  // The default says the format cannot match yet.
  virtual FunctionMatch match(const std::filesystem::path& stored, const BuildRequest& request,
                              const BuildResult& current) const {
    (void)stored, (void)request, (void)current;
    FunctionMatch m;
    m.note = "function matching is not implemented for the " + name() + " profile format yet";
    return m;
  }
  // How many of the instrumented `binary`'s own functions have a non-zero count in the merged
  // profile `merged` (for the "training never ran this target" warning); nullopt when the
  // format cannot attribute counts to one binary (the default).
  virtual std::optional<size_t> functions_with_counts_in(const std::filesystem::path& merged,
                                                         const std::filesystem::path& binary) const {
    (void)merged, (void)binary;
    return std::nullopt;
  }
};

}  // namespace pgo
