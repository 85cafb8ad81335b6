// Profiles collected elsewhere (production), kept in the store beside the merged profiles
// (docs/production-profiles.md):
//
//   profiles/<target>/imports/<toolchain>.json                 the manifest ("schema": "pgo-imports/1")
//   profiles/<target>/imports/<toolchain>.<digest[:16]><ext>   each imported profile, named by its content
//
// This file is the store side and the pure rules (the `--profile` modes, the metadata's
// "parts"); orchestrator/import.h checks a file and adds it (`pgo import`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/profile_format.h"
#include "orchestrator/store.h"

namespace pgo {

// `pgo build --profile`: where a toolchain's profile comes from.
enum class ProfileMode {
  Trained,      // "trained" (default): the training, merged with the imported profiles when there are any
  TrainedOnly,  // "trained-only": the training alone; imports are left out
  Imported,     // "imported": the imported profiles alone; no instrumented build, no training
};
// "trained", "trained-only", "imported"; parse_profile_mode throws UsageError on another name.
const char* to_string(ProfileMode mode);
ProfileMode parse_profile_mode(const std::string& name);
const std::vector<std::string>& profile_mode_names();

struct ImportedProfile {
  std::string file;       // the file as given to `pgo import` (absolute)
  std::string sha256;     // of that file, as given
  std::string imported;   // when it was imported (ISO 8601, UTC): the age `pgo status` reports
  uint64_t weight = 1;    // its merge weight (training runs weigh their workload's weight)
  std::string toolchain;  // "go", "clang", "rust"
  std::string format;     // ProfileFormat::name(): "pprof", "llvm"
  std::string kind;       // what the file was: "pprof", "profraw", "profdata"
  std::string version;    // LLVM: the file's raw or indexed version; "" for pprof
  std::string stored;     // its file name in the imports directory (content-addressed)
  uint64_t total_count = 0;  // samples (Go) or counter sum (LLVM): to compare with the training's
  std::string collected;  // Go: when the profile says it was taken (its time_nanos); "" if unknown
};

nlohmann::json to_json(const ImportedProfile& p);

// profiles/<target>/imports/<toolchain>.json
std::filesystem::path imports_manifest(const ProfileStore& store, const std::string& target,
                                       const std::string& toolchain);
// The imports of `target` for `toolchain`, oldest first; none when there is no manifest. A
// damaged manifest, or one naming a file that is missing, is Error(kUsage) naming the file.
std::vector<ImportedProfile> read_imports(const ProfileStore& store, const std::string& target,
                                          const std::string& toolchain);
// The stored file of `p` (in the imports directory of `target`).
std::filesystem::path imported_file(const ProfileStore& store, const std::string& target, const ImportedProfile& p);

// Copies `prepared` (a checked profile) into the store under its content hash and records
// `entry` (whose `stored` is set here) in the manifest: after the others, or instead of them
// with `replace`; an import of the same stored content replaces its earlier entry. The file
// is written before the manifest, both atomically, so the manifest never names a missing
// file. Files no entry names any more are removed. Call with the StoreLock held.
// Returns the manifest's entries.
std::vector<ImportedProfile> add_import(const ProfileStore& store, const std::string& target,
                                        const std::filesystem::path& prepared, const std::string& extension,
                                        ImportedProfile entry, bool replace);

// The imports of a toolchain's build: those of every target built (one merged profile
// serves them all), each stored content once. `paths` gets their stored files, in order.
std::vector<ImportedProfile> imports_for_build(const ProfileStore& store, const std::vector<std::string>& targets,
                                               const std::string& toolchain, std::vector<WeightedInput>* inputs);

// The metadata's "parts": where the profile's data came from. `training` is the training
// part's source ("training", "reused training", "shards"; "" when it has none, as with
// `--profile imported`), made at `created`.
nlohmann::json profile_parts(const std::string& training, size_t raw_profiles, const std::string& created,
                             const std::vector<ImportedProfile>& imports);
// The time the profile's data is as old as: its oldest part's (an import's import time, the
// training's creation); the metadata's "created" when it records no parts.
std::string oldest_part_time(const nlohmann::json& metadata);
// The sha256 of each imported part of stored metadata, sorted; `--reuse` compares them with
// the imports of today.
std::vector<std::string> imported_part_digests(const nlohmann::json& metadata);
std::vector<std::string> import_digests(const std::vector<ImportedProfile>& imports);
// `pgo status`'s notes on a stored profile: the imported profiles it holds, and whether the
// store's imports of `target` differ from them (`pgo build` would merge those).
std::vector<std::string> import_notes(const ProfileStore& store, const std::string& target,
                                      const std::string& toolchain, const nlohmann::json& metadata);

}  // namespace pgo
