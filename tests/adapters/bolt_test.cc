#include "adapters/bolt/bolt_optimizer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pgo {
namespace {

TEST(Bolt, ReadsTheProfiledFunctionCount) {
  const std::string output =
      "BOLT-INFO: Target architecture: x86_64\n"
      "BOLT-INFO: 295 out of 710 functions in the binary (41.5%) have non-empty execution profile\n"
      "BOLT-INFO: 12 functions with profile could not be optimized\n";
  auto counts = parse_profiled_functions(output);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->first, 295u);
  EXPECT_EQ(counts->second, 710u);
  EXPECT_FALSE(parse_profiled_functions("BOLT-INFO: nothing here\n").has_value());
  EXPECT_FALSE(parse_profiled_functions("").has_value());
}

TEST(Bolt, OptimizesWithTheRecommendedLayoutOptions) {
  BoltTools tools{"/usr/bin/llvm-bolt-22", "/usr/bin/merge-fdata-22"};
  std::vector<std::string> argv = bolt_optimize_command(tools, "/b/app", "/p/merged.fdata", "/o/app");
  EXPECT_EQ(argv[0], "/usr/bin/llvm-bolt-22");
  for (const char* option : {"-data=/p/merged.fdata", "-reorder-blocks=ext-tsp", "-reorder-functions=cdsort",
                             "-split-functions", "-icf=1"})
    EXPECT_NE(std::find(argv.begin(), argv.end(), option), argv.end()) << option;
}

TEST(Bolt, TheLinkFlagTakesEachCompilersForm) {
  BoltTools tools{"llvm-bolt", "merge-fdata"};
  SystemProcessRunner runner;
  EXPECT_EQ(BoltOptimizer("GNU", "/tmp/x", runner, tools).link_flags().link,
            (std::vector<std::string>{"-Wl,--emit-relocs"}));
  EXPECT_EQ(BoltOptimizer("rustc", "/tmp/x", runner, tools).link_flags().link,
            (std::vector<std::string>{"-Clink-arg=-Wl,--emit-relocs"}));
  EXPECT_FALSE(BoltOptimizer("Clang", "/tmp/x", runner, tools).runs_concurrently());
}

}  // namespace
}  // namespace pgo
