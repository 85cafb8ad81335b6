// PostLinkOptimizer: a technique that rewrites linked executables with a profile of their own
// (BOLT: instrument the binary, run the training on it, merge the runs' profiles, rewrite).
// Its recording and merging are a ProfileRecorder's, so the pipeline's training and merge
// stages serve it exactly as they serve a compiler's PGO (orchestrator/post_link_stage.cc).
#pragma once

#include <filesystem>
#include <string>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"

namespace pgo {

struct PostLinkResult {
  std::filesystem::path binary;  // the rewritten executable
  size_t functions = 0;          // functions of the input binary
  size_t profiled_functions = 0; // of them, with a non-empty profile (BOLT's "N out of M")
};

class PostLinkOptimizer : public ProfileRecorder {
 public:
  // Link flags the executables it rewrites must be linked with (BOLT: -Wl,--emit-relocs);
  // the pipeline adds them to the optimized build's.
  virtual Flags link_flags() const = 0;
  // Writes an instrumented copy of `binary` to `out`, for the training runs.
  virtual void instrument(const std::filesystem::path& binary, const std::filesystem::path& out) const = 0;
  // Writes `binary` rewritten with the merged profile `profile` to `out`. Throws BuildError when
  // the tool fails or the profile covers no function of `binary`: never a silent fallback.
  virtual PostLinkResult optimize(const std::filesystem::path& binary, const std::filesystem::path& profile,
                                  const std::filesystem::path& out) const = 0;
  // How its profile is collected, for the report ("instrumentation", "perf sampling").
  virtual std::string profile_mode() const { return "instrumentation"; }
};

}  // namespace pgo
