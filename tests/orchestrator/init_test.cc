#include "orchestrator/init.h"

#include <gtest/gtest.h>

#include "workloads/config.h"

namespace pgo {
namespace {

// What `pgo init` writes must load as a valid pgo.yaml and name what it found.
TEST(Init, RenderedConfigLoads) {
  std::string text = render_initial_config({"server", "tool"}, {"gcc", "clang"});
  Config config = parse_config(text, "/project/pgo.yaml");
  EXPECT_EQ(config.build.system, "cmake");
  EXPECT_EQ(config.build.targets, (std::vector<std::string>{"server", "tool"}));
  ASSERT_EQ(config.toolchains.size(), 2u);
  EXPECT_EQ(config.toolchains[1].name, "clang");
  ASSERT_EQ(config.workloads.size(), 2u);
  EXPECT_EQ(config.workloads[0].name, "server-main");
  EXPECT_EQ(config.workloads[1].run[0], "${bin:tool}");
  EXPECT_EQ(config.merge.failure_mode, FailureMode::Any);
}

}  // namespace
}  // namespace pgo
