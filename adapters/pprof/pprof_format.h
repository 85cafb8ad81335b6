// PprofProfileFormat: Go's PGO, which consumes a CPU profile in pprof format
// (docs/adapters/go.md). There are no instrumentation flags: the instrumented build adds a
// profiling hook through `go build -overlay` (adapters/go/profile_hook.h), which writes one
// complete profile per process into the directory named by PGO_GO_CPUPROFILE.
//
// Weights: `go tool pprof -proto` sums samples and has no weight option, so an input of
// integer weight w is given to it w times (summing w copies is scaling by w). The merged
// sample total is checked against the weighted sum of the inputs' totals.
#pragma once

#include <filesystem>
#include <string>

#include "adapters/profile_format.h"
#include "workloads/process.h"

namespace pgo {

// Environment variable the hook reads: a directory; each process writes cpu-<pid>.pprof.
inline constexpr const char* kGoCpuProfileEnv = "PGO_GO_CPUPROFILE";
// Subdirectory of a training run directory that PGO_GO_CPUPROFILE points at.
inline constexpr const char* kGoProfileSubdir = "pprof";

class PprofProfileFormat : public ProfileFormat {
 public:
  // `go` runs `go tool pprof`; `runner` must outlive this object. `instrumented_dir`, when
  // given, is the instrumented build's directory, whose list of the main module's packages
  // (go_sources.h) tells the project's own functions from the rest in summaries.
  PprofProfileFormat(std::filesystem::path go, std::string go_version, ProcessRunner& runner,
                     std::filesystem::path instrumented_dir = {});

  std::string name() const override { return "pprof"; }
  std::string merged_extension() const override { return ".pprof"; }
  Flags instrument_flags(const BuildRequest& request) const override;  // -pgo=off
  Flags use_flags(const std::filesystem::path& merged, const BuildRequest& request) const override;  // -pgo=FILE
  Environment training_env(const std::filesystem::path& run_dir) const override;
  // <run_dir>/pprof if a process wrote a non-empty profile there; empty otherwise.
  std::filesystem::path collect(const std::filesystem::path& run_dir) const override;
  // Inputs are profile files or directories of them (every *.pprof inside, each with the
  // directory's weight). Each file is parsed first: bad ones (empty, truncated, not a CPU
  // profile) fail the merge under mode any, else are left out and listed in `skipped`;
  // no good file at all is an error in every mode. `jobs` is unused.
  MergeResult merge(const std::vector<WeightedInput>& inputs, const std::filesystem::path& out,
                    FailureMode mode, int jobs) const override;
  // functions: distinct functions; with counts: those with self samples; total: samples;
  // hottest: by self samples, the main module's functions first (without the package list:
  // those outside the standard library); warnings: fewer than kGoMinProfileSamples samples.
  ProfileSummary summarize(const std::filesystem::path& merged) const override;
  ProfileDiagnostics scan_build_output(std::string_view output) const override;
  std::string format_version(const Toolchain& toolchain) const override;
  // The Go function match (adapters/pprof/go_edge_match.h): the stored profile's call edges
  // against the functions of the sources the instrumented build compiled for its binaries
  // (the list GoBuildSystem writes into request.build_dir), found by pgo's Go source
  // analyzer. A corrupt stored profile, or one without start lines, throws pgo::Error
  // naming it; an analyzer that fails leaves the match unavailable, with a note.
  FunctionMatch match(const std::filesystem::path& stored, const BuildRequest& request,
                      const BuildResult& current) const override;

  // The argv of the merge for files already expanded and weighted (for tests and docs).
  std::vector<std::string> merge_command(const std::vector<WeightedInput>& files) const;

 private:
  std::filesystem::path go_;
  std::string go_version_;
  ProcessRunner& runner_;
  std::filesystem::path instrumented_dir_;
};

}  // namespace pgo
