// An external llvm-profdata, for raw profiles whose version the linked LLVM cannot read
// (a raw reader accepts exactly one raw version). Its indexed output is also what the
// matching older compiler needs: an indexed profile written by LLVM 22 is too new for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/profile_format.h"
#include "support/failure_mode.h"

namespace pgo {

class ProcessRunner;

struct ProfdataTool {
  std::filesystem::path path;
  std::string llvm_version;  // "14.0.6", from `llvm-profdata merge --version`
  int llvm_major = 0;
  // "llvm-profdata-14 (LLVM 14.0.6)"; a generic name also shows its path.
  std::string label() const;
};

// Parses "LLVM version 14.0.6" out of a --version text.
std::optional<std::string> parse_llvm_version(std::string_view version_text);

// Candidate paths, in the order they are tried, for raw version `raw_version`:
// llvm-profdata-<major> (PATH) and /usr/lib/llvm-<major>/bin/llvm-profdata for each major
// that writes the version, newest first; then a plain llvm-profdata in PATH; then
// $(rustc --print sysroot)/lib/rustlib/*/bin/llvm-profdata (rustup's llvm-tools).
std::vector<std::filesystem::path> profdata_candidates(uint64_t raw_version, ProcessRunner& runner);

// The llvm-profdata at `path` and the LLVM release it reports; nullopt (and `why_not`) if
// it does not run or reports no version.
std::optional<ProfdataTool> probe_profdata_tool(const std::filesystem::path& path, ProcessRunner& runner,
                                                std::string* why_not = nullptr);

// The first candidate whose reported LLVM release writes `raw_version`; nullopt if none.
// `tried` (if given) receives "<path>: <why not>" for each rejected candidate.
std::optional<ProfdataTool> find_profdata_tool(uint64_t raw_version, ProcessRunner& runner,
                                               std::vector<std::string>* tried = nullptr);

// What to install for raw version `raw_version`: "llvm-17 (or llvm-16, llvm-15, llvm-14)".
std::string profdata_install_hint(uint64_t raw_version);

struct ToolMergeOutcome {
  std::vector<std::string> skipped;  // "<input>: <reason>" from the tool's warnings
  std::string output;                // the tool's stdout+stderr
};

// Runs `<tool> merge --failure-mode=any|all --num-threads=<jobs> --weighted-input=W,FILE...
// --output=<out>`. Throws Error (kWorkloadFailure when it names an input, else
// kBuildFailure) with the tool's command and output tail if it fails.
ToolMergeOutcome run_profdata_merge(const ProfdataTool& tool, const std::vector<WeightedInput>& inputs,
                                    const std::filesystem::path& out, FailureMode mode, int jobs,
                                    ProcessRunner& runner);

// A fresh path beside `target` (same file system, so a rename is atomic): ".<name>.<tag>.<pid>.<n>".
std::filesystem::path unique_sibling_path(const std::filesystem::path& target, std::string_view tag);

}  // namespace pgo
