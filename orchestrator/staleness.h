// Staleness of a stored profile (docs/staleness.md): the pure comparisons behind
// `pgo status` — toolchain, flag and source drift against the stored metadata
// ("pgo-profile/1"), the verdict under the pgo.yaml thresholds, and the "pgo-status/1"
// JSON. Building the current code and reading the store is orchestrator/status.h.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/build_system.h"
#include "adapters/function_match.h"
#include "orchestrator/dependencies.h"
#include "workloads/config.h"

namespace pgo {

struct FileChange {
  std::string path;    // relative to the source root
  std::string change;  // "modified", "added", "removed"
  bool operator==(const FileChange&) const = default;
};

// `pgo status --cost` for one workload: the optimized binary built from the stored profile
// against one built from a profile trained now, interleaved by the bench engine.
struct WorkloadCost {
  std::string workload;
  double stored_median_s = 0;  // wall time with the stored profile
  double fresh_median_s = 0;   // with the freshly trained one
  double speedup = 0;          // stored / fresh: > 1 when the fresh profile is faster
  double ci_lo = 0, ci_hi = 0; // 95% bootstrap interval of the speedup
  double p_value = 1;
  std::string verdict;         // "faster" (fresh is faster), "slower", "no_change"
  int runs = 0;                // timed runs of each binary
  bool outputs_match = true;
  std::string failure;         // a run failed: which and how (then no verdict)
  std::string metric = "wall_time";  // or "instructions" (`--metric`): then the counts below
  std::string counter{};             // instructions: "perf", "cachegrind", "callgrind"
  double stored_instructions = 0, fresh_instructions = 0;  // median counts
};

// What staleness costs, measured (orchestrator/status_cost.h); absent without --cost.
struct StalenessCost {
  bool measured = false;
  std::string not_measured;          // why not, when !measured
  std::string note;                  // e.g. both profiles build the same binary
  std::vector<WorkloadCost> workloads;
  double geomean_speedup = 0;        // weighted by workload weight; 0 when nothing measured
  // With --metric both, one geometric mean per metric (geomean_speedup is the first's).
  std::map<std::string, double> geomean_by_metric;
};

// The headline of a measured cost in `metric` ("wall_time", "instructions"): the geometric
// mean when some workload's verdict is faster or slower; otherwise "no measurable difference"
// with the span of the workloads' 95% intervals, because a 0.970x over intervals of ±30%
// says nothing. Empty when no workload of that metric was measured.
std::string cost_headline(const StalenessCost& cost, const std::string& metric);

struct ProfileStatus {
  std::string target;
  std::string toolchain;
  std::filesystem::path profile;   // stored profile (empty when missing)
  std::filesystem::path metadata;  // its metadata file
  bool missing = false;            // no stored profile for a configured target
  bool skipped = false;            // not checked: its toolchain or target is not configured (notes say)
  std::string error;               // a store file is unreadable or corrupt: what and where
  std::string created;             // ISO 8601 UTC, from the metadata
  double age_days = 0;
  double speedup = 0;              // measured at creation; 0 when not benchmarked
  std::vector<std::string> toolchain_drift;
  std::vector<std::string> flag_drift;
  std::vector<DependencyDrift> dependency_drift;  // recorded module/crate versions that changed
  std::vector<FileChange> changed_files;
  std::optional<int> commits_since;  // when both then and now are in git
  std::optional<FunctionMatch> match;  // absent when not attempted (drift, error, missing)
  std::optional<StalenessCost> cost;   // `pgo status --cost` only
  // Verdict (judge()).
  bool stale = false;
  std::vector<std::string> reasons;
  std::vector<std::string> notes;  // informative, never make a profile stale
};

// Reads and checks a metadata file. Throws pgo::Error(kCheckFailed) naming the file for
// unreadable or malformed JSON, another schema, or a missing or mistyped key.
nlohmann::json read_profile_metadata(const std::filesystem::path& file);

// The recipe metadata read by read_profile_metadata records ("pgo" for metadata older than
// recipes).
std::string recorded_recipe_name(const nlohmann::json& metadata);

// "compiler version 12.2.0 -> 13.1.0" lines; empty when the toolchain that made the
// profile (metadata "toolchain" and "profile") is the current one.
std::vector<std::string> toolchain_drift(const nlohmann::json& metadata, const Toolchain& current);

// "build_type: Release -> Debug", "instrument compile flags: -O2 removed, -O3 added";
// empty when equal. Both sides have the shape of the metadata's "flags" object.
std::vector<std::string> flag_drift(const nlohmann::json& stored, const nlohmann::json& current);

// Files whose content hash changed, appeared or disappeared, sorted by path.
std::vector<FileChange> source_drift(const nlohmann::json& stored_files,
                                     const std::map<std::string, std::string>& current_files);

// Days from an ISO 8601 UTC stamp ("2025-01-31T12:00:00Z") to `now`; nullopt if malformed.
std::optional<double> age_in_days(const std::string& created, std::chrono::system_clock::time_point now);

// Below this share of the profile's weight compared, a verdict says it covers a small slice.
inline constexpr double kSmallComparedShare = 0.5;

// After the function match: the dependency drift between the stored and the current
// "dependencies" metadata (dependencies.h), the match's dependency entries weighed by it,
// and notes: drifted modules that hold none of the profile's weight, the Rust renaming
// (build system cargo: every change counts as holding profile), a match that compared
// nothing or only a small share of the profile's weight.
void apply_dependency_versions(ProfileStatus& status, const nlohmann::json& stored, const nlohmann::json& current,
                               const std::string& build_system);

// Sets stale and reasons from the facts: missing or unreadable, toolchain, flag or
// dependency drift (of a module holding profile weight), weighted match below the
// threshold (a match that compared nothing has none), older than max_age. Source drift alone and a
// format that cannot match yet are notes, not reasons.
void judge(ProfileStatus& status, const StalenessSpec& thresholds);

// {"schema": "pgo-status/1", "project", "thresholds", "stale", "profiles": [...]}.
nlohmann::json status_to_json(const std::vector<ProfileStatus>& statuses, const StalenessSpec& thresholds,
                              const std::filesystem::path& project);

}  // namespace pgo
