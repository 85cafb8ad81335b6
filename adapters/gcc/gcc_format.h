// GccProfileFormat: GCC's .gcda profiles (GCC 12 and later); facts in docs/adapters/gcc.md.
//
// The instrumented build writes one .gcda per object under a fixed profile directory
// DIR, named after the object path relative to the build directory with '/' mangled to
// '#' (-fprofile-prefix-path). A training run is relocated into its own run directory
// with GCOV_PREFIX / GCOV_PREFIX_STRIP, so parallel runs never share a file. The merged
// profile is a directory with the same relative names, which the optimized build in
// another build directory finds through -fprofile-use=MERGED plus its own prefix path.
#pragma once

#include <filesystem>
#include <string>

#include "adapters/gcc/gcda.h"
#include "adapters/profile_format.h"
#include "workloads/process.h"

namespace pgo {

struct GccFormatOptions {
  // DIR of -fprofile-generate=DIR. Made absolute; must not change between the
  // instrumented build and its training runs (GCOV_PREFIX_STRIP counts its components).
  std::filesystem::path profile_dir;
  // The instrumented build directory, where -ftest-coverage leaves the .gcno notes.
  // merge() copies the matching notes into the merged profile so that summaries can name
  // functions; empty: functions are named "<gcda file>:<ident>".
  std::filesystem::path notes_dir;
  bool notes = true;            // add -ftest-coverage to the instrumented build
  bool atomic_updates = false;  // -fprofile-update=prefer-atomic: the target runs threads
  // The C compiler (for format_version when the Toolchain names none, and to pick the
  // matching gcov-tool: gcc-12 -> gcov-tool-12).
  std::filesystem::path compiler = "gcc";
  std::string gcov_tool;        // empty: gcov_tool_for(compiler)
};

class GccProfileFormat : public ProfileFormat {
 public:
  // `runner` runs gcov-tool and the compiler probe; it must outlive this object.
  GccProfileFormat(GccFormatOptions options, ProcessRunner& runner);

  std::string name() const override { return "gcda"; }
  std::string merged_extension() const override { return ".gcda.d"; }
  Flags instrument_flags(const BuildRequest& request) const override;
  Flags use_flags(const std::filesystem::path& merged, const BuildRequest& request) const override;
  Environment training_env(const std::filesystem::path& run_dir) const override;
  std::filesystem::path collect(const std::filesystem::path& run_dir) const override;
  // Inputs are run directories. Every .gcda is checked with parse_gcda first, and
  // gcov-tool sees only the bytes that passed. mode any: any bad file fails the merge;
  // all: a run with a bad file is left out, fail only if no run is left; warn: only the
  // bad files are left out. The result is built in a temporary directory beside `out`,
  // checked against the weighted sum of the inputs' arc counters, then swapped in.
  // `jobs` is unused: gcov-tool folds two directories at a time.
  MergeResult merge(const std::vector<WeightedInput>& inputs, const std::filesystem::path& out,
                    FailureMode mode, int jobs) const override;
  ProfileSummary summarize(const std::filesystem::path& merged) const override;
  ProfileDiagnostics scan_build_output(std::string_view output) const override;
  std::string missing_runtime(const std::filesystem::path& binary) const override;
  // The gcda version word as text ("B22*" for GCC 12.2), read from the .gcno a probe
  // compile writes; falls back to mapping toolchain.compiler_version.
  std::string format_version(const Toolchain& toolchain) const override;
  // The stored .gcda idents and cfg checksums against the .gcno notes in request.build_dir
  // (function_match.h).
  FunctionMatch match(const std::filesystem::path& stored, const BuildRequest& request,
                      const BuildResult& current) const override;

  const GccFormatOptions& options() const { return options_; }
  // GCOV_PREFIX_STRIP for a profile directory: its number of path components.
  static int strip_count(const std::filesystem::path& profile_dir);
  // gcov-tool matching a compiler: "gcc-12" -> "gcov-tool-12", beside it if it exists there.
  static std::string gcov_tool_for(const std::filesystem::path& compiler);
  // Where the .gcno for a merged/run-relative .gcda name lies under the build directory:
  // "CMakeFiles#app.dir#main.c.gcda" -> "CMakeFiles/app.dir/main.c.gcno".
  static std::filesystem::path notes_path_for(const std::filesystem::path& gcda_relative);

 private:
  std::string gcov_tool() const;
  // Runs gcov-tool with `args` in `work_dir`; returns its output (stdout and stderr), throws
  // BuildError with it on failure.
  std::string run_gcov_tool(const std::vector<std::string>& args, const std::filesystem::path& work_dir) const;
  void check_gcov_tool_version(uint32_t gcda_version, const std::filesystem::path& work_dir) const;

  GccFormatOptions options_;
  ProcessRunner& runner_;
};

}  // namespace pgo
