// Writes the report's file exports next to report.json: report.md, report.html,
// bencher.json, github-benchmark.json and github-benchmark-speedup.json.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/report/report.h"

namespace pgo {

struct ExportOptions {
  double noise = 0.01;  // pgo.yaml bench.noise_threshold: the band drawn around 1.0 in report.html
};

struct ReportFiles {
  std::filesystem::path markdown;                  // report.md (GitHub step summary)
  std::filesystem::path html;                      // report.html
  std::filesystem::path bencher;                   // bencher.json (Bencher Metric Format)
  std::filesystem::path github_benchmark;          // github-benchmark.json (customSmallerIsBetter)
  std::filesystem::path github_benchmark_speedup;  // github-benchmark-speedup.json (customBiggerIsBetter)
  std::vector<std::filesystem::path> all() const;
};

// Renders every export first, then writes each file atomically (support/atomic_file.h),
// creating `dir` if needed: a reader sees each file either old or complete (the set is not
// one transaction). Throws pgo::Error (kBuildFailure, from write_file_atomic) when a file cannot be written.
// report.json of a `pgo bench` (or any report not from `pgo build`) in
// <reports_dir>/<stamp>-<kind>[-N]/ (stamp: `created` without '-' and ':') and in
// <reports_dir>/<latest>/, each written atomically. Returns the stamped file.
std::filesystem::path save_stamped_report(const std::filesystem::path& reports_dir, const nlohmann::json& report,
                                          const std::string& created, const std::string& kind,
                                          const std::string& latest);

ReportFiles write_report_files(const Report& report, const std::filesystem::path& dir,
                               const ExportOptions& options = {});

}  // namespace pgo
