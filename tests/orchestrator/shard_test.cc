// Shard splitting and manifest agreement (orchestrator/shard.h).
#include "orchestrator/shard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "support/atomic_file.h"
#include "support/error.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

TEST(ParseShard, AcceptsKOverN) {
  EXPECT_EQ(parse_shard("1/1"), (ShardSpec{1, 1}));
  EXPECT_EQ(parse_shard("3/4"), (ShardSpec{3, 4}));
  EXPECT_EQ(parse_shard("12/12").label(), "12/12");
}

TEST(ParseShard, RejectsMalformedWithUsageError) {
  for (const char* bad : {"", "1", "1/", "/2", "0/2", "3/2", "1/0", "-1/2", "a/b", "1/2/3", "1 /2", "1/2x"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << bad;
      EXPECT_NE(std::string(e.what()).find(std::string("--shard ") + bad), std::string::npos) << e.what();
    }
  }
}

// Every run lands in exactly one shard, and shards differ in size by at most one.
TEST(InShard, PartitionsEveryRunExactlyOnce) {
  for (size_t runs : {1u, 2u, 3u, 7u, 10u, 31u}) {
    for (int n = 1; n <= 6; ++n) {
      std::vector<int> owner(runs, 0);
      std::vector<size_t> sizes(n, 0);
      for (int k = 1; k <= n; ++k)
        for (size_t i = 0; i < runs; ++i)
          if (in_shard(i, ShardSpec{k, n})) {
            ++owner[i];
            ++sizes[k - 1];
          }
      for (size_t i = 0; i < runs; ++i) EXPECT_EQ(owner[i], 1) << "run " << i << " of " << runs << ", N=" << n;
      auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
      EXPECT_LE(*hi - *lo, 1u) << runs << " runs, N=" << n;
    }
  }
}

// Round robin: a workload repeated N times spreads over all N shards.
TEST(InShard, RoundRobinSpreadsRepeats) {
  std::set<int> shards_of_first_four;
  for (size_t i = 0; i < 4; ++i)
    for (int k = 1; k <= 4; ++k)
      if (in_shard(i, ShardSpec{k, 4})) shards_of_first_four.insert(k);
  EXPECT_EQ(shards_of_first_four.size(), 4u);
}

ShardManifest manifest(int k, int n) {
  ShardManifest m;
  m.toolchain = "clang";
  m.compiler_id = "Clang";
  m.compiler_version = "22.0.0";
  m.format = "llvm";
  m.format_version = "10";
  m.workloads = "abc";
  m.instrumented = {{"calc", "0123"}};
  m.shard = ShardSpec{k, n};
  m.total_runs = 3;
  m.runs = {ShardRun{"fib", 0, 2, "runs/fib.1/x.profraw"}};
  return m;
}

TEST(Manifest, RoundTripsThroughJson) {
  fs::path dir = fs::temp_directory_path() / ("pgo-shard-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  ShardManifest m = manifest(2, 3);
  m.failures = {"sort (repeat 1)"};
  write_file_atomic(dir / "manifest.json", manifest_to_json(m).dump());
  ShardManifest back = read_manifest(dir / "manifest.json");
  EXPECT_EQ(manifest_to_json(back), manifest_to_json(m));
  fs::remove_all(dir);
}

TEST(Manifest, RejectsCorruptMissingAndEscapingFiles) {
  fs::path dir = fs::temp_directory_path() / ("pgo-shard-bad-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto expect_usage = [&](const std::string& text, const std::string& needle) {
    write_file_atomic(dir / "manifest.json", text);
    try {
      read_manifest(dir / "manifest.json");
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find((dir / "manifest.json").string()), std::string::npos) << e.what();
    }
  };
  expect_usage("{not json", "malformed");
  expect_usage("", "malformed");
  expect_usage(R"({"schema":"pgo-report/1"})", "not a pgo-shard/1 manifest");
  nlohmann::json j = manifest_to_json(manifest(1, 2));
  j.erase("instrumented");
  expect_usage(j.dump(), "malformed");
  // Wrong-typed fields name the field (they were nlohmann's "type must be string, but is number").
  j = manifest_to_json(manifest(1, 2));
  j["workloads_fingerprint"] = 3;
  expect_usage(j.dump(), "malformed shard manifest: key 'workloads_fingerprint' is number, expected a string");
  j = manifest_to_json(manifest(1, 2));
  j["runs"][0]["weight"] = -1;
  expect_usage(j.dump(), "key 'runs[0].weight' is number, expected a non-negative integer");
  j = manifest_to_json(manifest(1, 2));
  j["shard"] = "3/2";
  expect_usage(j.dump(), "K must be between 1 and N");
  j = manifest_to_json(manifest(1, 2));
  j["runs"][0]["profile"] = "../../etc/passwd";
  expect_usage(j.dump(), "leaves the shard directory");
  EXPECT_THROW(read_manifest(dir / "absent.json"), Error);
  fs::remove_all(dir);
}

void expect_disagree(std::vector<ShardManifest> ms, const std::string& needle) {
  std::vector<std::pair<fs::path, ShardManifest>> in;
  for (size_t i = 0; i < ms.size(); ++i) in.emplace_back("shard" + std::to_string(i + 1) + "/manifest.json", ms[i]);
  try {
    check_manifests_agree(in);
    ADD_FAILURE() << "accepted; expected: " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(ManifestsAgree, CompleteMatchingSetPasses) {
  std::vector<std::pair<fs::path, ShardManifest>> in = {{"a", manifest(2, 2)}, {"b", manifest(1, 2)}};
  EXPECT_NO_THROW(check_manifests_agree(in));
}

TEST(ManifestsAgree, EachDifferenceIsNamed) {
  ShardManifest a = manifest(1, 2), b = manifest(2, 2);
  b.instrumented["calc"] = "4567";
  expect_disagree({a, b}, "instrumented calc");
  b = manifest(2, 2);
  b.compiler_version = "21.1.0";
  expect_disagree({a, b}, "compiler");
  b = manifest(2, 2);
  b.format_version = "9";
  expect_disagree({a, b}, "profile format");
  b = manifest(2, 2);
  b.workloads = "def";
  expect_disagree({a, b}, "workloads");
  b = manifest(2, 2);
  b.toolchain = "gcc";
  expect_disagree({a, b}, "toolchain");
  b = manifest(2, 3);
  expect_disagree({a, b}, "shard count");
  b = manifest(2, 2);
  b.instrumented["other"] = "89ab";
  expect_disagree({a, b}, "instrumented other");
  expect_disagree({a, manifest(1, 2)}, "given twice");
  expect_disagree({manifest(1, 3), manifest(3, 3)}, "shards 2/3 are missing");
  expect_disagree({}, "no shard");
}

}  // namespace
}  // namespace pgo
