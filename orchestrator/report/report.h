// The report of one `pgo build`: what was built, how the profile looks, what was measured.
// One model, several renderings (json, terminal, markdown, html + svg, bencher, github_benchmark;
// exports.cc writes them all), as hyperfine's export/ does.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/build_system.h"
#include "adapters/profile_format.h"
#include "orchestrator/bench/instructions.h"
#include "orchestrator/bench/runner.h"

namespace pgo {

struct StageTiming {
  std::string name;       // "build:baseline", "train", "merge", ...
  std::string toolchain;  // empty for whole-run stages
  double seconds = 0;
  bool reused = false;    // skipped: its result was reused (orchestrator/fingerprints.h)
};

struct WorkloadResult {
  std::string toolchain, target, workload;
  double weight = 1;
  std::string metric = "wall_time";  // bench::metric_name: "wall_time" or "instructions"
  std::string unit = "s";            // bench::metric_unit: "s" or "instructions"
  // The speedup, its CI, p, verdict and outputs for every metric; the per-binary time
  // statistics (bench.baseline/optimized) only for wall time, where `counts` has runs only.
  bench::BenchResult bench{};
  // metric "instructions": the counter ("perf", "cachegrind", "callgrind"), each binary's
  // counts, and the environment pgo set for counting (Go: GOGC=off, ...).
  std::string counter{};
  bench::InstructionStats baseline_counts{}, optimized_counts{};
  std::vector<std::string> counting_env{};
  std::string note{};   // e.g. "min_runs 10 cut to 4 by time_budget 15s"
  bool reused = false;  // taken from the previous build: same binaries, workload and settings
  // metric "wall_time" measured by the workload's own figure (pgo.yaml metric:) rather than
  // the clock: `unit` is the figure's name, and the time statistics hold the figure (lower
  // is better) or 1/figure (higher is better), so speedups read as for times.
  bool figure = false;
  bool figure_higher = true;
  bool is_instructions() const { return metric == "instructions"; }
  // A binary's median ± MAD in the result's terms: a time, or the figure
  // ("14523 requests/s ± 312"; with higher-is-better the MAD by the delta method).
  std::string median_text(const bench::BinaryStats& b) const;
  double figure_value(double sample) const { return figure_higher && sample > 0 ? 1 / sample : sample; }
  // "wall time" or "instructions (cachegrind)": what a reader needs next to the numbers.
  std::string metric_label() const;
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
  // Where the profile came from: "trained", "reused" (fingerprints unchanged), "stored"
  // (`pgo build --reuse` found the stored profile fresh) or "shards" (`pgo merge`), and why.
  std::string source = "trained";
  std::string source_reason;
  // One line per post-link stage that rewrote the optimized binary ("bolt: 120 of 300
  // functions profiled"); empty without post-link stages.
  std::vector<std::string> post_link;
  std::string recipe = "pgo";  // the recipe whose profile this is (docs/recipes.md)
};

// One recipe of a build that built several (`--recipe all`): its figures beside the others'
// and whether pgo chose it (orchestrator/recipe_choice.h).
// A weighted geometric-mean speedup over several workloads, with the geomeans of their CI bounds.
struct SpeedupFigure {
  double speedup = 0, lo = 0, hi = 0;
};

struct RecipeReport {
  std::string toolchain, recipe;
  std::map<std::string, SpeedupFigure> figures;  // metric -> its figure (the picking rule's)
  bool chosen = false;
  std::string verdict;             // why chosen, or why not
  double build_seconds = 0;        // its builds, trainings and merges (a shared training counted in full)
  std::map<std::string, uint64_t> binary_bytes;  // target -> size of its optimized executable
  size_t functions_with_counts = 0;              // of the compiler's profile it was built with
  size_t context_sensitive_functions = 0;        // CS-PGO records in that profile
  std::vector<std::string> post_link;            // "bolt: N of M functions profiled", per target
  std::vector<WorkloadResult> results;           // against the baseline, every metric
};

struct TrainingFailure {
  std::string toolchain, workload, command, status, stderr_tail;
  std::filesystem::path run_dir;  // its stdout, stderr and whatever it wrote
};

struct Report {
  std::string created;   // ISO 8601 UTC
  std::string pgo_version;
  std::filesystem::path project;
  std::vector<Toolchain> toolchains;
  std::vector<StageTiming> stages;
  std::vector<ProfileReport> profiles;
  std::vector<WorkloadResult> results;  // the chosen recipe's, when several were built
  std::vector<RecipeReport> recipes;     // only when a toolchain built several recipes
  std::vector<TrainingFailure> training_failures;  // only with --keep-going
  std::vector<std::string> warnings;
  std::filesystem::path file;  // where report.json was stored

  // Weighted geometric mean of one toolchain's speedups in `metric` (0 if it has none);
  // without a metric, in the toolchain's first metric (the only one unless --metric both).
  double geomean_speedup(const std::string& toolchain, const std::string& metric = "") const;
  // The metrics of a toolchain's results (of all results when empty), in report order.
  std::vector<std::string> metrics(const std::string& toolchain = "") const;
  // Every toolchain of the report in order: the detected ones, then any only a result names.
  std::vector<std::string> toolchain_names() const;
  bool all_outputs_match() const;
};

std::string now_iso8601();

// An instruction count for people: "151.785 M instr" (G from 10^10 on); "-" when not finite.
std::string format_instructions(double count);

}  // namespace pgo
