// The metadata stored beside each profile ("schema": "pgo-profile/1"): everything `pgo
// status` needs to judge later whether the profile still fits the project.
#pragma once

#include <nlohmann/json.hpp>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"
#include "orchestrator/store.h"
#include "workloads/config.h"

namespace pgo {

struct MetadataInputs {
  const Config& config;
  const Toolchain& toolchain;
  const std::string& target;
  const MergeResult& merge;
  const ProfileSummary& summary;
  const Flags& instrument_flags;
  const Flags& use_flags;
  double speedup;  // weighted geometric mean over the benchmarked workloads; 0 if none
  const SourceFilter& is_source;  // which files' hashes go into "sources" (BuildSystem::is_source)
  const std::string& recipe;      // "pgo", "pgo+lto", ...: `pgo status` adds the same flags
  // Where the profile's data came from (orchestrator/imports.h, profile_parts): the
  // training and each imported profile.
  const nlohmann::json& parts;
};

nlohmann::json profile_metadata(const MetadataInputs& in);

// The metadata's "flags" object: build type, configure args, the codegen environment
// variables that are set (CFLAGS, RUSTFLAGS, GOFLAGS, ...; per build system), Cargo's profile
// and features, and the instrument and use flags with `profile` (the merged profile's path)
// shown as "<profile>". `pgo status` builds the same object for the current configuration
// to detect flag drift.
nlohmann::json flags_metadata(const Config& config, const Flags& instrument, const Flags& use,
                              const std::filesystem::path& profile);

// Fingerprint of what training ran: every trained workload's command, env, input and weight.
std::string workloads_fingerprint(const Config& config);

}  // namespace pgo
