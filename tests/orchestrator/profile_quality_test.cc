// orchestrator/profile_quality: warnings about valid profiles that will not help.
#include "orchestrator/profile_quality.h"

#include <gtest/gtest.h>

namespace pgo {
namespace {

ProfileSummary summary_with_hottest(uint64_t count) {
  ProfileSummary s;
  s.functions = 10;
  s.functions_with_counts = 3;
  s.total_count = count * 3;
  s.hottest = {{"run", count}, {"parse", count}, {"main", 1}};
  return s;
}

TEST(ProfileQuality, TargetWithoutCountsIsNamedWithWhy) {
  auto w = profile_quality_warnings(summary_with_hottest(5000), {{"calc", true, 12}, {"tool", false, 0}});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("target tool has no function with a non-zero count"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("no training workload runs ${bin:tool}"), std::string::npos) << w[0];
}

TEST(ProfileQuality, TargetRunButWithoutOwnCountsSaysSo) {
  auto w = profile_quality_warnings(summary_with_hottest(5000), {{"calc", true, 0}});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("its training workloads ran it, but none of its own code ran"), std::string::npos) << w[0];
}

TEST(ProfileQuality, UnknownCountsWarnOnlyWhenNoWorkloadRunsTheTarget) {
  EXPECT_TRUE(profile_quality_warnings(summary_with_hottest(5000), {{"calc", true, std::nullopt}}).empty());
  auto w = profile_quality_warnings(summary_with_hottest(5000), {{"helper", false, std::nullopt}});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("no training workload runs ${bin:helper}"), std::string::npos) << w[0];
}

TEST(ProfileQuality, StartUpOnlyTrainingIsFlagged) {
  auto w = profile_quality_warnings(summary_with_hottest(1), {{"calc", true, 3}});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("no function of the profile ran more than once (hottest: run)"), std::string::npos) << w[0];
  EXPECT_TRUE(profile_quality_warnings(summary_with_hottest(2), {{"calc", true, 3}}).empty());
}

}  // namespace
}  // namespace pgo
