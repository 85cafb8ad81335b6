#include "orchestrator/report/html.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "tests/report/sample_report.h"

namespace pgo {
namespace {

using testing::sample_report;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(HtmlReport, EscapesNamesFromTheReport) {
  Report report = sample_report();
  report.project = "/tmp/a&b\"<img src=x onerror=alert(1)>";
  const std::string html = html_report(report);
  EXPECT_FALSE(contains(lower(html), "<script")) << html;
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_FALSE(contains(html, "<img"));
  EXPECT_TRUE(contains(html, "a&amp;b&quot;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(contains(html, "<code>std::vector&lt;int&gt;::push_back</code>"));
}

TEST(HtmlReport, IsSelfContained) {
  const std::string html = lower(html_report(sample_report()));
  for (const char* banned : {"http:", "https:", "//", "src=", "href=", "url(", "@import", "<link", "<script",
                             "<iframe", "<img", "<object", "<embed"})
    EXPECT_FALSE(contains(html, banned)) << banned;
  EXPECT_TRUE(contains(html, "content-security-policy\" content=\"default-src 'none'"));
}

TEST(HtmlReport, DrawsTheForestPlotAndOneStripPlotPerWorkload) {
  const Report report = sample_report();
  const std::string html = html_report(report, 0.02);
  EXPECT_EQ(count(html, "<svg"), 1 + report.results.size());
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_EQ(count(html, "<section"), count(html, "</section>"));
  EXPECT_EQ(count(html, "<table"), count(html, "</table>"));
  EXPECT_TRUE(contains(html, "1 ± 2% noise band"));
  // Point estimates with their intervals, the failed workload, the geometric means.
  EXPECT_TRUE(contains(html, "1.111×  [1.090, 1.130]"));
  EXPECT_TRUE(contains(html, "benchmark failed: no speedup"));
  EXPECT_TRUE(contains(html, "geometric mean, clang"));
  EXPECT_TRUE(contains(html, "geometric mean, gcc"));
  // 20 samples per binary: one dot each (the failed workload's optimized binary has none).
  EXPECT_EQ(count(html, "<circle"), 4 + 20 * 2 * 4 + 20);
  EXPECT_TRUE(contains(html, "no samples"));
  // Coordinates are numbers, never nan or inf.
  EXPECT_FALSE(std::regex_search(html, std::regex("=\"-?(nan|inf)", std::regex::icase)));
  // Tables: results with verdict badges, hottest functions with their shares.
  EXPECT_TRUE(contains(html, "<span class=\"v slower\">slower</span>"));
  EXPECT_TRUE(contains(html, "<span class=\"v failed\">failed</span>"));
  EXPECT_TRUE(contains(html, "<span class=\"v differ\">DIFFER</span>"));
  EXPECT_TRUE(contains(html, "<td class=\"num\">40.0%</td>"));
  EXPECT_TRUE(contains(html, "killed by signal 11 (SIGSEGV)"));
  EXPECT_TRUE(contains(html, "<pre>error: boom\n```\nnot a fence end\n</pre>"));
}

TEST(HtmlReport, SurvivesEmptyAndDegenerateReports) {
  const std::string empty = html_report(Report{});
  EXPECT_TRUE(contains(empty, "No benchmark results in this report."));
  EXPECT_TRUE(contains(empty, "</html>"));
  EXPECT_TRUE(contains(empty, "not compared"));  // nothing was compared, so nothing "matches"
  EXPECT_FALSE(contains(empty, "all match"));

  Report odd;
  WorkloadResult w;  // no samples at all, every statistic NaN
  w.toolchain = "t";
  w.workload = "w";
  w.bench.p_value = NAN;
  w.bench.failed = true;
  odd.results.push_back(w);
  WorkloadResult same = testing::make_result("t", "flat", 1, 1, 1, 1, 1, bench::Verdict::NoChange);
  for (auto* b : {&same.bench.baseline, &same.bench.optimized})
    for (auto& s : b->samples) s.wall_s = 1;  // zero spread: the time axis must not collapse
  odd.results.push_back(same);
  const std::string html = html_report(odd, NAN);
  EXPECT_FALSE(std::regex_search(html, std::regex("=\"-?(nan|inf)", std::regex::icase))) << html;
  EXPECT_TRUE(contains(html, "benchmark failed: no speedup"));
  EXPECT_EQ(count(html, "<svg"), 3u);
}

}  // namespace
}  // namespace pgo
