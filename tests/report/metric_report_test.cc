// Every rendering of a report measured with --metric both carries, for each result, its
// metric, its unit and (for instructions) the counter, and keeps one geometric mean per
// metric instead of mixing the two.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "orchestrator/report/bencher.h"
#include "orchestrator/report/github_benchmark.h"
#include "orchestrator/report/html.h"
#include "orchestrator/report/json.h"
#include "orchestrator/report/json_read.h"
#include "orchestrator/report/markdown.h"
#include "orchestrator/report/terminal.h"
#include "sample_report.h"

namespace pgo {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

WorkloadResult counted(const std::string& workload, uint64_t base, uint64_t opt) {
  WorkloadResult w;
  w.toolchain = "gcc";
  w.target = "calc";
  w.workload = workload;
  w.metric = "instructions";
  w.unit = "instructions";
  w.counter = "cachegrind";
  w.counting_env = {"GOGC=off"};
  w.baseline_counts = {{base, base + 10, base}, double(base), double(base), double(base + 10)};
  w.optimized_counts = {{opt, opt, opt + 5}, double(opt), double(opt), double(opt + 5)};
  w.bench.speedup = double(base) / double(opt);
  w.bench.ci_lo = double(base) / double(opt + 5);
  w.bench.ci_hi = double(base + 10) / double(opt);
  w.bench.ci_half_width = (w.bench.ci_hi - w.bench.ci_lo) / 2 / w.bench.speedup;
  w.bench.p_value = 0.1;
  w.bench.verdict = bench::Verdict::Faster;
  w.bench.baseline.runs = w.bench.optimized.runs = w.bench.rounds = 3;
  w.bench.outputs_compared = true;
  return w;
}

Report both_metrics() {
  Report r;
  r.created = "2026-12-02T07:00:00Z";
  r.project = "/p";
  r.toolchains.push_back({"gcc", "GNU", "12.2.0", "/usr/bin/gcc", "/usr/bin/g++", "gcda", "B23*", ""});
  WorkloadResult timed = testing::make_result("gcc", "fib", 0.100, 0.099, 0.95, 1.05, 0.4, bench::Verdict::NoChange);
  timed.target = "calc";
  r.results.push_back(timed);
  r.results.push_back(counted("fib", 150000000, 120000000));  // 1.25x fewer instructions
  return r;
}

TEST(MetricReport, JsonLabelsEachResultWithMetricUnitAndCounter) {
  json j = report_to_json(both_metrics());
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["metric"], "wall_time");
  EXPECT_EQ(j["results"][0]["unit"], "s");
  EXPECT_FALSE(j["results"][0].contains("counter"));
  const json& c = j["results"][1];
  EXPECT_EQ(c["metric"], "instructions");
  EXPECT_EQ(c["unit"], "instructions");
  EXPECT_EQ(c["counter"], "cachegrind");
  EXPECT_EQ(c["verdict"], "faster");
  EXPECT_EQ(c["speedup_ci95"].size(), 2u);
  EXPECT_EQ(c["baseline"]["samples"][1]["instructions"], 150000010u);
  EXPECT_EQ(c["counting_env"], json::array({"GOGC=off"}));
  // One geometric mean per metric: the instruction speedup is not averaged with the time.
  const json& means = j["toolchains"][0]["geomean_speedups"];
  EXPECT_NEAR(means["instructions"].get<double>(), 1.25, 1e-9);
  EXPECT_NEAR(means["wall_time"].get<double>(), both_metrics().results[0].bench.speedup, 1e-9);
}

TEST(MetricReport, AnInstructionResultReadsBackForReuse) {
  const WorkloadResult w = counted("fib", 1000, 800);
  WorkloadResult back = workload_result_from_json(workload_result_to_json(w));
  EXPECT_TRUE(back.is_instructions());
  EXPECT_EQ(back.counter, "cachegrind");
  EXPECT_EQ(back.unit, "instructions");
  EXPECT_EQ(back.optimized_counts.counts, w.optimized_counts.counts);
  EXPECT_DOUBLE_EQ(back.bench.ci_lo, w.bench.ci_lo);
  EXPECT_EQ(back.bench.verdict, bench::Verdict::Faster);
  EXPECT_EQ(back.counting_env, w.counting_env);
}

TEST(MetricReport, TerminalShowsTwoLabelledTables) {
  std::ostringstream out;
  print_terminal_report(both_metrics(), out);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("Results (wall time, median ± MAD)"));
  EXPECT_THAT(text, HasSubstr("Results (instructions retired, counted by cachegrind"));
  EXPECT_THAT(text, HasSubstr("150.000 M instr"));
  EXPECT_THAT(text, HasSubstr("Geometric mean speedup (instructions):  gcc 1.2500x"));
  EXPECT_THAT(text, HasSubstr("Geometric mean speedup (wall time):"));
  EXPECT_THAT(text, HasSubstr("counted gcc/fib (instructions (cachegrind)) with GOGC=off"));
}

TEST(MetricReport, MarkdownAndHtmlNameTheMetricAndCounter) {
  const std::string md = markdown_report(both_metrics());
  EXPECT_THAT(md, HasSubstr("| metric |"));
  EXPECT_THAT(md, HasSubstr("| instructions (cachegrind) | 150.000 M instr | 120.000 M instr | 1.250×"));
  EXPECT_THAT(md, HasSubstr("| wall time |"));
  EXPECT_THAT(md, HasSubstr("**1.250×** (instructions)"));
  const std::string html = html_report(both_metrics());
  EXPECT_THAT(html, HasSubstr("instructions (cachegrind)"));
  EXPECT_THAT(html, HasSubstr("120.000 M instr"));
  EXPECT_THAT(html, HasSubstr("weighted geometric mean speedup (instructions)"));
}

TEST(MetricReport, ContinuousBenchmarkingExportsKeepTheUnits) {
  json bmf = bencher_metric_format(both_metrics());
  const json& entry = bmf["gcc/calc/fib"];
  EXPECT_TRUE(entry.contains("latency"));       // wall time, in ns
  EXPECT_TRUE(entry.contains("speedup"));       // of wall time
  EXPECT_EQ(entry["instructions"]["value"], 120000000.0);
  EXPECT_NEAR(entry["speedup-instructions"]["value"].get<double>(), 1.25, 1e-9);
  EXPECT_TRUE(bmf["gcc/geomean"].contains("speedup-instructions"));

  json times = github_benchmark_times(both_metrics());
  bool counted_entry = false;
  for (const json& e : times)
    if (e["unit"] == "instructions") {
      counted_entry = true;
      EXPECT_THAT(e["name"].get<std::string>(), ::testing::AnyOf(HasSubstr("(optimized, instructions)"), HasSubstr("(baseline, instructions)")));
      EXPECT_THAT(e["extra"].get<std::string>(), HasSubstr("instructions (cachegrind)"));
    } else {
      EXPECT_EQ(e["unit"], "ms");
    }
  EXPECT_TRUE(counted_entry);
  json speedups = github_benchmark_speedups(both_metrics());
  std::vector<std::string> names;
  for (const json& e : speedups) names.push_back(e["name"]);
  EXPECT_THAT(names, ::testing::Contains("gcc/calc/fib (instructions)"));
  EXPECT_THAT(names, ::testing::Contains("gcc/calc/fib"));
  EXPECT_THAT(names, ::testing::Contains("gcc/geomean (instructions)"));
}

}  // namespace
}  // namespace pgo
