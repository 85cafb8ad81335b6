// `pgo build` on command-driven builds (build.system: command): examples/c-make with the
// real make, gcc 12 and clang-22, and the exit-code contract of failing build commands.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace pgo::e2e {
namespace {

TEST(CommandEndToEnd, MakeExampleWithGccAndClang) {
  fs::path project = copy_example("c-make");
  cap_bench_at_min_runs(project);  // the 10 runs checked below, not up to 20
  PgoRun run = run_pgo({"build", "-C", project.string(), "--toolchain", "gcc", "--toolchain", "clang", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json report = json::parse(run.out);
  ASSERT_EQ(report["schema"], "pgo-report/1");

  std::set<std::string> seen;
  for (const auto& t : report["toolchains"]) {
    seen.insert(t["name"].get<std::string>());
    EXPECT_FALSE(t["version"].get<std::string>().empty());
  }
  EXPECT_EQ(seen, (std::set<std::string>{"gcc", "clang"}));

  ASSERT_EQ(report["profiles"].size(), 2u);
  for (const auto& p : report["profiles"]) {
    std::string tc = p["toolchain"].get<std::string>();
    SCOPED_TRACE(tc);
    EXPECT_EQ(p["target"], "pack");
    const json& profile = p["profile"];
    EXPECT_GT(profile["functions"].get<int>(), 0);
    EXPECT_GT(profile["functions_with_counts"].get<int>(), 0);
    EXPECT_EQ(profile["mismatch_warnings"].get<int>(), 0) << profile["warning_examples"].dump();
    EXPECT_EQ(profile["missing_warnings"].get<int>(), 0) << profile["warning_examples"].dump();
    EXPECT_TRUE(profile["optimized_binary_differs"].get<bool>());
    // The hottest functions are named: the notes (GCC) or names (Clang) of the build tree.
    bool named_hot = false;
    for (const auto& h : profile["hottest"])
      if (h["name"].get<std::string>().find("longest") != std::string::npos ||
          h["name"].get<std::string>().find("decode") != std::string::npos ||
          h["name"].get<std::string>().find("lz_") != std::string::npos)
        named_hot = true;
    EXPECT_TRUE(named_hot) << profile["hottest"].dump();

    fs::path stored = profile["stored_at"].get<std::string>();
    EXPECT_TRUE(fs::exists(stored)) << stored;
    json meta = read_json(stored.parent_path() / (tc + ".json"));
    EXPECT_EQ(meta["schema"], "pgo-profile/1");
    EXPECT_EQ(meta["toolchain"]["name"], tc);
    EXPECT_EQ(meta["toolchain"]["compiler_id"], tc == "gcc" ? "GNU" : "Clang");
    EXPECT_TRUE(meta["sources"]["files"].contains("src/lz.c")) << meta["sources"].dump();
    EXPECT_TRUE(meta["sources"]["files"].contains("Makefile")) << meta["sources"].dump();

    // Each kind built in a tree of its own; the project itself was not built in.
    for (const char* kind : {"baseline", "instrumented", "optimized"})
      EXPECT_TRUE(fs::exists(project / ".pgo" / "build" / tc / kind / "tree" / "pack")) << kind;
  }
  EXPECT_FALSE(fs::exists(project / "pack"));
  EXPECT_FALSE(fs::exists(project / "src" / "lz.o"));

  ASSERT_EQ(report["results"].size(), 6u);  // three workloads, two toolchains
  for (const auto& r : report["results"]) {
    SCOPED_TRACE(r["toolchain"].get<std::string>() + "/" + r["workload"].get<std::string>());
    expect_measured_result(r, 10);
  }
  EXPECT_EQ(read_json(project / ".pgo" / "reports" / "latest" / "report.json"), report);
  fs::remove_all(project.parent_path());
}

// A one-file make project whose pgo.yaml takes the given build section.
fs::path make_project(const std::string& makefile, const std::string& build_yaml) {
  fs::path dir = scratch_dir("make") / "tiny";
  fs::create_directories(dir);
  write_text(dir / "main.c", "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n");
  write_text(dir / "Makefile", makefile);
  write_text(dir / "pgo.yaml", "version: 1\nbuild:\n  system: command\n" + build_yaml +
                                   "toolchains: [gcc]\nworkloads:\n  - name: hi\n    run: [\"${bin:app}\"]\n"
                                   "bench:\n  warmup: 0\n  min_runs: 3\n  max_runs: 3\n");
  return dir;
}

TEST(CommandEndToEnd, FailingBuildCommandExits3WithCommandAndStatus) {
  fs::path dir = make_project("app: main.c\n\t@echo 'main.c:2: error: it broke' >&2; exit 1\n",
                              "  build: [\"make\", \"app\"]\n  artifacts:\n    app: app\n");
  PgoRun run = run_pgo({"build", "-C", dir.string()});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("build command (build.build) failed (exit status 2): make app"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("main.c:2: error: it broke"), std::string::npos) << run.err;
  fs::remove_all(dir.parent_path());
}

// A link rule that ignores LDFLAGS: the instrumented objects need gcov's runtime, which only
// the link flags bring. The failure must say so and how to pass ${pgo_ldflags}.
TEST(CommandEndToEnd, LinkRuleWithoutLdflagsGetsALinkFlagsHint) {
  fs::path dir = make_project("app: main.c\n\t$(CC) $(CFLAGS) -c -o main.o main.c\n\t$(CC) -o app main.o\n",
                              "  build: [\"make\", \"app\"]\n  artifacts:\n    app: app\n");
  PgoRun run = run_pgo({"build", "-C", dir.string(), "--no-bench"});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("undefined reference to"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("the link step did not receive pgo's link flags (undefined __gcov_"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("${pgo_ldflags}"), std::string::npos) << run.err;
  fs::remove_all(dir.parent_path());
}

TEST(CommandEndToEnd, MissingArtifactExits3ListingExecutables) {
  fs::path dir = make_project("app: main.c\n\t$(CC) $(CFLAGS) $(LDFLAGS) -o app main.c\n",
                              "  build: \"make app\"\n  artifacts:\n    app: out/app\n");
  PgoRun run = run_pgo({"build", "-C", dir.string()});
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("build.artifacts.app: out/app"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("\n  app"), std::string::npos) << run.err;
  fs::remove_all(dir.parent_path());
}

TEST(CommandEndToEnd, UnknownPlaceholderExits2WithLocation) {
  fs::path dir = make_project("app: main.c\n\t$(CC) -o app main.c\n",
                              "  build: [\"make\", \"CFLAGS=${pgo_cflag}\", \"app\"]\n  artifacts:\n    app: app\n");
  PgoRun run = run_pgo({"build", "-C", dir.string()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("pgo.yaml:4: build.build[1]: unknown placeholder ${pgo_cflag}"), std::string::npos) << run.err;
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
