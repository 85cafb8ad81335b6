// BoltOptimizer: LLVM BOLT as a post-link stage, in instrumentation mode (this kind of machine
// often has no PMU for `perf record -b`): link with --emit-relocs, `llvm-bolt -instrument`,
// the training runs write .fdata files, `merge-fdata`, then `llvm-bolt -data=` with the layout
// options LLVM's BOLT documentation recommends. docs/recipes.md has the exact commands.
//
// BOLT's runtime writes to a path fixed when the binary is instrumented (no environment
// variable moves it), so the training runs one at a time and collect() moves each run's
// files out of that shared directory into the run's own.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/post_link.h"
#include "workloads/process.h"

namespace pgo {

struct BoltTools {
  std::filesystem::path bolt;         // llvm-bolt-22 or llvm-bolt
  std::filesystem::path merge_fdata;  // merge-fdata-22 or merge-fdata
};

// The BOLT tools on PATH or in /usr/lib/llvm-<N>/bin, newest first; throws BuildError
// naming the Debian package when they are missing.
BoltTools find_bolt_tools();

// "N out of M functions in the binary (x%) have non-empty execution profile" from llvm-bolt's
// output: {N, M}; nullopt when the line is absent.
std::optional<std::pair<size_t, size_t>> parse_profiled_functions(std::string_view bolt_output);

// The layout options of the optimizing llvm-bolt run (block reordering ext-tsp, function
// reordering, function splitting, ICF), after the input, output and profile.
std::vector<std::string> bolt_optimize_command(const BoltTools& tools, const std::filesystem::path& binary,
                                               const std::filesystem::path& profile,
                                               const std::filesystem::path& out);

class BoltOptimizer : public PostLinkOptimizer {
 public:
  // `compiler_id` picks the form of the link flag (rustc takes -Clink-arg=); the instrumented
  // binaries write into `shared_dir`; `runner` must outlive this object.
  BoltOptimizer(std::string compiler_id, std::filesystem::path shared_dir, ProcessRunner& runner,
                BoltTools tools = find_bolt_tools());

  std::string name() const override { return "bolt"; }
  std::string merged_extension() const override { return ".fdata"; }
  bool runs_concurrently() const override { return false; }
  Flags link_flags() const override;
  Environment training_env(const std::filesystem::path&) const override { return {}; }
  // Moves the .fdata files the run left in the shared directory to <run_dir>/bolt/; returns
  // that directory, or empty when the run wrote none.
  std::filesystem::path collect(const std::filesystem::path& run_dir) const override;
  // Every .fdata of each input directory, given `weight` times (merge-fdata only sums).
  MergeResult merge(const std::vector<WeightedInput>& inputs, const std::filesystem::path& out, FailureMode mode,
                    int jobs) const override;
  void instrument(const std::filesystem::path& binary, const std::filesystem::path& out) const override;
  PostLinkResult optimize(const std::filesystem::path& binary, const std::filesystem::path& profile,
                          const std::filesystem::path& out) const override;

 private:
  std::string compiler_id_;
  std::filesystem::path shared_dir_;
  ProcessRunner& runner_;
  BoltTools tools_;
};

}  // namespace pgo
