// Cargo's test and bench binaries as workload targets (${bin:<name>.test}, ${bin:<name>.bench}):
// the names, the lookup in recorded `cargo metadata`, the cargo selection arguments, and the
// executables in recorded `cargo build --test smoke --bench parse` messages (cargo 1.95;
// tests/data/cargo/harness-*: a package with a lib, a bin, tests/smoke.rs and benches/parse.rs).
#include <gtest/gtest.h>

#include "adapters/cargo/cargo_messages.h"
#include "adapters/cargo/cargo_metadata.h"
#include "adapters/cargo/cargo_targets.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo::cargo {
namespace {

namespace fs = std::filesystem;
const fs::path kHarnessData = pgo::test_paths::test_data() / "cargo";
const std::string kPackageId = "path+file:///tmp/cargo-exp/harness#0.1.0";

TEST(CargoHarnessTargets, NamesEndInTestOrBench) {
  auto bench = parse_harness_target("parse.bench");
  ASSERT_TRUE(bench);
  EXPECT_EQ(bench->kind, HarnessTarget::Kind::Bench);
  EXPECT_EQ(bench->name, "parse");
  EXPECT_EQ(bench->target(), "parse.bench");
  auto test = parse_harness_target("smoke.test");
  ASSERT_TRUE(test);
  EXPECT_EQ(test->kind, HarnessTarget::Kind::Test);
  EXPECT_STREQ(test->cargo_kind(), "test");
  EXPECT_EQ(parse_harness_target("v1.2.test")->name, "v1.2");  // the last suffix decides
  EXPECT_FALSE(parse_harness_target("rvm"));
  EXPECT_FALSE(parse_harness_target(".test"));
  EXPECT_FALSE(parse_harness_target("parse.benches"));
}

TEST(CargoHarnessTargets, MetadataListsTestAndBenchTargets) {
  Metadata m = parse_metadata(read_file(kHarnessData / "harness-metadata.json"));
  ASSERT_EQ(m.packages.size(), 1u);
  EXPECT_EQ(m.packages[0].bins, std::vector<std::string>{"harness"});
  EXPECT_EQ(m.packages[0].tests, std::vector<std::string>{"smoke"});
  EXPECT_EQ(m.packages[0].benches, std::vector<std::string>{"parse"});
}

TEST(CargoHarnessTargets, ResolvesTheWorkloadsTestsAndBenches) {
  Metadata m = parse_metadata(read_file(kHarnessData / "harness-metadata.json"));
  std::vector<const Package*> packages = selected_packages(m, "", "/tmp/cargo-exp/harness");
  std::vector<HarnessTarget> found =
      resolve_harness_targets({"harness", "parse.bench", "smoke.test"}, packages, "pgo.yaml: ");
  ASSERT_EQ(found.size(), 2u);  // the bin is not a harness target
  EXPECT_EQ(found[0].target(), "parse.bench");
  EXPECT_EQ(found[0].package_id, kPackageId);
  EXPECT_EQ(found[1].target(), "smoke.test");

  try {
    resolve_harness_targets({"smoke.bench"}, packages, "pgo.yaml: ");
    FAIL() << "a bench that does not exist was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    std::string what = e.what();
    EXPECT_NE(what.find("pgo.yaml: a workload runs ${bin:smoke.bench}"), std::string::npos) << what;
    EXPECT_NE(what.find("no bench target 'smoke' (benches/smoke.rs"), std::string::npos) << what;
    EXPECT_NE(what.find("test and bench binaries: smoke.test, parse.bench"), std::string::npos) << what;
  }

  // A bin target whose name ends in .test stays a bin.
  Package odd = *packages[0];
  odd.bins.push_back("tool.test");
  EXPECT_TRUE(resolve_harness_targets({"tool.test"}, {&odd}, "").empty());
}

TEST(CargoHarnessTargets, SelectionArgumentsNameEachKind) {
  std::vector<HarnessTarget> harness = {{HarnessTarget::Kind::Bench, "parse", kPackageId},
                                        {HarnessTarget::Kind::Test, "smoke", kPackageId}};
  EXPECT_EQ(target_selection_args({"harness", "parse.bench", "smoke.test"}, harness),
            (std::vector<std::string>{"--bin", "harness", "--bench", "parse", "--test", "smoke"}));
  // Without a resolved harness target a name is a bin's.
  EXPECT_EQ(target_selection_args({"smoke.test"}, {}), (std::vector<std::string>{"--bin", "smoke.test"}));
}

TEST(CargoHarnessTargets, FindsTheHarnessExecutablesInCargosMessages) {
  BuildMessages m = parse_build_messages(read_file(kHarnessData / "harness-build.jsonl"));
  const ExecutableArtifact* bench = find_executable(m, "bench", "parse", kPackageId);
  ASSERT_NE(bench, nullptr);
  EXPECT_EQ(bench->executable.parent_path(), "/tmp/cargo-exp/harness-t/x86_64-unknown-linux-gnu/release/deps");
  EXPECT_TRUE(bench->executable.filename().string().starts_with("parse-")) << bench->executable;
  const ExecutableArtifact* test = find_executable(m, "test", "smoke");
  ASSERT_NE(test, nullptr);
  EXPECT_TRUE(test->executable.filename().string().starts_with("smoke-")) << test->executable;
  EXPECT_EQ(find_executable(m, "test", "parse"), nullptr);  // a bench, not a test
  EXPECT_EQ(find_bin(m, "parse"), nullptr);
  ASSERT_NE(find_bin(m, "harness"), nullptr);  // built too: integration tests and benches may run the bins
}

}  // namespace
}  // namespace pgo::cargo
