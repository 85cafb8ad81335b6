// What the progress line reads from a build tool's output (orchestrator/progress.h).
#include "orchestrator/progress.h"

#include <gtest/gtest.h>

namespace pgo {
namespace {

TEST(ProgressToolLines, NinjaCountsAndCargoCrates) {
  Progress::ToolProgress p;
  EXPECT_EQ(p.describe(), "");
  Progress::read_tool_line("[45/289] Building C object src/CMakeFiles/calc.dir/vm.c.o", p);
  EXPECT_EQ(p.describe(), "[45/289]");
  Progress::read_tool_line("[46/289] Linking C executable calc", p);
  EXPECT_EQ(p.describe(), "[46/289]");
  // Not ninja's counter: left as it was.
  for (const char* odd : {"[a/b] x", "[5/3] more done than total", "[ ok ]", "[/] "})
    Progress::read_tool_line(odd, p);
  EXPECT_EQ(p.describe(), "[46/289]");

  Progress::ToolProgress cargo;
  Progress::read_tool_line("   Compiling memchr v2.7.4", cargo);
  Progress::read_tool_line("    Finished `release` profile [optimized] target(s) in 3.2s", cargo);
  EXPECT_EQ(cargo.describe(), "1 crate compiled");
  Progress::read_tool_line("   Compiling rvm v0.1.0 (/tmp/rvm)", cargo);
  EXPECT_EQ(cargo.describe(), "2 crates compiled");
}

}  // namespace
}  // namespace pgo
