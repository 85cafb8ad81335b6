// `pgo build --reuse`: is the stored profile still good enough to build the optimized binary
// straight from it, skipping the instrumented build and training? Decided without building,
// with the staleness comparisons of orchestrator/staleness.h: the toolchain (compiler and
// profile format), the codegen flags, the training workloads and every source file must be
// as they were, and the profile not older than staleness.max_age. Any changed source file
// makes it stale here, unlike `pgo status`, which builds the code and can tell a harmless
// edit from a changed hot function; regenerating is the safe side for a build.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"
#include "orchestrator/store.h"
#include "workloads/config.h"

namespace pgo {

struct StoredProfileCheck {
  bool fresh = false;
  std::vector<std::string> reasons;  // why it is stale; empty when fresh
  std::filesystem::path profile;     // the stored profile to build from (when fresh)
  std::string created;               // its metadata's creation stamp
};

// Checks the stored profiles of every target in `targets` for `current` (whose name,
// compiler, profile_format and profile_version are set); `current_flags` has the shape of
// the metadata's "flags" (flags_metadata). Missing or corrupt store files make it stale: the
// metadata must read back (read_profile_metadata) and the profile must read back through
// `format` (summarize(), as `pgo status` reads it through match()), hold functions, and have
// the total count its metadata recorded (a tree that lost files, or another profile).
StoredProfileCheck check_stored_profile(const Config& config, const ProfileStore& store,
                                        const std::vector<std::string>& targets, const Toolchain& current,
                                        const ProfileFormat& format, const nlohmann::json& current_flags,
                                        const SourceFilter& is_source);

// Content digest of a merged profile: SHA-256 of a file, or of a directory's (relative path,
// file digest) pairs. Merged profiles are named profile-<digest[:16]><ext> after it.
std::string profile_digest(const std::filesystem::path& profile);

// Copies the stored profile into `merged_dir` under its content-hash name (unless that file
// is already there, as after the build that stored it) and returns that path: the optimized
// build then sees the same -fprofile-use path as before and rebuilds nothing.
std::filesystem::path materialize_profile(const std::filesystem::path& stored, const std::filesystem::path& merged_dir,
                                          const std::string& extension);

}  // namespace pgo
