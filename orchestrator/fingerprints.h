// Fingerprint reuse between two `pgo build` runs (docs/architecture.md, "Reuse").
//
// .pgo/build/<toolchain>/fingerprints.json remembers what the last build trained and
// measured, keyed by its inputs. Training and merging are skipped when the instrumented
// binaries' content hashes, the training workloads and the profile format are unchanged and
// the merged profile it produced still exists; a workload's benchmark is skipped when both
// binaries' hashes, the workload and the bench settings are unchanged (its result is reused).
// Binary hashes stand in for "sources, flags and compiler": whatever changes the code changes
// the binary. The file is a cache: a missing or unreadable one only means "train again".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workloads/config.h"

namespace pgo::reuse {

// What training depends on.
struct TrainKey {
  std::string format, format_version;  // ProfileFormat name and version
  std::string workloads;               // workloads_fingerprint(config)
  std::map<std::string, std::string> instrumented;  // target -> SHA-256 of the instrumented binary
  bool operator==(const TrainKey&) const = default;
};

// What training and merging produced from it.
struct TrainRecord {
  TrainKey key;
  std::filesystem::path merged;  // the content-hash-named merged profile
  std::string merge_method;
  size_t raw_profiles = 0;
  std::vector<std::string> skipped;  // merge inputs left out
};

// One benchmarked workload: its key and the result as report.json writes it.
struct BenchRecord {
  std::string key;
  nlohmann::json result;
};

struct Fingerprints {
  // By training family: "" for the plain instrumented build, else the family's name ("lto",
  // "cs-lto"), so building several recipes keeps each family's training reusable.
  std::map<std::string, TrainRecord> train;
  std::map<std::string, BenchRecord> bench;  // workload name -> record
};

// Reads `file`; a missing, unreadable or malformed file (or another schema) gives an empty
// Fingerprints: the cache is then simply cold.
Fingerprints read_fingerprints(const std::filesystem::path& file);
// Writes atomically, "schema": "pgo-fingerprints/1".
void write_fingerprints(const std::filesystem::path& file, const Fingerprints& fingerprints);

// Empty when `previous` can be reused for `now`; otherwise why not, for the progress line
// ("instrumented calc changed", "first training", "merged profile ... is gone").
std::string train_reuse_blocker(const std::optional<TrainRecord>& previous, const TrainKey& now);

// SHA-256 of each binary (target -> hex).
std::map<std::string, std::string> hash_binaries(const std::map<std::string, std::filesystem::path>& bins);

// The key of one workload's benchmark: the baseline and optimized hashes of the targets,
// every field of the workload that affects its runs or checks (the stdin file by content),
// and the bench settings.
std::string bench_key(const Config& config, const WorkloadSpec& workload,
                      const std::map<std::string, std::string>& baseline_hashes,
                      const std::map<std::string, std::string>& optimized_hashes);

}  // namespace pgo::reuse
