#include "orchestrator/init.h"

#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "workloads/config.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;

// What `pgo init` writes must load as a valid pgo.yaml and name what it found.
TEST(Init, RenderedCMakeConfigLoads) {
  InitialConfig initial{"cmake", {"source_dir: .", "build_type: Release"}, {"gcc", "clang"},
                        {{"server", {"--help"}, "TODO", ""}, {"tool", {}, "", ""}}};
  Config config = parse_config(render_initial_config(initial), "/project/pgo.yaml");
  EXPECT_EQ(config.build.system, "cmake");
  EXPECT_EQ(config.build.targets, (std::vector<std::string>{"server", "tool"}));
  ASSERT_EQ(config.toolchains.size(), 2u);
  EXPECT_EQ(config.toolchains[1].name, "clang");
  ASSERT_EQ(config.workloads.size(), 2u);
  EXPECT_EQ(config.workloads[0].name, "server-main");
  EXPECT_EQ(config.workloads[0].run, (std::vector<std::string>{"${bin:server}", "--help"}));
  EXPECT_EQ(config.workloads[1].run, (std::vector<std::string>{"${bin:tool}"}));
  EXPECT_EQ(config.merge.failure_mode, FailureMode::Any);
}

TEST(Init, RenderedCommandCargoAndGoConfigsLoad) {
  InitialConfig make{"command", {"build: [\"make\", \"-j${jobs}\"]"}, {"gcc"}, {{"app", {"--help"}, "", "out/app"}}};
  Config c = parse_config(render_initial_config(make), "/project/pgo.yaml");
  EXPECT_EQ(c.build.system, "command");
  EXPECT_EQ(c.build.artifacts, (std::map<std::string, std::string>{{"app", "out/app"}}));

  InitialConfig cargo{"cargo", {"source_dir: .", "profile: release"}, {"rust"}, {{"cli", {"-h"}, "", ""}}};
  c = parse_config(render_initial_config(cargo), "/project/pgo.yaml");
  EXPECT_EQ(c.build.targets, (std::vector<std::string>{"cli"}));

  InitialConfig go{"go", {"packages: [\"./cmd/app\"]"}, {"go"},
                   {{"app", {"--help"}, "", ""}, {"lib.test", {"-test.bench=."}, "", "", false}}};
  c = parse_config(render_initial_config(go), "/project/pgo.yaml");
  EXPECT_EQ(c.build.packages, (std::vector<std::string>{"./cmd/app"}));
  ASSERT_EQ(c.workloads.size(), 2u);
  EXPECT_FALSE(c.workloads[1].compare_output);  // benchmark lines print timings
}

TEST(Init, TheBuildSystemIsToldByItsFiles) {
  fs::path dir = fs::temp_directory_path() / ("pgo-init-kind-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_EQ(detect_project_kind(dir), "");
  for (const auto& [file, kind] : std::vector<std::pair<std::string, std::string>>{
           {"Makefile", "make"}, {"configure", "configure"}, {"meson.build", "meson"}, {"go.mod", "go"},
           {"Cargo.toml", "cargo"}, {"CMakeLists.txt", "cmake"}}) {
    write_file_atomic(dir / file, "");
    EXPECT_EQ(detect_project_kind(dir), kind) << file;  // each file added outranks the ones before
  }
  fs::remove_all(dir);
}

// bzip2 1.0.8's Makefile sets CC and CFLAGS itself, so make's environment cannot reach them.
TEST(Init, AMakefileThatSetsItsFlagsGetsThemOnTheCommandLineWithItsOwn) {
  const std::string makefile =
      "SHELL=/bin/sh\n"
      "CC=gcc\n"
      "BIGFILES=-D_FILE_OFFSET_BITS=64\n"
      "CFLAGS=-Wall -Winline -O2 -g $(BIGFILES)   # tuned\n"
      "CFLAGS += -DEXTRA \\\n  -DMORE\n"
      "LDFLAGS=\n"
      "CXXFLAGS ?= -O2\n"
      "all: bzip2\n"
      "\tCFLAGS=ignored $(CC) -c x.c\n"
      "export CXX := ${TOOL}g++\n";
  const auto overrides = makefile_overrides(makefile);
  EXPECT_EQ(overrides, (std::map<std::string, std::string>{
                           {"CC", "gcc"},
                           {"CFLAGS", "-Wall -Winline -O2 -g $(BIGFILES) -DEXTRA -DMORE"},
                           {"CXX", "$(TOOL)g++"},
                           {"LDFLAGS", ""}}));
  EXPECT_EQ(make_command(overrides),
            (std::vector<std::string>{"make", "-j${jobs}", "CC=${cc}", "CXX=${cxx}",
                                      "CFLAGS=-Wall -Winline -O2 -g $(BIGFILES) -DEXTRA -DMORE ${pgo_cflags}",
                                      "LDFLAGS=${pgo_ldflags}"}));
  // Flags the Makefile only defaults (?=) or extends (+=) come from the environment as they are.
  EXPECT_TRUE(makefile_overrides("CFLAGS ?= -O2\nLDFLAGS += -lm\nCFLAGS_EXTRA = -g\n").empty());
  EXPECT_EQ(make_command({}), (std::vector<std::string>{"make", "-j${jobs}"}));
}

// A target whose probe command failed is written commented out while another one runs, so the
// file trains unchanged; alone, it stays in (there is nothing else to train on).
TEST(Init, AWorkloadThatFailedInTheProbeIsCommentedOutWhenAnotherRuns) {
  InitTarget works{"bzip2", {"--help"}, "TODO: replace with a representative command line.", "bzip2"};
  InitTarget fails{"bzip2recover", {"--help"}, "TODO: this must exit 0 for training", "bzip2recover"};
  fails.runs = false;
  InitialConfig both{"command", {"build: [\"make\", \"CFLAGS=-DV=\\\"1\\\" ${pgo_cflags}\"]"}, {"gcc"},
                     {works, fails}};
  const std::string text = render_initial_config(both);
  Config c = parse_config(text, "/project/pgo.yaml");
  ASSERT_EQ(c.workloads.size(), 1u) << text;
  EXPECT_EQ(c.workloads[0].name, "bzip2-main");
  EXPECT_NE(text.find("  # - name: bzip2recover-main"), std::string::npos) << text;
  EXPECT_EQ(c.build.build.argv, (std::vector<std::string>{"make", "CFLAGS=-DV=\"1\" ${pgo_cflags}"}));

  InitialConfig alone{"command", {"build: [\"make\"]"}, {"gcc"}, {fails}};
  EXPECT_EQ(parse_config(render_initial_config(alone), "/project/pgo.yaml").workloads.size(), 1u);
}

}  // namespace
}  // namespace pgo
