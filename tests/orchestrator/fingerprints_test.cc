// Fingerprint reuse decisions and the bench-result round trip (orchestrator/fingerprints.h,
// orchestrator/report/json_read.h).
#include "orchestrator/fingerprints.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "orchestrator/report/json.h"
#include "orchestrator/report/json_read.h"
#include "support/atomic_file.h"

namespace fs = std::filesystem;

namespace pgo::reuse {
namespace {

class FingerprintsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-fp-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    merged_ = dir_ / "profile-0123456789abcdef.profdata";
    write_file_atomic(merged_, "profile");
  }
  void TearDown() override { fs::remove_all(dir_); }

  TrainRecord record() const {
    return TrainRecord{TrainKey{"llvm", "10", "w1", {{"calc", "aa"}, {"tool", "bb"}}}, merged_, "in-process", 3, {}};
  }
  fs::path dir_, merged_;
};

TEST_F(FingerprintsTest, UnchangedInputsAreReusable) {
  EXPECT_EQ(train_reuse_blocker(record(), record().key), "");
}

TEST_F(FingerprintsTest, EachChangedInputBlocksReuse) {
  TrainKey k = record().key;
  EXPECT_NE(train_reuse_blocker(std::nullopt, k).find("first training"), std::string::npos);
  k.instrumented["calc"] = "cc";
  EXPECT_EQ(train_reuse_blocker(record(), k), "instrumented calc changed");
  k = record().key;
  k.instrumented.erase("tool");
  EXPECT_EQ(train_reuse_blocker(record(), k), "instrumented tool changed");
  k = record().key;
  k.instrumented["new"] = "dd";
  EXPECT_EQ(train_reuse_blocker(record(), k), "instrumented new changed");
  k = record().key;
  k.workloads = "w2";
  EXPECT_EQ(train_reuse_blocker(record(), k), "training workloads changed");
  k = record().key;
  k.format_version = "11";
  EXPECT_NE(train_reuse_blocker(record(), k).find("profile format changed"), std::string::npos);
  k = record().key;
  k.format = "gcda";
  EXPECT_NE(train_reuse_blocker(record(), k).find("profile format changed"), std::string::npos);
}

TEST_F(FingerprintsTest, MissingMergedProfileBlocksReuse) {
  fs::remove(merged_);
  EXPECT_NE(train_reuse_blocker(record(), record().key).find("is gone"), std::string::npos);
}

TEST_F(FingerprintsTest, FileRoundTripsAndDamagedFileIsACold) {
  Fingerprints f;
  f.train[""] = record();
  f.train[""].skipped = {"x.profraw: truncated"};
  f.train["lto"] = record();
  f.train["lto"].merged = dir_ / "lto.profdata";
  f.bench["fib"] = BenchRecord{"key1", {{"a", 1}}};
  fs::path file = dir_ / "sub" / "fingerprints.json";
  write_fingerprints(file, f);
  Fingerprints back = read_fingerprints(file);
  ASSERT_EQ(back.train.size(), 2u);
  EXPECT_EQ(back.train[""].key, f.train[""].key);
  EXPECT_EQ(back.train[""].merged, merged_);
  EXPECT_EQ(back.train[""].merge_method, "in-process");
  EXPECT_EQ(back.train[""].raw_profiles, 3u);
  EXPECT_EQ(back.train[""].skipped, f.train[""].skipped);
  EXPECT_EQ(back.train["lto"].merged, dir_ / "lto.profdata");  // each training family its own record
  ASSERT_EQ(back.bench.count("fib"), 1u);
  EXPECT_EQ(back.bench["fib"].key, "key1");
  EXPECT_EQ(back.bench["fib"].result, (nlohmann::json{{"a", 1}}));

  for (const char* damaged : {"", "{", "[]", R"({"schema":"other"})", R"({"schema":"pgo-fingerprints/1","train":{"key":1}})"}) {
    write_file_atomic(file, damaged);
    Fingerprints cold = read_fingerprints(file);
    EXPECT_TRUE(cold.train.empty()) << damaged;
    EXPECT_TRUE(cold.bench.empty()) << damaged;
  }
  EXPECT_TRUE(read_fingerprints(dir_ / "absent.json").train.empty());
}

Config config_with(const fs::path& dir) {
  Config c;
  c.project_dir = dir;
  return c;
}

