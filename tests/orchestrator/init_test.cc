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

}  // namespace
}  // namespace pgo
