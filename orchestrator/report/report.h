// The report of one `pgo build`: what was built, how the profile looks, what was measured.
// One model, several renderings (json.cc, terminal.cc), as hyperfine's export/ does.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"

namespace pgo {

struct StageTiming {
  std::string name;       // "build:baseline", "train", "merge", ...
  std::string toolchain;  // empty for whole-run stages
  double seconds = 0;
};

struct BinaryStats {
  int runs = 0;
  double median_s = 0, mad_s = 0, min_s = 0, max_s = 0, mean_s = 0, p05_s = 0, p95_s = 0;
  double cpu_median_s = 0;
  long max_rss_kb = 0;
  int outliers = 0;
  std::vector<double> samples_s;
};

struct WorkloadResult {
  std::string toolchain, target, workload;
  double weight = 1;
  std::string metric = "wall_time";
  BinaryStats baseline, optimized;
  double speedup = 0, ci_lo = 0, ci_hi = 0, p_value = 1;
  std::string verdict;       // faster | slower | no_change
  std::string stop_reason;   // ci_target | max_runs | time_budget
  bool outputs_match = true;
  std::string output_mismatch;  // why they differ, when they do
};

struct ProfileReport {
  std::string toolchain, target;
  ProfileSummary summary;
  ProfileDiagnostics diagnostics;
  std::string merge_method;
  size_t raw_profiles = 0;
  std::vector<std::string> skipped_inputs;
  std::filesystem::path stored_at;
  bool binary_differs = true;  // optimized binary is not byte-identical to the baseline
};

struct TrainingFailure {
  std::string toolchain, workload, command, status, stderr_tail;
};

struct Report {
  std::string created;   // ISO 8601 UTC
  std::string pgo_version;
  std::filesystem::path project;
  std::vector<Toolchain> toolchains;
  std::vector<StageTiming> stages;
  std::vector<ProfileReport> profiles;
  std::vector<WorkloadResult> results;
  std::vector<TrainingFailure> training_failures;  // only with --keep-going
  std::vector<std::string> warnings;

  // Weighted geometric mean of the speedups of one toolchain (0 if it has no results).
  double geomean_speedup(const std::string& toolchain) const;
  bool all_outputs_match() const;
};

std::string now_iso8601();

}  // namespace pgo
