// A hand-made Report for the export tests: two toolchains, a faster, a slower, an unchanged
// and a failed workload, one workload named like an HTML injection, profiles, a training
// failure whose stderr contains a Markdown fence, stage timings and warnings.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "orchestrator/bench/statistics.h"
#include "orchestrator/report/report.h"

namespace pgo::testing {

inline constexpr const char* kScriptWorkload = "<script>alert(1)</script>";

// `n` deterministic wall times around `center` (±3%), the last one a slow outlier.
inline bench::BinaryStats make_stats(double center, int n) {
  bench::BinaryStats b;
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) {
    double x = center * (1 + 0.03 * std::sin(i * 1.7));
    if (i == n - 1 && n > 4) x = center * 1.4;
    xs.push_back(x);
    bench::RunSample s;
    s.round = i;
    s.wall_s = x;
    s.user_s = x * 0.9;
    s.sys_s = x * 0.05;
    s.max_rss_kb = 4096;
    b.samples.push_back(s);
  }
  b.runs = n;
  if (n == 0) return b;
  const bench::Summary sum = bench::summarize(xs);
  const std::vector<bool> flags = bench::outlier_flags(xs);
  for (int i = 0; i < n; ++i) b.samples[static_cast<size_t>(i)].outlier = flags[static_cast<size_t>(i)];
  b.median_s = sum.median;
  b.mad_s = sum.mad;
  b.min_s = sum.min;
  b.max_s = sum.max;
  b.mean_s = sum.mean;
  b.stddev_s = sum.stddev;
  b.p05_s = sum.p05;
  b.p95_s = sum.p95;
  b.outliers = static_cast<int>(sum.outliers);
  return b;
}

inline WorkloadResult make_result(const std::string& toolchain, const std::string& workload, double base_s,
                                  double opt_s, double lo, double hi, double p, bench::Verdict verdict) {
  WorkloadResult w;
  w.toolchain = toolchain;
  w.target = "app";
  w.workload = workload;
  w.bench.baseline = make_stats(base_s, 20);
  w.bench.optimized = make_stats(opt_s, 20);
  w.bench.speedup = w.bench.baseline.median_s / w.bench.optimized.median_s;
  w.bench.ci_lo = lo;
  w.bench.ci_hi = hi;
  w.bench.ci_half_width = (hi - lo) / 2 / w.bench.speedup;
  w.bench.p_value = p;
  w.bench.verdict = verdict;
  w.bench.outputs_compared = true;
  w.bench.rounds = 20;
  return w;
}

inline Report sample_report() {
  Report r;
  r.created = "2025-01-02T03:04:05Z";
  r.pgo_version = "0.1.0";
  r.project = "/home/dev/project";
  r.file = "/home/dev/project/.pgo/reports/latest/report.json";
  r.toolchains.push_back({"clang", "Clang", "22.1.0", "/usr/bin/clang-22", "/usr/bin/clang++-22", "llvm", "10"});
  r.toolchains.push_back({"gcc", "GNU", "12.2.0", "/usr/bin/gcc", "/usr/bin/g++", "gcda", "B23*"});

  ProfileReport p;
  p.toolchain = "clang";
  p.target = "app";
  p.summary.functions = 1200;
  p.summary.functions_with_counts = 800;
  p.summary.total_count = 1000000;
  p.summary.hottest = {{"std::vector<int>::push_back", 400000}, {"interp::run|dispatch", 250000}, {"main", 1}};
  p.diagnostics.mismatch_warnings = 2;
  p.diagnostics.missing_warnings = 5;
  p.diagnostics.examples = {"warning: profile data may be out of date [-Wbackend-plugin]"};
  p.merge_method = "in-process LLVM 22";
  p.raw_profiles = 8;
  p.stored_at = "/home/dev/project/.pgo/profiles/app/clang.profdata";
  r.profiles.push_back(p);
  ProfileReport g = p;
  g.toolchain = "gcc";
  g.summary.hottest = {{"fast_path", 9}};
  g.diagnostics = {};
  g.merge_method = "gcov-tool";
  g.binary_differs = false;
  r.profiles.push_back(g);

  r.results.push_back(make_result("clang", "small", 0.100, 0.090, 1.090, 1.130, 0.00002, bench::Verdict::Faster));
  r.results.push_back(make_result("clang", kScriptWorkload, 0.050, 0.0498, 0.990, 1.020, 0.4, bench::Verdict::NoChange));
  WorkloadResult slower = make_result("clang", "large", 1.90, 2.00, 0.930, 0.970, 0.001, bench::Verdict::Slower);
  slower.bench.outputs_match = false;
  slower.bench.mismatch = "optimized run 3: stdout differs from the baseline's";
  slower.weight = 2;
  r.results.push_back(slower);
  WorkloadResult failed = make_result("gcc", "small", 0.100, 0.090, 0, 0, 1, bench::Verdict::NoChange);
  failed.bench.optimized = make_stats(0, 0);
  failed.bench.speedup = failed.bench.ci_lo = failed.bench.ci_hi = failed.bench.ci_half_width = NAN;
  failed.bench.failed = true;
  failed.bench.failure = "optimized run 1 failed: killed by signal 11 (SIGSEGV); command: ./app --input x";
  failed.bench.stop_reason = bench::StopReason::RunFailed;
  r.results.push_back(failed);
  r.results.push_back(make_result("gcc", "large", 2.10, 2.00, 1.030, 1.070, 0.0003, bench::Verdict::Faster));

  r.training_failures.push_back({"gcc", "flaky", "./app --flaky 'a b'", "exit status 3",
                                 "error: boom\n```\nnot a fence end\n"});
  r.stages = {{"build:baseline", "clang", 12.5}, {"train", "clang", 3.25}, {"bench", "", 95}};
  r.warnings = {"gcc: 1 training workload failed and was left out"};
  return r;
}

}  // namespace pgo::testing
