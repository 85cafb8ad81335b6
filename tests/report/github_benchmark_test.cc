#include "orchestrator/report/github_benchmark.h"

#include <gtest/gtest.h>

#include "tests/report/sample_report.h"

namespace pgo {
namespace {

using nlohmann::json;
using testing::sample_report;

// github-action-benchmark reads {name, unit, value, range?, extra?}: strings and a number.
void expect_custom_entries(const json& entries) {
  ASSERT_TRUE(entries.is_array());
  for (const auto& e : entries) {
    ASSERT_TRUE(e.is_object());
    for (const auto& [key, v] : e.items()) {
      if (key == "value") EXPECT_TRUE(v.is_number()) << e;
      else if (key == "name" || key == "unit" || key == "range" || key == "extra") EXPECT_TRUE(v.is_string()) << e;
      else ADD_FAILURE() << "unexpected key " << key;
    }
    EXPECT_TRUE(e.contains("name") && e.contains("unit") && e.contains("value")) << e;
  }
}

const json* find(const json& entries, const std::string& name) {
  for (const auto& e : entries)
    if (e["name"] == name) return &e;
  return nullptr;
}

TEST(GithubBenchmark, TimesAreSmallerIsBetterMilliseconds) {
  const Report report = sample_report();
  const json times = json::parse(github_benchmark_times_json(report));
  expect_custom_entries(times);
  EXPECT_EQ(times.size(), 8u);  // 4 measured workloads x 2 binaries; the failed one is left out
  const json* opt = find(times, "clang/app/small (optimized)");
  ASSERT_NE(opt, nullptr);
  EXPECT_EQ((*opt)["unit"], "ms");
  EXPECT_NEAR((*opt)["value"].get<double>(), report.results[0].bench.optimized.median_s * 1e3, 1e-9);
  EXPECT_EQ((*opt)["range"].get<std::string>().rfind("± ", 0), 0u);
  EXPECT_NE((*opt)["extra"].get<std::string>().find("speedup 1.111x, 95% CI [1.090, 1.130]"), std::string::npos);
  const json* base = find(times, "clang/app/small (baseline)");
  ASSERT_NE(base, nullptr);
  EXPECT_NEAR((*base)["value"].get<double>(), report.results[0].bench.baseline.median_s * 1e3, 1e-9);
  EXPECT_EQ(find(times, "gcc/app/small (optimized)"), nullptr);
  EXPECT_EQ(find(times, "gcc/app/small (baseline)"), nullptr);
}

TEST(GithubBenchmark, SpeedupsAreBiggerIsBetter) {
  const Report report = sample_report();
  const json speedups = json::parse(github_benchmark_speedups_json(report));
  expect_custom_entries(speedups);
  EXPECT_EQ(speedups.size(), 6u);  // 4 measured workloads + 2 geometric means
  const json* small = find(speedups, "clang/app/small");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ((*small)["unit"], "x");
  EXPECT_DOUBLE_EQ((*small)["value"].get<double>(), report.results[0].bench.speedup);
  EXPECT_EQ((*small)["range"], "95% CI [1.090, 1.130]");
  const json* large = find(speedups, "clang/app/large");
  ASSERT_NE(large, nullptr);
  EXPECT_NE((*large)["extra"].get<std::string>().find("slower\noutputs DIFFER"), std::string::npos);
  const json* mean = find(speedups, "gcc/geomean");
  ASSERT_NE(mean, nullptr);
  EXPECT_DOUBLE_EQ((*mean)["value"].get<double>(), report.geomean_speedup("gcc"));
  EXPECT_EQ(find(speedups, "gcc/app/small"), nullptr);
}

TEST(GithubBenchmark, LeavesOutFailedBenchmarksEvenWithPartialStatistics) {
  Report report;
  WorkloadResult w = testing::make_result("t", "crashed", 1, 0.9, 1.05, 1.15, 0.01, bench::Verdict::Faster);
  w.bench.failed = true;
  report.results.push_back(w);
  EXPECT_EQ(github_benchmark_times(report).size(), 0u);
  EXPECT_EQ(github_benchmark_speedups(report).size(), 0u);
}

TEST(GithubBenchmark, EmptyReportGivesEmptyArrays) {
  EXPECT_EQ(github_benchmark_times_json(Report{}), "[]\n");
  EXPECT_EQ(github_benchmark_speedups_json(Report{}), "[]\n");
}

TEST(GithubBenchmark, InvalidUtf8InNamesDoesNotThrow) {
  Report report = sample_report();
  report.results[0].workload = "bad\xff\xfe";
  EXPECT_NO_THROW(json::parse(github_benchmark_times_json(report)));
}

}  // namespace
}  // namespace pgo
