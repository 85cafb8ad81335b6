// bench_variants: several binaries against one baseline in one interleaved session (the
// benchmark of `pgo build --recipe all`), against a scripted ProcessRunner.
#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "orchestrator/bench/runner.h"
#include "tests/orchestrator/scripted_bench_runner.h"

namespace pgo::bench {
namespace {

namespace fs = std::filesystem;

class BenchVariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("pgo_variants_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    settings_.work_dir = dir_;
    settings_.warmup = 0;
    settings_.min_runs = settings_.max_runs = 12;
    for (const char* name : {"base", "a", "b"}) {
      Variant v;
      v.name = name;
      v.run.argv = {name};
      variants_.push_back(v);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  BenchSettings settings_;
  std::vector<Variant> variants_;
  FakeRunner fake_;
};

// Times by binary: "a" 10% faster than the baseline, "b" 25% faster, each with a little noise.
FakeRunner::Reply graded(const std::string& name, int nth) {
  const double factor = name == "base" ? 1.0 : name == "a" ? 0.9 : 0.75;
  return {timing(factor * (1 + 0.02 * (nth % 3)))};
}

TEST_F(BenchVariantsTest, EveryRoundRunsEveryBinaryOnceInAShuffledOrder) {
  fake_.script = graded;
  const std::vector<BenchResult> results = bench_variants(fake_, variants_, settings_);
  ASSERT_EQ(results.size(), 2u);
  ASSERT_EQ(fake_.calls.size(), 36u);
  std::set<std::vector<std::string>> orders;
  for (size_t i = 0; i < fake_.calls.size(); i += 3) {
    std::vector<std::string> round(fake_.calls.begin() + i, fake_.calls.begin() + i + 3);
    orders.insert(round);
    std::sort(round.begin(), round.end());
    EXPECT_EQ(round, (std::vector<std::string>{"a", "b", "base"})) << "round " << i / 3;
  }
  EXPECT_GT(orders.size(), 2u) << "the order should vary between rounds";
  // Each result compares its variant with the one baseline.
  EXPECT_NEAR(results[0].speedup, 1 / 0.9, 0.01);
  EXPECT_NEAR(results[1].speedup, 1 / 0.75, 0.01);
  EXPECT_EQ(results[0].baseline.runs, 12);
  EXPECT_EQ(results[1].optimized.runs, 12);
  EXPECT_EQ(results[0].verdict, Verdict::Faster);
  EXPECT_TRUE(results[0].outputs_match && results[1].outputs_match);
}

TEST_F(BenchVariantsTest, AFailingVariantIsLeftOutAndTheOthersGoOn) {
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    if (name == "a" && nth == 4) return {timing(0.1, 3)};  // its fifth run exits 3
    return graded(name, nth);
  };
  const std::vector<BenchResult> results = bench_variants(fake_, variants_, settings_);
  EXPECT_TRUE(results[0].failed);
  EXPECT_NE(results[0].failure.find("a run 5 failed"), std::string::npos) << results[0].failure;
  EXPECT_EQ(results[0].stop_reason, StopReason::RunFailed);
  EXPECT_EQ(std::count(fake_.calls.begin(), fake_.calls.end(), "a"), 5);
  EXPECT_FALSE(results[1].failed);
  EXPECT_EQ(results[1].optimized.runs, 12);  // the round of the failure is not a timed one
  EXPECT_EQ(results[1].baseline.runs, 12);
  EXPECT_EQ(results[1].verdict, Verdict::Faster);
}

TEST_F(BenchVariantsTest, TheBaselinesFailureEndsEveryComparison) {
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    if (name == "base" && nth == 2) return {timing(0.1, 9)};  // its third run exits 9, not 0
    return graded(name, nth);
  };
  const std::vector<BenchResult> results = bench_variants(fake_, variants_, settings_);
  for (const BenchResult& r : results) {
    EXPECT_TRUE(r.failed);
    EXPECT_NE(r.failure.find("base run 3 failed"), std::string::npos) << r.failure;
  }
  EXPECT_LE(fake_.calls.size(), 9u);
}

TEST_F(BenchVariantsTest, AnOutputDifferenceIsThatVariantsAlone) {
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply r = graded(name, nth);
    if (name == "b") r.stdout_text = "hellO\n";
    return r;
  };
  const std::vector<BenchResult> results = bench_variants(fake_, variants_, settings_);
  EXPECT_TRUE(results[0].outputs_match);
  EXPECT_FALSE(results[1].outputs_match);
  EXPECT_NE(results[1].mismatch.find("stdout differs from the baseline's"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "b.mismatch.stdout"));
  EXPECT_TRUE(results[0].outputs_compared && results[1].outputs_compared);
}

TEST_F(BenchVariantsTest, ItStopsWhenEveryCIIsNarrowEnough) {
  settings_.min_runs = 5;
  settings_.max_runs = 40;
  settings_.target_ci = 0.08;
  // "a" is steady and "b" noisy: the session runs until b's CI is narrow too.
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    if (name == "b") return {timing(0.75 * (1 + 0.3 * ((nth * 7) % 5) / 4.0))};
    return {timing(name == "base" ? 1.0 : 0.9)};
  };
  const std::vector<BenchResult> results = bench_variants(fake_, variants_, settings_);
  EXPECT_EQ(results[0].rounds, results[1].rounds);
  EXPECT_GT(results[0].rounds, 5);  // "a" alone would have stopped at min_runs
  EXPECT_LT(results[0].rounds, 40);
  EXPECT_EQ(results[1].stop_reason, StopReason::CiTarget);
  EXPECT_LE(results[1].ci_half_width, 0.08);
}

TEST_F(BenchVariantsTest, OneBinaryIsNotABenchmark) {
  EXPECT_THROW(bench_variants(fake_, {variants_[0]}, settings_), std::invalid_argument);
}

}  // namespace
}  // namespace pgo::bench
