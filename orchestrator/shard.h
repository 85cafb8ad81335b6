// Sharded training (docs/ci.md, "Sharding"): `pgo train --shard K/N --out DIR` runs every
// N-th training run and leaves raw profiles plus a manifest in DIR/<toolchain>/;
// `pgo merge DIR...` checks that the shards' manifests agree and merges them all.
//
// The split is over the (workload, repeat) runs in pgo.yaml order: run i (0-based) goes to
// shard (i mod N) + 1. Round robin spreads each workload's repeats over the shards, and the
// same pgo.yaml always gives the same split on every machine.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/profile_format.h"

namespace pgo {

struct ShardSpec {
  int index = 1;  // K, 1-based
  int count = 1;  // N
  std::string label() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool operator==(const ShardSpec&) const = default;
};

// "K/N" with 1 <= K <= N. Throws UsageError ("--shard 3/2: K must be between 1 and N").
ShardSpec parse_shard(std::string_view text);

// Whether the run at `run_index` (0-based, in (workload, repeat) order) belongs to `shard`.
bool in_shard(size_t run_index, const ShardSpec& shard);

struct ShardRun {
  std::string workload;
  int repeat = 0;         // 0-based
  uint64_t weight = 1;    // merge weight
  std::string profile;    // raw profile (file or directory), relative to the manifest's directory
};

struct ShardManifest {
  std::string toolchain, compiler_id, compiler_version;
  std::string format, format_version;
  std::string workloads;                              // workloads_fingerprint
  std::map<std::string, std::string> instrumented;    // target -> SHA-256 of the instrumented binary
  ShardSpec shard;
  size_t total_runs = 0;                              // runs of all shards together
  std::vector<ShardRun> runs;                         // this shard's runs that left a profile
  std::vector<std::string> failures;                  // runs left out (--keep-going)
};

nlohmann::json manifest_to_json(const ShardManifest& manifest);  // "schema": "pgo-shard/1"
// Throws UsageError naming `file` when it is missing, unreadable or not a pgo-shard/1 manifest.
ShardManifest read_manifest(const std::filesystem::path& file);

// Throws UsageError unless the manifests come from the same instrumented build and training
// configuration (toolchain, compiler, format, workloads, binary hashes, N) and are exactly the
// shards 1..N, each once. Messages name the two files that differ and the field.
void check_manifests_agree(const std::vector<std::pair<std::filesystem::path, ShardManifest>>& manifests);

// The directory of `toolchain` in a shard directory: DIR/<toolchain>/ (manifest.json, runs/).
std::filesystem::path shard_toolchain_dir(const std::filesystem::path& dir, const std::string& toolchain);

// Writes `manifest` (filled in but for its runs and failures) for a finished shard: each
// profile of `profiles` (all under `tc_dir`) is matched to its run by directory.
// Returns the manifest's path, `tc_dir`/manifest.json.
std::filesystem::path write_shard_manifest(const std::filesystem::path& tc_dir, ShardManifest manifest,
                                           const std::vector<ShardRun>& runs, const std::vector<std::filesystem::path>& run_dirs,
                                           const std::vector<WeightedInput>& profiles);

// Reads DIR/<toolchain>/manifest.json of every directory, checks they agree, and returns
// the merge inputs of all shards (shard 1 first) with their weights. `agreed` gets the
// first manifest (its instrumented hashes are the shards' common ones).
std::vector<WeightedInput> load_shards(const std::vector<std::filesystem::path>& dirs, const std::string& toolchain,
                                       ShardManifest& agreed);

}  // namespace pgo
