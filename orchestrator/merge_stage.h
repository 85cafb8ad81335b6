// The merge stage shared by `pgo build`, `pgo merge` and `pgo status --cost`: raw profiles
// merged into a file named by its content hash, so that an unchanged profile leaves the
// optimized build's flags, and so its objects and Go's build cache, untouched.
#pragma once

#include <filesystem>
#include <vector>

#include "adapters/profile_format.h"
#include "workloads/config.h"

namespace pgo {

// Merges `inputs` into <dir>/profile-<digest[:16]><ext> (see profile_digest). Leftovers of an
// interrupted merge in `dir` are removed first; a failed merge leaves no output behind.
// Throws what the format's merge throws.
MergeResult merge_named_by_digest(const ProfileRecorder& format, const std::vector<WeightedInput>& inputs,
                                  const std::filesystem::path& dir, FailureMode mode, int jobs);

}  // namespace pgo
