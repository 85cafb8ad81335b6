#include "orchestrator/report/svg.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pgo::svg {
namespace {

TEST(SvgText, EscapesMarkupAndDropsControlCharacters) {
  EXPECT_EQ(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(escape(std::string("a\x01" "b\tc\nd", 7)), "ab\tc\nd");
}

TEST(SvgText, ShortensByCodePointsWithoutSplittingUtf8) {
  EXPECT_EQ(shorten("abcdef", 6), "abcdef");
  EXPECT_EQ(shorten("abcdefg", 6), "abcde…");
  EXPECT_EQ(shorten("ééééé", 3), "éé…");  // 2-byte characters
  EXPECT_EQ(shorten("ééé", 3), "ééé");
  EXPECT_EQ(shorten("abc", 0), "");
}

TEST(SvgText, FormatsTimesInTheRightUnit) {
  EXPECT_EQ(format_seconds(0.0123), "12.3 ms");
  EXPECT_EQ(format_seconds(0.000850), "850 µs");
  EXPECT_EQ(format_seconds(1.2345), "1.23 s");
  EXPECT_EQ(format_seconds(125), "2m 05s");
  EXPECT_EQ(format_seconds(4.2e-8), "42.0 ns");
  EXPECT_EQ(format_seconds(0), "0 s");
  EXPECT_EQ(format_seconds(NAN), "-");
  EXPECT_EQ(format_seconds_spread(0.0123, 0.00041), "12.3 ± 0.410 ms");
  EXPECT_EQ(format_fixed(1.23456, 3), "1.235");
  EXPECT_EQ(format_fixed(INFINITY, 3), "-");
}

TEST(SvgPlots, NiceTicksAreRoundAndCoverTheRange) {
  EXPECT_EQ(nice_ticks(0.93, 1.13, 5), (std::vector<double>{0.95, 1.0, 1.05, 1.1}));
  const std::vector<double> t = nice_ticks(0.0101, 0.0149, 5);
  ASSERT_FALSE(t.empty());
  for (double v : t) EXPECT_TRUE(v >= 0.0101 && v <= 0.0149) << v;
  EXPECT_TRUE(nice_ticks(1, 1, 5).empty());
  EXPECT_TRUE(nice_ticks(NAN, 1, 5).empty());
}

TEST(SvgPlots, ForestPlotMarksOneTheNoiseBandAndEachRow) {
  const std::string svg = forest_plot({{"a", "", 1.1, 1.05, 1.15, bench::Verdict::Faster, false, false},
                                       {"b", "", NAN, NAN, NAN, bench::Verdict::NoChange, true, false}},
                                      0.05);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("1 ± 5% noise band"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ddf4ff\""), std::string::npos);  // the band
  EXPECT_NE(svg.find("1.100×  [1.050, 1.150]"), std::string::npos);
  EXPECT_NE(svg.find("benchmark failed: no speedup"), std::string::npos);
  EXPECT_NE(svg.find(">1.00×<"), std::string::npos);  // an axis tick at 1
}

TEST(SvgPlots, StripPlotDrawsEverySample) {
  const std::string svg = strip_plot("t", {{"baseline", "#111111", {1.0, 1.1, 1.2}, {false, false, true}},
                                           {"optimized", "#222222", {}, {}}});
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) ++circles;
  EXPECT_EQ(circles, 3u);
  EXPECT_NE(svg.find("fill=\"#ffffff\" stroke=\"#111111\""), std::string::npos);  // the outlier is hollow
  EXPECT_NE(svg.find("no samples"), std::string::npos);
}

}  // namespace
}  // namespace pgo::svg
