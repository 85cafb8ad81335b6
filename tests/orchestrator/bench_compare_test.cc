// `pgo bench --compare` on hand-made reports with known samples, and the gates of `pgo bench`.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "orchestrator/bench/compare.h"
#include "support/error.h"

using nlohmann::json;

namespace pgo::bench {
namespace {

// 20 wall times around `level` with a fixed +-2 % zigzag (no randomness, no clock).
std::vector<double> times(double level) {
  std::vector<double> v;
  for (int i = 0; i < 20; ++i) v.push_back(level * (1.0 + 0.002 * ((i * 7) % 11) - 0.01));
  return v;
}

json result(const std::string& tc, const std::string& workload, const std::vector<double>& optimized,
            const std::string& metric = "wall_time") {
  json samples = json::array();
  const char* unit = metric == "instructions" ? "instructions" : "wall_s";
  for (double s : optimized) samples.push_back({{unit, s}});
  return {{"toolchain", tc}, {"target", "calc"}, {"workload", workload}, {"metric", metric},
          {"optimized", {{"samples", samples}}}};
}

json report(std::vector<json> results) {
  return {{"schema", "pgo-report/1"}, {"toolchains", json::array()}, {"results", results}};
}

const KeyComparison& row(const ReportComparison& c, const std::string& key) {
  for (const auto& r : c.rows)
    if (r.key() == key) return r;
  throw std::runtime_error("no row " + key);
}

TEST(BenchCompare, ClearRegressionIsFlagged) {
  ReportComparison c = compare_reports(report({result("gcc", "fib", times(1.0))}),
                                       report({result("gcc", "fib", times(1.2))}));
  ASSERT_EQ(c.rows.size(), 1u);
  const KeyComparison& k = c.rows[0];
  EXPECT_EQ(k.change, Change::Regression);
  EXPECT_NEAR(k.ratio, 1.2, 1e-9);  // new / old: above 1 means NEW is slower
  EXPECT_GT(k.lo, 1.01);
  EXPECT_LE(k.lo, k.ratio);
  EXPECT_GE(k.hi, k.ratio);
  ASSERT_TRUE(k.p_value.has_value());
  EXPECT_LT(*k.p_value, 0.05);
  EXPECT_EQ(k.old_runs, 20u);
  EXPECT_EQ(c.count(Change::Regression), 1u);
}

TEST(BenchCompare, ImprovementIsTheMirrorImage) {
  ReportComparison c = compare_reports(report({result("gcc", "fib", times(1.2))}),
                                       report({result("gcc", "fib", times(1.0))}));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].change, Change::Improvement);
  EXPECT_LT(c.rows[0].hi, 0.99);
  EXPECT_EQ(c.count(Change::Regression), 0u);
}

TEST(BenchCompare, SameSamplesAreNoChange) {
  ReportComparison c = compare_reports(report({result("gcc", "fib", times(1.0))}),
                                       report({result("gcc", "fib", times(1.0))}));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].change, Change::NoChange);
  EXPECT_NEAR(c.rows[0].ratio, 1.0, 1e-12);
  EXPECT_GT(*c.rows[0].p_value, 0.5);
}

TEST(BenchCompare, ShiftInsideTheNoiseThresholdIsNoChange) {
  // 0.5 % slower with a very tight spread: significant, but below the 1 % noise threshold.
  std::vector<double> old_t(20, 1.0), new_t(20, 1.005);
  for (int i = 0; i < 20; ++i) {
    old_t[i] += 1e-5 * i;
    new_t[i] += 1e-5 * i;
  }
  ReportComparison c = compare_reports(report({result("gcc", "fib", old_t)}), report({result("gcc", "fib", new_t)}));
  EXPECT_EQ(c.rows[0].change, Change::NoChange);
  EXPECT_LT(*c.rows[0].p_value, 0.05);
}

TEST(BenchCompare, KeysInOnlyOneReportAreListed) {
  json old_r = report({result("gcc", "fib", times(1.0)), result("gcc", "sort", times(1.0)),
                       result("clang", "fib", times(1.0))});
  json new_r = report({result("gcc", "fib", times(1.0)), result("gcc", "mandel", times(1.0))});
  ReportComparison c = compare_reports(old_r, new_r);
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].key(), "gcc/calc/fib");
  EXPECT_EQ(c.only_in_old, (std::vector<std::string>{"gcc/calc/sort", "clang/calc/fib"}));
  EXPECT_EQ(c.only_in_new, (std::vector<std::string>{"gcc/calc/mandel"}));
  std::ostringstream out;
  print_comparison(c, out);
  EXPECT_NE(out.str().find("only in OLD: gcc/calc/sort"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("only in NEW: gcc/calc/mandel"), std::string::npos) << out.str();
  json j = comparison_to_json(c);
  EXPECT_EQ(j["schema"], "pgo-compare/1");
  EXPECT_EQ(j["only_in_new"], json::array({"gcc/calc/mandel"}));
  EXPECT_EQ(j["comparisons"][0]["verdict"], "no_change");
}

