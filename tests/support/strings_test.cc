// support/strings: the helpers every layer shares (command-line display, number formatting).
#include "support/strings.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pgo {
namespace {
using ::testing::EndsWith;
using ::testing::StartsWith;

TEST(ShellQuoteForDisplay, QuotesWhatAShellWouldSplit) {
  EXPECT_EQ(shell_quote_for_display({"calc", "-n", "a b", "it's", ""}), "calc -n 'a b' 'it'\\''s' ''");
}

// Issue 15 item 11: a 20 MB argument became a 20 MB error message.
TEST(ShellQuoteForDisplay, AnOverLongCommandLineIsCutWithACount) {
  std::string shown = shell_quote_for_display({"prog", std::string(20'000'000, 'x'), "--tail", "last"});
  EXPECT_LE(shown.size(), kMaxCommandShown + 80);
  EXPECT_THAT(shown, StartsWith("prog xxxx"));
  size_t cut = 20'000'000 + 1 - (kMaxCommandShown - 4) + 7 + 5;  // the rest of the word, then " --tail last"
  EXPECT_THAT(shown, EndsWith("... [" + std::to_string(cut) + " more bytes, 2 more arguments not shown]"));
  EXPECT_EQ(shell_quote_for_display({"a", "b"}, 3), "a b");
  EXPECT_EQ(shell_quote_for_display({"abc", "def"}, 5), "abc d... [2 more bytes not shown]");
}

TEST(FormatFixed, RoundsToTheGivenDigits) {
  EXPECT_EQ(format_fixed(1.23456, 3), "1.235");
  EXPECT_EQ(format_fixed(1.25, 4), "1.2500");
  EXPECT_EQ(format_fixed(0.5, 0), "0");  // printf rounds half to even
  EXPECT_EQ(format_fixed(-0.04, 1), "-0.0");
}

TEST(FormatFixed, ShowsADashForWhatIsNotANumber) {
  EXPECT_EQ(format_fixed(NAN, 3), "-");
  EXPECT_EQ(format_fixed(INFINITY, 3), "-");
  EXPECT_EQ(format_fixed(-INFINITY, 1), "-");
}

}  // namespace
}  // namespace pgo
