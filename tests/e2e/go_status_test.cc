// `pgo status` on a copy of examples/go-module with the real go command: fresh after a
// build; a comment above a function or an edit of a cold function keeps the call edges'
// offsets and stays fresh; a line inserted in the hot Simulate above its step call shifts
// that edge (Go no longer inlines step there) and makes the profile stale; GOFLAGS drift;
// a corrupt stored profile. Then two real projects (docs/real-projects.md): a generics- and
// closure-heavy module unchanged, and a program whose hot code is in a downgraded dependency.
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

// A real generics- and closure-heavy module, github.com/tidwall/btree v1.8.2 from the Go
// module proxy (docs/real-projects.md): a library, so its test binary is the target and a
// few of its tests the workload (about 7 s). Its hot code is generic methods (go.shape
// instantiations), closures, calls through the comparator field `less` and deferred unlocks.
constexpr const char* kBtreeConfig = R"(version: 1
build:
  system: go
workloads:
  - name: tests
    run: ["${bin:btree.test}",
          "-test.run=^Test(GenericSimpleRandom|GenericVarious|GenericBTree|GenericItems|GenericDeleteRandom|GenericIter|MapVarious|MapBTree|MapDeleteRandom|MapIter|Set|SetIter|Iter)$",
          "-test.cpuprofile=${run_dir}/cpu.pprof"]
    profile: cpu.pprof
    compare_output: false
)";

TEST(GoStatusRealProject, AnUnchangedGenericsModuleIsFreshAtAFullMatch) {
  std::string why;
  fs::path project = copy_real_project("btree", &why);
  ASSERT_FALSE(project.empty()) << why;
  write_text(project / "pgo.yaml", kBtreeConfig);
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  // About 700 samples: below pgo's 1000 (docs/adapters/go.md), said in the report and the
  // progress.
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  EXPECT_THAT(report["warnings"].dump(), HasSubstr("CPU samples")) << report["warnings"].dump(2);
  EXPECT_THAT(build.err + build.out, HasSubstr("warning: go: the Go profile holds only"));

  json p = status_profile(project, 0);
  EXPECT_EQ(p["target"], "btree.test");
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p["mismatched_functions"].dump(2);
  EXPECT_GE(p["functions"]["total"].get<int>(), 40) << p.dump(2);
  EXPECT_GT(p["compared_share"].get<double>(), 0.5) << p.dump(2);  // the module's own code is most of it
  fs::remove_all(project.parent_path());
}

// A program whose hot code is in a module dependency (btree's Map): the dependency's edges
// are compared by module version, so downgrading btree to v1.7.0 (also from the proxy) is
// dependency drift naming both versions, and its edges count as changed.
constexpr const char* kBtreeAppMain = R"(package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/tidwall/btree"
)

func main() {
	rounds, _ := strconv.Atoi(os.Args[1])
	var m btree.Map[int, int]
	sum := 0
	for r := 0; r < rounds; r++ {
		for i := 0; i < 200000; i++ {
			m.Set((i*7919)%200003, i)
		}
		for i := 0; i < 200000; i++ {
			if v, ok := m.Get(i); ok {
				sum += v
			}
		}
		m.Scan(func(k, v int) bool {
			sum += k
			return true
		})
		for i := 0; i < 200000; i += 2 {
			m.Delete(i)
		}
		// Work of main's own, so that the hottest list has main's code whatever the sampling.
		for i := 0; i < 10000000; i++ {
			sum += (i * 2654435761) >> 13 & 7
		}
	}
	fmt.Println(sum)
}
)";

int run_go(const fs::path& dir, const std::vector<std::string>& args, std::string* out) {
  std::string command = "cd '" + dir.string() + "' && GOFLAGS=-mod=mod go";
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  out->clear();
  FILE* p = popen(command.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out->append(buf, n);
  return pclose(p);
}

TEST(GoStatusRealProject, ADowngradedDependencyIsDependencyDrift) {
  std::string why;
  // Both releases into the module cache (the second one is what the program is downgraded to).
  ASSERT_FALSE(copy_real_project("btree-old", &why).empty()) << why;
  fs::path project = scratch_dir("btreeapp") / "btreeapp";
  fs::create_directories(project);
  write_text(project / "go.mod", "module example.com/btreeapp\n\ngo 1.23\n\nrequire github.com/tidwall/btree v1.8.2\n");
  write_text(project / "main.go", kBtreeAppMain);
  write_text(project / "pgo.yaml", "version: 1\nbuild:\n  system: go\n  packages: [\".\"]\nworkloads:\n"
                                   "  - name: maps\n    run: [\"${bin:btreeapp}\", \"20\"]\n    repeat: 2\n");
  std::string out;
  ASSERT_EQ(run_go(project, {"mod", "tidy"}, &out), 0) << out;
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;
  // The hottest list starts with the program's own code, not btree's or the runtime's.
  json report = read_json(project / ".pgo" / "reports" / "latest" / "report.json");
  ASSERT_FALSE(report["profiles"][0]["profile"]["hottest"].empty()) << report["profiles"].dump(2);
  EXPECT_THAT(report["profiles"][0]["profile"]["hottest"][0]["name"].get<std::string>(), ::testing::StartsWith("main."))
      << report["profiles"][0]["profile"]["hottest"].dump(2);
  json meta = read_json(project / ".pgo" / "profiles" / "btreeapp" / "go.json");
  EXPECT_EQ(meta["dependencies"]["modules"]["github.com/tidwall/btree"], "v1.8.2") << meta.dump(2);

  json p = status_profile(project, 0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_GT(p["compared_share"].get<double>(), 0.5) << p.dump(2);  // btree's edges, by version

  ASSERT_EQ(run_go(project, {"mod", "edit", "-require=github.com/tidwall/btree@v1.7.0"}, &out), 0) << out;
  ASSERT_EQ(run_go(project, {"mod", "tidy"}, &out), 0) << out;
  PgoRun run;
  p = status_profile(project, 1, {}, &run);
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("dependency drift: github.com/tidwall/btree v1.8.2 -> v1.7.0")) << p.dump(2);
  ASSERT_FALSE(p["dependency_drift"].empty()) << p.dump(2);
  EXPECT_EQ(p["dependency_drift"][0]["module"], "github.com/tidwall/btree");
  EXPECT_EQ(p["dependency_drift"][0]["then"], "v1.8.2");
  EXPECT_EQ(p["dependency_drift"][0]["now"], "v1.7.0");
  ASSERT_TRUE(p["weighted_match"].is_number()) << p.dump(2);
  EXPECT_LT(p["weighted_match"].get<double>(), 0.9);
  PgoRun table = run_pgo({"status", "-C", project.string()});
  EXPECT_EQ(table.exit_code, 1);
  EXPECT_THAT(table.out, HasSubstr("dependency drift: github.com/tidwall/btree v1.8.2 -> v1.7.0"));
  EXPECT_THAT(table.out, ::testing::Not(HasSubstr("(100.0%)")));
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