TEST(BenchCompare, VerdictsAreColouredOnlyWhenAsked) {
  json old_r = report({result("gcc", "fib", times(1.0)), result("gcc", "sort", times(1.2))});
  json new_r = report({result("gcc", "fib", times(1.2)), result("gcc", "sort", times(1.0))});
  ReportComparison c = compare_reports(old_r, new_r);
  std::ostringstream plain, coloured;
  print_comparison(c, plain);
  print_comparison(c, coloured, TerminalStyle(true));
  EXPECT_EQ(plain.str().find('\033'), std::string::npos) << plain.str();
  EXPECT_NE(coloured.str().find("\033[31mregression\033[0m"), std::string::npos) << coloured.str();
  EXPECT_NE(coloured.str().find("\033[32mimprovement\033[0m"), std::string::npos) << coloured.str();
}

TEST(BenchCompare, MetricsAreNeverMixed) {
  ReportComparison c = compare_reports(report({result("gcc", "fib", times(1.0))}),
                                       report({result("gcc", "fib", {1e9, 1e9, 1e9}, "instructions")}));
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0].change, Change::NotCompared);
  EXPECT_NE(c.rows[0].note.find("metrics differ"), std::string::npos);
  EXPECT_TRUE(comparison_to_json(c)["comparisons"][0]["ratio"].is_null());
}

// --metric both: two results per key, each compared with its own metric's result.
TEST(BenchCompare, BothMetricsAreMatchedMetricByMetric) {
  json old_r = report({result("gcc", "fib", times(1.0)), result("gcc", "fib", {1000e6, 1000e6, 1000e6}, "instructions")});
  json new_r = report({result("gcc", "fib", times(1.0)), result("gcc", "fib", {1100e6, 1100e6, 1100e6}, "instructions")});
  ReportComparison c = compare_reports(old_r, new_r);
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].metric, "wall_time");
  EXPECT_EQ(c.rows[0].change, Change::NoChange);
  EXPECT_EQ(c.rows[1].metric, "instructions");
  EXPECT_EQ(c.rows[1].change, Change::Regression);
  EXPECT_TRUE(c.only_in_old.empty() && c.only_in_new.empty());
  // Against a time-only report, the count is listed as only in NEW, never compared with time.
  ReportComparison one = compare_reports(report({result("gcc", "fib", times(1.0))}), new_r);
  ASSERT_EQ(one.rows.size(), 1u);
  EXPECT_EQ(one.only_in_new, (std::vector<std::string>{"gcc/calc/fib [instructions]"}));
}

TEST(BenchCompare, InstructionCountsUseTheRangeRule) {
  json old_r = report({result("gcc", "fib", {1000e6, 1001e6, 1000e6}, "instructions"),
                       result("gcc", "sort", {500e6, 500e6, 500e6}, "instructions")});
  json new_r = report({result("gcc", "fib", {1100e6, 1100e6, 1101e6}, "instructions"),
                       result("gcc", "sort", {502e6, 501e6, 502e6}, "instructions")});
  ReportComparison c = compare_reports(old_r, new_r);
  const KeyComparison& fib = row(c, "gcc/calc/fib");
  EXPECT_EQ(fib.change, Change::Regression);
  EXPECT_NEAR(fib.ratio, 1.1, 1e-9);
  EXPECT_NEAR(fib.lo, 1100.0 / 1001.0, 1e-12);
  EXPECT_FALSE(fib.p_value.has_value());
  EXPECT_EQ(row(c, "gcc/calc/sort").change, Change::NoChange);  // +0.4 %: inside the noise
  EXPECT_TRUE(comparison_to_json(c)["comparisons"][0].contains("ratio_range"));
}

TEST(BenchCompare, ResultWithoutSamplesIsNotCompared) {
  ReportComparison c = compare_reports(report({result("gcc", "fib", {})}), report({result("gcc", "fib", times(1.0))}));
  EXPECT_EQ(c.rows[0].change, Change::NotCompared);
  EXPECT_NE(c.rows[0].note.find("OLD"), std::string::npos);
}