TEST_F(FingerprintsTest, BenchKeyChangesWithEachInput) {
  Config c = config_with(dir_);
  WorkloadSpec w;
  w.name = "fib";
  w.run = {"${bin:calc}", "fib.calc"};
  std::map<std::string, std::string> base = {{"calc", "b1"}}, opt = {{"calc", "o1"}};
  std::string key = bench_key(c, w, base, opt);
  EXPECT_EQ(key, bench_key(c, w, base, opt));  // deterministic
  std::vector<std::string> keys = {key};
  keys.push_back(bench_key(c, w, {{"calc", "b2"}}, opt));
  keys.push_back(bench_key(c, w, base, {{"calc", "o2"}}));
  keys.push_back(bench_key(c, w, opt, base));  // swapped binaries
  WorkloadSpec w2 = w;
  w2.run.push_back("32");
  keys.push_back(bench_key(c, w2, base, opt));
  w2 = w;
  w2.env["N"] = "1";
  keys.push_back(bench_key(c, w2, base, opt));
  w2 = w;
  w2.compare_output = false;
  keys.push_back(bench_key(c, w2, base, opt));
  w2 = w;
  w2.check = {"cmp", "a", "b"};
  keys.push_back(bench_key(c, w2, base, opt));
  Config c2 = c;
  c2.bench.max_runs = 99;
  keys.push_back(bench_key(c2, w, base, opt));
  c2 = c;
  c2.bench.noise_threshold = 0.02;
  keys.push_back(bench_key(c2, w, base, opt));
  // The stdin file counts by content.
  w2 = w;
  w2.stdin_file = "input.txt";
  write_file_atomic(dir_ / "input.txt", "one");
  keys.push_back(bench_key(c, w2, base, opt));
  write_file_atomic(dir_ / "input.txt", "two");
  keys.push_back(bench_key(c, w2, base, opt));
  std::set<std::string> distinct(keys.begin(), keys.end());
  EXPECT_EQ(distinct.size(), keys.size());
}

TEST(WorkloadResultJson, RoundTripsThroughReportJson) {
  WorkloadResult r{"clang", "calc", "fib", 2.0, "wall_time", {}};
  r.bench.rounds = 2;
  for (auto* b : {&r.bench.baseline, &r.bench.optimized}) {
    b->runs = 2;
    b->median_s = 0.2;
    b->mad_s = 0.01;
    b->min_s = 0.19;
    b->max_s = 0.21;
    b->mean_s = 0.2;
    b->stddev_s = 0.01;
    b->p05_s = 0.19;
    b->p95_s = 0.21;
    b->cpu_median_s = 0.18;
    b->max_rss_kb = 1234;
    b->outliers = 1;
    b->samples = {bench::RunSample{0, 0, 0.19, 0.18, 0, 1200, 0, false},
                  bench::RunSample{1, 1, 0.21, 0.2, 0, 1300, 0, true}};
  }
  r.bench.speedup = 1.25;
  r.bench.ci_lo = 1.2;
  r.bench.ci_hi = 1.3;
  r.bench.ci_half_width = 0.04;
  r.bench.p_value = 0.001;
  r.bench.verdict = bench::Verdict::Faster;
  r.bench.stop_reason = bench::StopReason::CiTarget;
  r.bench.outputs_compared = true;
  r.bench.output_checked = true;
  nlohmann::json j = workload_result_to_json(r);
  WorkloadResult back = workload_result_from_json(j);
  EXPECT_EQ(workload_result_to_json(back), j);
  EXPECT_EQ(back.bench.verdict, bench::Verdict::Faster);
  EXPECT_EQ(back.bench.baseline.samples.size(), 2u);

  // NaN speedup (no sample) is null in JSON and NaN again when read back.
  WorkloadResult empty{"gcc", "calc", "sort", 1.0, "wall_time", {}};
  empty.bench.failed = true;
  empty.bench.failure = "baseline run 1 crashed";
  empty.bench.stop_reason = bench::StopReason::RunFailed;
  nlohmann::json je = workload_result_to_json(empty);
  EXPECT_TRUE(je["speedup"].is_null());
  EXPECT_EQ(workload_result_to_json(workload_result_from_json(je)), je);

  j["verdict"] = "much_faster";
  EXPECT_THROW(workload_result_from_json(j), nlohmann::json::exception);
  j.erase("baseline");
  EXPECT_THROW(workload_result_from_json(j), nlohmann::json::exception);
}

}  // namespace
}  // namespace pgo::reuse
