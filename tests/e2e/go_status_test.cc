// `pgo status` on a copy of examples/go-module with the real go command: fresh after a
// build; a comment above a function or an edit of a cold function keeps the call edges'
// offsets and stays fresh; a line inserted in the hot Simulate above its step call shifts
// that edge (Go no longer inlines step there) and makes the profile stale; GOFLAGS drift;
// a corrupt stored profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {

// One command workload, one binary: a single stored profile, trained in a few seconds
// (about 1.5 s a run; enough samples that Simulate -> step is about a third of the
// compared edge weight).
constexpr const char* kConfig = R"(version: 1
build:
  system: go
  packages: ["./cmd/gomodule"]
workloads:
  - name: pipeline
    run: ["${bin:gomodule}", "-size", "4"]
    repeat: 2
)";

TEST(GoStatus, FreshUntilTheHotCallSiteMoves) {
  fs::path project = copy_example("go-module");
  write_text(project / "pgo.yaml", kConfig);
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;

  json p = status_profile(project, 0);
  EXPECT_EQ(p["target"], "gomodule");
  EXPECT_EQ(p["toolchain"], "go");
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["function_match"].get<double>(), 1.0);
  EXPECT_GE(p["functions"]["total"].get<int>(), 3) << p.dump(2);  // call edges of module callers
  EXPECT_THAT(p["notes"].dump(), HasSubstr("call edges"));
  EXPECT_EQ(p["changed_files"], json::array());

  // Comment lines above the hot function: its func line moves, the offsets do not.
  fs::path particles = project / "kernels" / "particles.go";
  std::string original = read_file(particles);
  replace_once(particles, "// Simulate advances every particle",
               "// (An edited comment,\n// two lines longer.)\n// Simulate advances every particle");
  p = status_profile(project, 0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_EQ(p["changed_files"], json::parse(R"([{"path": "kernels/particles.go", "change": "modified"}])"));

  // A cold function (run once, above Simulate in the same file) gets a new line.
  write_text(particles, original);
  replace_once(particles, "\tps := make([]Particle, n)", "\tif n < 0 {\n\t\tn = 0\n\t}\n\tps := make([]Particle, n)");
  p = status_profile(project, 0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_GE(p["weighted_match"].get<double>(), 0.9) << p.dump(2);

  // The hot caller gets a line above its step call: the edge's offset now points at the
  // loop header, and Go's PGO would no longer find the call hot (docs/staleness.md).
  write_text(particles, original);
  replace_once(particles, "\tfor s := 0; s < steps; s++ {", "\tsteps += 0\n\tfor s := 0; s < steps; s++ {");
  PgoRun run;
  p = status_profile(project, 1, {}, &run);
  EXPECT_EQ(p["stale"], true);
  EXPECT_LT(p["weighted_match"].get<double>(), 0.9) << p.dump(2);
  ASSERT_FALSE(p["mismatched_functions"].empty()) << p.dump(2);
  EXPECT_EQ(p["mismatched_functions"][0]["name"], "kernels.Simulate -> kernels.step (+3)")
      << p["mismatched_functions"].dump(2);
  EXPECT_EQ(p["mismatched_functions"][0]["change"], "changed");
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("hottest mismatch: kernels.Simulate -> kernels.step (+3) (changed"));
  PgoRun table = run_pgo({"status", "-C", project.string()});
  EXPECT_EQ(table.exit_code, 1) << table.err;
  EXPECT_THAT(table.out, HasSubstr("STALE"));
  EXPECT_THAT(table.out, HasSubstr("kernels.Simulate -> kernels.step (+3)"));

  // GOFLAGS is part of the recorded build environment: changing it is flag drift.
  write_text(particles, original);
  ::setenv("GOFLAGS", "-tags=pgostatus", 1);
  p = status_profile(project, 1);
  ::unsetenv("GOFLAGS");
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("flag drift: environment.GOFLAGS"));
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);

  // A corrupt stored profile: stale, and the file is named.
  fs::path stored = project / ".pgo" / "profiles" / "gomodule" / "go.pprof";
  ASSERT_TRUE(fs::exists(stored));
  write_text(stored, "\x1f\x8b\x08 truncated");
  p = status_profile(project, 1, {}, &run);
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr(stored.string()));
  EXPECT_THAT(run.err, HasSubstr("pgo: error: corrupt stored profile: " + stored.string()));
  EXPECT_TRUE(p["weighted_match"].is_null());
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
