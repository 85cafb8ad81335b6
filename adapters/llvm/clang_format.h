// Clang IR PGO as a ProfileFormat: -fprofile-generate / -fprofile-use, raw profiles
// named %m_%p under the run directory, merged with LLVM's ProfileData (merge.h), read
// back with summary.h, and the optimized build's profile warnings counted.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"

namespace pgo {

class ProcessRunner;

class ClangProfileFormat : public ProfileFormat {
 public:
  // `toolchain` selects version-specific flags (LLVM 14 spells one option differently)
  // and the format version; `runner` runs the llvm-profdata fallback (nullptr: the
  // system runner). The runner must outlive this object.
  explicit ClangProfileFormat(Toolchain toolchain = {}, ProcessRunner* runner = nullptr);

  std::string name() const override { return "llvm"; }
  std::string merged_extension() const override { return ".profdata"; }
  // -fprofile-generate, for compile and link.
  Flags instrument_flags(const BuildRequest& request) const override;
  // -fprofile-use=<merged>, and the options that make clang report every stale or missing
  // function as a warning (never an error, even under -Werror). The link line gets only
  // -fprofile-use (the -mllvm options draw "argument unused" warnings there): the
  // link-time optimizer of an LTO build reads the profile from it, CS records included.
  Flags use_flags(const std::filesystem::path& merged, const BuildRequest& request) const override;
  // The CS-PGO instrumented build: use_flags(stage1_profile) plus -fcs-profile-generate on
  // compile and link. The link needs it too: it pulls in the profile runtime (without it the
  // binary runs but writes nothing) and, under ThinLTO, instruments in the LTO backend.
  // The raw profiles follow LLVM_PROFILE_FILE like stage 1's (training_env).
  std::optional<Flags> context_sensitive_flags(const std::filesystem::path& stage1_profile,
                                               const BuildRequest& request) const override;
  // LLVM_PROFILE_FILE=<run_dir>/%m_%p.profraw: one file per binary and process.
  Environment training_env(const std::filesystem::path& run_dir) const override;
  // The single .profraw in run_dir; run_dir itself when the run left several (merge
  // accepts a directory and takes every .profraw in it); empty if it left none.
  std::filesystem::path collect(const std::filesystem::path& run_dir) const override;
  // Every .profraw file in run_dir, sorted.
  std::vector<std::filesystem::path> collect_all(const std::filesystem::path& run_dir) const;
  MergeResult merge(const std::vector<WeightedInput>& inputs, const std::filesystem::path& out,
                    FailureMode mode, int jobs) const override;
  ProfileSummary summarize(const std::filesystem::path& merged) const override;
  ProfileDiagnostics scan_build_output(std::string_view output) const override;
  std::string missing_runtime(const std::filesystem::path& binary) const override;
  // The raw profile version: toolchain.profile_version if set, else derived from the
  // clang major version ("22" -> "10"); empty if unknown.
  std::string format_version(const Toolchain& toolchain) const override;
  // Names and structural hashes of every built artifact's __llvm_prf_data against the
  // stored profile's records (function_match.h).
  FunctionMatch match(const std::filesystem::path& stored, const BuildRequest& request,
                      const BuildResult& current) const override;

  // The binary's __llvm_prf_data functions whose records in `merged` have a non-zero count.
  std::optional<size_t> functions_with_counts_in(const std::filesystem::path& merged,
                                                 const std::filesystem::path& binary) const override;

  // Warning texts of clang's IR PGO (checked against clang 14 and 22).
  static const std::vector<std::string_view>& mismatch_texts();
  static const std::vector<std::string_view>& missing_texts();

 private:
  Toolchain toolchain_;
  ProcessRunner* runner_;
};

// The clang major version in "22.1.8" (or "Debian clang version 22.1.8"); 0 if none.
int clang_major_version(std::string_view compiler_version);

}  // namespace pgo
