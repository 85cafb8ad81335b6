// support/strings: the helpers every layer shares.
#include "support/strings.h"

#include <gtest/gtest.h>

#include <cmath>

namespace pgo {
namespace {

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
