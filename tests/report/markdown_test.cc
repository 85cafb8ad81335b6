#include "orchestrator/report/markdown.h"

#include <gtest/gtest.h>

#include <sstream>

#include "orchestrator/report/svg.h"
#include "tests/report/sample_report.h"

namespace pgo {
namespace {

using testing::sample_report;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Cell separators of a table line: pipes not preceded by a backslash.
size_t unescaped_pipes(const std::string& line) {
  size_t n = 0;
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(MarkdownReport, ResultRowsCarryTheFigures) {
  const Report report = sample_report();
  const std::string md = markdown_report(report);
  const bench::BinaryStats& base = report.results[0].bench.baseline;
  EXPECT_TRUE(contains(md, "| clang | app | small | " + svg::format_seconds_spread(base.median_s, base.mad_s) + " | "))
      << md;
  EXPECT_TRUE(contains(md, " | 1.111× | 1.090 – 1.130 | < 0.0001 | faster | 20+20 | match |")) << md;
  EXPECT_TRUE(contains(md, "| clang | app | large | ")) << md;
  EXPECT_TRUE(contains(md, " | 0.930 – 0.970 | 0.0010 | **slower** | 20+20 | **DIFFER** |")) << md;
  EXPECT_TRUE(contains(md, "| gcc | app | small | ")) << md;
  EXPECT_TRUE(contains(md, " | - | - | - | 1.0000 | **failed** | 20+0 | match |")) << md;
  // Every results row has the header's 12 separators, so no cell broke the table.
  size_t rows = 0;
  for (const auto& line : lines_of(md))
    if (line.rfind("| clang | app |", 0) == 0 || line.rfind("| gcc | app |", 0) == 0) {
      if (unescaped_pipes(line) == 12) ++rows;
    }
  EXPECT_EQ(rows, 5u) << md;
}

TEST(MarkdownReport, ProblemsGeomeanProfilesFailuresAndStages) {
  const Report report = sample_report();
  const std::string md = markdown_report(report);
  EXPECT_TRUE(contains(md, "benchmark failed: `optimized run 1 failed: killed by signal 11 (SIGSEGV)")) << md;
  EXPECT_TRUE(contains(md, "outputs differ: `optimized run 3: stdout differs")) << md;
  // Weighted geometric mean per toolchain, with the verdict counts.
  char clang_mean[64];
  std::snprintf(clang_mean, sizeof clang_mean, "| clang | %.3f× | 3 | 1 | 1 | 1 | 0 |", report.geomean_speedup("clang"));
  EXPECT_TRUE(contains(md, clang_mean)) << md;
  EXPECT_TRUE(contains(md, "| gcc | 1.050× | 2 | 1 | 0 | 0 | 1 |")) << md;
  EXPECT_TRUE(contains(md, "**Speedup** (weighted geometric mean): clang **")) << md;
  EXPECT_TRUE(contains(md, "Outputs: **some differ**.")) << md;
  // Profile table and its warnings.
  EXPECT_TRUE(contains(md, "| clang | app | 1200 | 800 | 2 | 5 | 8 | in-process LLVM 22 | yes |")) << md;
  EXPECT_TRUE(contains(md, "| gcc | app | 1200 | 800 | 0 | 0 | 8 | gcov-tool | **no** |")) << md;
  EXPECT_TRUE(contains(md, "2 profile mismatch warnings")) << md;
  EXPECT_TRUE(contains(md, "5 missing-profile warnings")) << md;
  EXPECT_TRUE(contains(md, "byte-identical to the baseline")) << md;
  EXPECT_TRUE(contains(md, "| 1 | `std::vector<int>::push_back` | 400000 | 40.0% |")) << md;
  EXPECT_TRUE(contains(md, "| 2 | `interp::run\\|dispatch` | 250000 | 25.0% |")) << md;
  EXPECT_TRUE(contains(md, "<summary>Hottest functions: clang/app</summary>")) << md;
  // The stderr tail holds a ``` line, so its fence must be longer.
  EXPECT_TRUE(contains(md, "````text\nerror: boom\n```\nnot a fence end\n````\n")) << md;
  EXPECT_TRUE(contains(md, "Command: `./app --flaky 'a b'`")) << md;
  EXPECT_TRUE(contains(md, "| build:baseline | clang | 12.5 s |")) << md;
  EXPECT_TRUE(contains(md, "| bench |  | 1m 35s |")) << md;
  EXPECT_TRUE(contains(md, "- gcc: 1 training workload failed")) << md;
}

TEST(MarkdownReport, NamesCannotInjectMarkupOrBreakTables) {
  Report report = sample_report();
  report.results[0].workload = "a|b*c_[x](y)\nz";
  const std::string md = markdown_report(report);
  EXPECT_FALSE(contains(md, "<script>")) << md;
  EXPECT_TRUE(contains(md, "\\<script\\>alert(1)\\</script\\>")) << md;
  EXPECT_TRUE(contains(md, "| a\\|b\\*c\\_\\[x\\](y) z |")) << md;
}

TEST(MarkdownReport, EmptyReportRenders) {
  const std::string md = markdown_report(Report{});
  EXPECT_TRUE(contains(md, "# pgo report")) << md;
  EXPECT_TRUE(contains(md, "No benchmark results.")) << md;
  EXPECT_FALSE(contains(md, "## Profiles")) << md;
}

TEST(MarkdownReport, StaysUnderOneMebibyteWithThousandsOfResults) {
  Report report = sample_report();
  const WorkloadResult base = report.results.front();
  for (int i = 0; i < 20000; ++i) {
    WorkloadResult w = base;
    w.workload = "workload-" + std::to_string(i) + "-" + std::string(150, 'x');
    w.bench.failed = i % 3 == 0;
    w.bench.failure = std::string(1000, 'f');
    report.results.push_back(w);
  }
  for (int i = 0; i < 5000; ++i) report.warnings.push_back(std::string(400, 'w'));
  const std::string md = markdown_report(report);
  EXPECT_LE(md.size(), kMarkdownMaxBytes);
  EXPECT_LT(md.size(), 1024u * 1024u);
  EXPECT_TRUE(contains(md, "more results not shown; report.json has them all.")) << md.substr(md.size() - 2000);
  EXPECT_TRUE(contains(md, "more problems not shown.")) << md.substr(0, 2000);
}

TEST(MarkdownReport, HardLimitHoldsForAnySmallBudget) {
  Report report = sample_report();
  for (int i = 0; i < 300; ++i) report.warnings.push_back("warning " + std::to_string(i) + std::string(300, '-'));
  const std::string md = markdown_report(report, 8192);
  EXPECT_LE(md.size(), 8192u);
  EXPECT_TRUE(contains(md, "cut to stay under GitHub's 1 MiB step-summary limit")) << md;
  // The sections before the cut are complete.
  EXPECT_TRUE(contains(md, "## Toolchains")) << md;
}

}  // namespace
}  // namespace pgo