TEST(BenchCompare, NotAReportIsAUsageError) {
  try {
    compare_reports(json{{"schema", "pgo-profile/1"}}, report({}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("OLD"), std::string::npos);
  }
  EXPECT_THROW(compare_reports(report({}), report({json{{"target", "x"}}})), Error);
  // Wrong-typed fields are usage errors too, not nlohmann type_errors (issue 15 item 3).
  json metric_number = result("gcc", "fib", times(1.0));
  metric_number["metric"] = 3;
  EXPECT_THROW(compare_reports(report({}), report({metric_number})), Error);
  EXPECT_THROW(compare_reports(json{{"schema", 1}}, report({})), Error);
}

// --- Gates --------------------------------------------------------------------------

WorkloadResult workload(const std::string& tc, const std::string& name, double speedup, Verdict verdict,
                        double weight = 1, bool failed = false) {
  WorkloadResult r{tc, "calc", name, weight, "wall_time", {}};
  r.bench.speedup = speedup;
  r.bench.verdict = verdict;
  r.bench.failed = failed;
  return r;
}

Report gate_report() {
  Report r;
  r.toolchains.push_back(Toolchain{"gcc", "GNU", "12", {}, {}, "gcda", ""});
  r.toolchains.push_back(Toolchain{"clang", "Clang", "22", {}, {}, "llvm", ""});
  r.results.push_back(workload("gcc", "fib", 1.21, Verdict::Faster));
  r.results.push_back(workload("gcc", "sort", 1.00, Verdict::NoChange));  // geomean 1.1
  r.results.push_back(workload("clang", "fib", 1.02, Verdict::NoChange));
  r.results.push_back(workload("clang", "sort", 0.98, Verdict::Slower, 3));  // weighted: ~0.99
  return r;
}

TEST(BenchGates, FailBelowNamesEachToolchainUnderTheThreshold) {
  Report r = gate_report();
  EXPECT_TRUE(speedups_below(r, 0.5).empty());
  std::vector<std::string> below = speedups_below(r, 1.05);
  ASSERT_EQ(below.size(), 1u);
  EXPECT_EQ(below[0].rfind("clang:", 0), 0u) << below[0];
  EXPECT_NE(below[0].find("below --fail-below 1.0500"), std::string::npos) << below[0];
  EXPECT_EQ(speedups_below(r, 1.2).size(), 2u);
  // Exactly at the threshold passes: gcc's geomean is sqrt(1.21) = 1.1.
  Report gcc_only;
  gcc_only.toolchains = {r.toolchains[0]};
  gcc_only.results = {r.results[0], r.results[1]};
  EXPECT_TRUE(speedups_below(gcc_only, 1.1 - 1e-12).empty());
  EXPECT_EQ(speedups_below(gcc_only, 1.1 + 1e-9).size(), 1u);
}

// --metric both: each metric's geometric mean is held against the gate on its own.
TEST(BenchGates, WithBothMetricsEachMeanMeetsTheGate) {
  Report r;
  r.toolchains.push_back(Toolchain{"gcc", "GNU", "12", {}, {}, "gcda", ""});
  r.results.push_back(workload("gcc", "fib", 1.00, Verdict::NoChange));
  WorkloadResult counted = workload("gcc", "fib", 1.20, Verdict::Faster);
  counted.metric = counted.unit = "instructions";
  r.results.push_back(counted);
  EXPECT_DOUBLE_EQ(r.geomean_speedup("gcc", "instructions"), 1.20);
  EXPECT_DOUBLE_EQ(r.geomean_speedup("gcc", "wall_time"), 1.00);  // not the mixed 1.095
  std::vector<std::string> below = speedups_below(r, 1.1);
  ASSERT_EQ(below.size(), 1u);
  EXPECT_NE(below[0].find("speedup (wall_time) 1.0000x"), std::string::npos) << below[0];
  EXPECT_EQ(speedups_below(r, 1.3).size(), 2u);
}

TEST(BenchGates, ToolchainWithoutSuccessfulBenchmarkFailsTheGate) {
  Report r;
  r.toolchains.push_back(Toolchain{"gcc", "GNU", "12", {}, {}, "gcda", ""});
  r.results.push_back(workload("gcc", "fib", 1.5, Verdict::Faster, 1, /*failed=*/true));
  std::vector<std::string> below = speedups_below(r, 1.0);
  ASSERT_EQ(below.size(), 1u);
  EXPECT_NE(below[0].find("no successful benchmark"), std::string::npos);
}

TEST(BenchGates, FailOnRegressionListsSlowerVerdictsOnly) {
  std::vector<std::string> slower = slower_results(gate_report());
  ASSERT_EQ(slower.size(), 1u);
  EXPECT_EQ(slower[0].rfind("clang/calc/sort:", 0), 0u) << slower[0];
  Report none;
  none.results.push_back(workload("gcc", "fib", 0.9, Verdict::NoChange));
  EXPECT_TRUE(slower_results(none).empty());
}

}  // namespace
}  // namespace pgo::bench
