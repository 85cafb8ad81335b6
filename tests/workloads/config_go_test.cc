// pgo.yaml for Go modules: build.system go with packages, the implied go toolchain, and the
// workload key `profile` (a profile the program writes itself).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/error.h"
#include "workloads/config.h"

namespace pgo {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kBase =
    "version: 1\n"
    "build:\n"
    "  system: go\n"
    "  packages: [./cmd/app]\n"
    "workloads:\n"
    "  - name: bench\n"
    "    run: [\"${bin:k.test}\", \"-test.cpuprofile=${run_dir}/cpu.pprof\"]\n";

TEST(ConfigGoTest, PackagesAndImpliedToolchain) {
  Config c = parse_config(kBase, "pgo.yaml");
  EXPECT_EQ(c.build.system, "go");
  EXPECT_EQ(c.build.packages, (std::vector<std::string>{"./cmd/app"}));
  ASSERT_EQ(c.toolchains.size(), 1u);
  EXPECT_EQ(c.toolchains[0].name, "go");
  EXPECT_TRUE(c.workloads[0].profile.empty());
}

TEST(ConfigGoTest, ProfileIsAPathInsideTheRunDirectory) {
  Config c = parse_config(kBase + "    profile: prof/cpu.pprof\n", "pgo.yaml");
  EXPECT_EQ(c.workloads[0].profile, "prof/cpu.pprof");
}

TEST(ConfigGoTest, ProfileOutsideTheRunDirectoryIsRefusedWithItsLocation) {
  for (const char* bad : {"/tmp/cpu.pprof", "../cpu.pprof", "\"\"", "."}) {
    SCOPED_TRACE(bad);
    try {
      parse_config(kBase + "    profile: " + bad + "\n", "pgo.yaml");
      ADD_FAILURE() << "accepted profile: " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      EXPECT_THAT(e.what(), StartsWith("pgo.yaml:8:14: workloads[0].profile"));
      EXPECT_THAT(e.what(), HasSubstr(std::string(bad) == "\"\"" ? "must not be empty" : "relative to the run directory"));
    }
  }
}

TEST(ConfigGoTest, CMakeKeysAreNotGoKeys) {
  try {
    parse_config("version: 1\nbuild:\n  system: go\n  targets: [app]\nworkloads:\n  - {name: a, run: [x]}\n",
                 "pgo.yaml");
    ADD_FAILURE() << "targets accepted for system go";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), HasSubstr("targets"));
  }
}

}  // namespace
}  // namespace pgo
