// print_status_table: the `pgo status` table, its lines under each row, and its colours.
#include <gtest/gtest.h>

#include <sstream>

#include "orchestrator/status.h"

namespace pgo {
namespace {

std::vector<ProfileStatus> statuses() {
  std::vector<ProfileStatus> st(4);
  ProfileStatus& stale = st[0];
  stale.target = "app";
  stale.toolchain = "gcc";
  stale.created = "2025-01-01T00:00:00Z";
  stale.age_days = 1.25;
  stale.speedup = 1.2345;
  FunctionMatch m;
  m.available = true;
  m.functions = 10;
  m.unchanged = 7;
  m.total_count = 100;
  m.unchanged_count = 60;
  m.mismatched = {{"hot", FunctionChange::Changed, 30, 0.3}, {"cold", FunctionChange::Removed, 10, 0.1}};
  stale.match = m;
  stale.stale = true;
  stale.reasons = {"weighted match 60% below 90%"};
  stale.changed_files = {{"a.c", "modified"}};
  stale.commits_since = 3;
  st[1].target = "app";
  st[1].toolchain = "clang";
  st[1].missing = true;
  st[2].target = "lib";
  st[2].toolchain = "rust";
  st[2].skipped = true;
  st[2].notes = {"not checked: toolchain 'rust' is not in pgo.yaml"};
  st[3].target = "tool";
  st[3].toolchain = "clang";
  st[3].created = "2025-01-01T00:00:00Z";
  st[3].age_days = 0.5;
  return st;
}

TEST(StatusTable, PrintsOneRowPerProfileWithItsDetailsUnderIt) {
  std::ostringstream out;
  StalenessSpec thresholds;
  thresholds.max_age_s = 30 * 86400.0;
  print_status_table(statuses(), thresholds, out);
  EXPECT_EQ(out.str(),
            "TARGET  TOOLCHAIN  STATUS     WEIGHTED  COMPARED  FUNCTIONS     FILES  AGE   SPEEDUP\n"
            "app     gcc        STALE      60.0%     100.0%    7/10 (70.0%)  1      1.2d  1.234x\n"
            "    - weighted match 60% below 90%\n"
            "    changed: hot (30.0% of counts)\n"
            "    removed: cold (10.0% of counts)\n"
            "    files: a.c (modified); 3 commit(s) since\n"
            "app     clang      MISSING    -         -         -             -      -     -\n"
            "lib     rust       unchecked  -         -         -             0      -     -\n"
            "    note: not checked: toolchain 'rust' is not in pgo.yaml\n"
            "tool    clang      fresh      -         -         -             0      0.5d  -\n"
            "\nThresholds: min_weighted_match 90%, max_age 30.0 days (staleness: in pgo.yaml)\n");
}

TEST(StatusTable, ColoursStaleMissingAndFreshOnlyWhenAsked) {
  std::ostringstream plain, coloured;
  print_status_table(statuses(), StalenessSpec{}, plain);
  print_status_table(statuses(), StalenessSpec{}, coloured, TerminalStyle(true));
  EXPECT_EQ(plain.str().find('\033'), std::string::npos);
  const std::string text = coloured.str();
  EXPECT_NE(text.find("gcc        \033[31mSTALE\033[0m      60.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("\033[31mMISSING\033[0m    -"), std::string::npos) << text;
  EXPECT_NE(text.find("\033[32mfresh\033[0m      -"), std::string::npos) << text;
  EXPECT_NE(text.find("rust       unchecked  -"), std::string::npos) << text;
}

TEST(StatusTable, SaysSoWhenThereIsNothingStored) {
  std::ostringstream out;
  print_status_table({}, StalenessSpec{}, out);
  EXPECT_EQ(out.str(), "No stored profiles (run pgo build).\n");
}

}  // namespace
}  // namespace pgo
