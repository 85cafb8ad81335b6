// `pgo status` on a copy of examples/rust-cargo with the real cargo/rustc 1.95: the LLVM
// function match reads rustc's instrumented binary (__llvm_prf_data/__llvm_prf_names) and
// the stored .profdata. A doc-comment edit and an edit of a cold function stay fresh; a new
// branch in the interpreter loop makes the profile stale and names `run`; a RUSTFLAGS
// change is flag drift.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "support/atomic_file.h"
#include "tests/e2e/e2e_support.h"
#include "workloads/process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

namespace pgo::e2e {
namespace {


TEST(CargoStatus, RustProfileStaysFreshUnderHarmlessEditsAndGoesStaleOnAHotEditOrNewRustflags) {
  if (!find_program("cargo") || !find_program("rustc")) GTEST_SKIP() << "cargo/rustc not installed";
  fs::path project = copy_example("rust-cargo");
  fs::remove_all(project / "target");
  PgoRun build = run_pgo({"build", "-C", project.string(), "--no-bench"});
  ASSERT_EQ(build.exit_code, 0) << build.err;

  json p = status_profile(project, 0);
  EXPECT_EQ(p["target"], "rvm");
  EXPECT_EQ(p["toolchain"], "rust");
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(p["function_match"].get<double>(), 1.0);
  EXPECT_GT(p["functions"]["total"].get<int>(), 10) << p.dump(2);

  fs::path main_rs = project / "src" / "main.rs";
  std::string original = read_file(main_rs);
  replace_once(main_rs, "/// fib(n) by naive recursion: calls, compares and arithmetic dominate.",
               "/// fib(n), naively (an edited comment).");
  p = status_profile(project, 0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0);
  EXPECT_EQ(p["changed_files"], json::parse(R"([{"path": "src/main.rs", "change": "modified"}])"));

  // The traced memory's report runs only under RVM_TRACE=1, never in training: a new branch
  // there changes a function without counts.
  write_text(main_rs, original);
  replace_once(main_rs, "        eprintln!(\"{}: {} reads, {} writes\", self.name, self.reads.get(), self.writes);",
               "        if self.writes == 0 { return; } eprintln!(\"{}: {} reads, {} writes\", self.name, "
               "self.reads.get(), self.writes);");
  p = status_profile(project, 0);
  EXPECT_EQ(p["stale"], false) << p.dump(2);
  EXPECT_DOUBLE_EQ(p["weighted_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_LT(p["function_match"].get<double>(), 1.0) << p.dump(2);
  EXPECT_THAT(p["mismatched_functions"].dump(), HasSubstr("TracedMemory")) << p.dump(2);

  // The interpreter loop, where the counts are, gets a new branch.
  write_text(main_rs, original);
  replace_once(main_rs, "            self.steps += 1;\n",
               "            self.steps += 1;\n            if self.steps == 123_456_789_012 { self.steps += 2; }\n");
  p = status_profile(project, 1);
  EXPECT_EQ(p["stale"], true);
  EXPECT_LT(p["weighted_match"].get<double>(), 0.9) << p.dump(2);
  ASSERT_FALSE(p["mismatched_functions"].empty()) << p.dump(2);
  EXPECT_THAT(p["mismatched_functions"][0]["name"].get<std::string>(), HasSubstr("run")) << p.dump(2);
  EXPECT_EQ(p["mismatched_functions"][0]["change"], "changed");
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("weighted function match"));

  // The code as it was, built with other RUSTFLAGS: flag drift.
  write_text(main_rs, original);
  {
    ScopedEnv rustflags("RUSTFLAGS", "-C target-cpu=native");
    p = status_profile(project, 1);
  }
  EXPECT_EQ(p["stale"], true);
  EXPECT_THAT(p["flag_drift"].dump(), HasSubstr("environment.RUSTFLAGS")) << p.dump(2);
  EXPECT_THAT(p["reasons"].dump(), HasSubstr("flag drift: environment.RUSTFLAGS")) << p.dump(2);
  fs::remove_all(project.parent_path());
}

}  // namespace
}  // namespace pgo::e2e
