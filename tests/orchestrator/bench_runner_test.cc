// The interleaved runner against a fake ProcessRunner with scripted timings and outputs:
// this checks scheduling, stopping and output comparison, not real processes.
#include "orchestrator/bench/runner.h"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <fstream>
#include <functional>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/atomic_file.h"
#include "tests/orchestrator/scripted_bench_runner.h"
#include "workloads/bounded_output.h"

namespace pgo::bench {
namespace {

namespace fs = std::filesystem;

class BenchRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("pgo_bench_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    settings_.work_dir = dir_;
    base_.argv = {"base", "--flag"};
    opt_.argv = {"opt", "--flag"};
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  BenchSettings settings_;
  ProcessSpec base_, opt_;
  FakeRunner fake_;
};

TEST_F(BenchRunnerTest, RoundsRunBothBinariesInASeededRandomOrder) {
  settings_.warmup = 0;
  settings_.min_runs = settings_.max_runs = 24;
  fake_.script = noisy;
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  ASSERT_EQ(fake_.calls.size(), 48u);
  int base_first = 0;
  for (size_t i = 0; i < fake_.calls.size(); i += 2) {
    EXPECT_NE(fake_.calls[i], fake_.calls[i + 1]) << "round " << i / 2 << " ran one binary twice";
    base_first += fake_.calls[i] == "base";
  }
  EXPECT_GT(base_first, 0);
  EXPECT_LT(base_first, 24);
  // The samples record the same order.
  for (const RunSample& s : r.baseline.samples)
    EXPECT_EQ(fake_.calls[2 * s.round + s.slot], "base");

  FakeRunner again;
  again.script = noisy;
  bench_pair(again, base_, opt_, settings_);
  EXPECT_EQ(again.calls, fake_.calls);  // same seed, same schedule
  FakeRunner other;
  other.script = noisy;
  settings_.seed = 12345;
  bench_pair(other, base_, opt_, settings_);
  EXPECT_NE(other.calls, fake_.calls);
}

TEST_F(BenchRunnerTest, WarmupsAreRunAndDiscarded) {
  settings_.warmup = 3;
  settings_.min_runs = settings_.max_runs = 12;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    if (nth < 3) return {timing(100.0)};  // cold runs: far slower
    return noisy(name, nth);
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_EQ(fake_.calls.size(), 2u * (3 + 12));
  EXPECT_EQ(r.baseline.runs, 12);
  EXPECT_EQ(r.optimized.runs, 12);
  EXPECT_LT(r.baseline.max_s, 100.0);
  EXPECT_LT(r.optimized.max_s, 100.0);
}

TEST_F(BenchRunnerTest, StopsOnceTheIntervalIsNarrowEnough) {
  settings_.min_runs = 10;
  settings_.max_runs = 30;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    const double t = name == "base" ? 1.0 : 0.8;
    return {timing(t * (1 + 0.001 * (nth % 3)))};  // 0.1% jitter
  };
  std::vector<int> progress;
  int max_seen = 0;
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_, [&](int run, int max) {
    progress.push_back(run);
    max_seen = max;
  });
  EXPECT_EQ(max_seen, 30);
  EXPECT_EQ(r.stop_reason, StopReason::CiTarget);
  EXPECT_STREQ(to_string(r.stop_reason), "ci_target");
  EXPECT_EQ(r.rounds, 10);
  EXPECT_LE(r.ci_half_width, 0.01);
  EXPECT_EQ(progress, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_NEAR(r.speedup, 1.25, 0.01);
  EXPECT_LE(r.ci_lo, r.speedup);
  EXPECT_GE(r.ci_hi, r.speedup);
  EXPECT_LT(r.p_value, 0.05);
  EXPECT_EQ(r.verdict, Verdict::Faster);
  EXPECT_FALSE(r.failed);
  EXPECT_TRUE(r.outputs_compared);
  EXPECT_TRUE(r.outputs_match) << r.mismatch;
  // Per-binary statistics come from the samples.
  EXPECT_NEAR(r.baseline.median_s, 1.001, 1e-9);
  EXPECT_NEAR(r.baseline.cpu_median_s, 1.001 * 0.95, 1e-9);
  EXPECT_EQ(r.baseline.max_rss_kb, 1000);
  EXPECT_EQ(r.baseline.outliers, 0);
}

TEST_F(BenchRunnerTest, StopsAtMaxRunsWhenTheIntervalStaysWide) {
  settings_.min_runs = 5;
  settings_.max_runs = 20;
  fake_.script = noisy;
  int last = 0, calls = 0;
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_, [&](int run, int) { last = run, ++calls; });
  EXPECT_EQ(r.stop_reason, StopReason::MaxRuns);
  EXPECT_STREQ(to_string(r.stop_reason), "max_runs");
  EXPECT_EQ(r.rounds, 20);
  EXPECT_EQ(r.baseline.runs, 20);
  EXPECT_EQ(last, 20);
  EXPECT_EQ(calls, 20);
  EXPECT_GT(r.ci_half_width, 0.01);
}

TEST_F(BenchRunnerTest, StopsBeforeTheTimeBudgetIsOverrun) {
  double now = 0;
  fake_.clock = &now;
  settings_.clock = [&now] { return now; };
  settings_.warmup = 1;
  settings_.min_runs = 5;
  settings_.max_runs = 100;
  settings_.time_budget_s = 25;
  fake_.script = [](const std::string& name, int) -> FakeRunner::Reply {
    return {timing(name == "base" ? 1.5 : 0.5)};  // a round takes 2 s (identical times: CI of 0 width)
  };
  settings_.target_ci = -1;  // never met, so the budget decides
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_EQ(r.stop_reason, StopReason::TimeBudget);
  EXPECT_STREQ(to_string(r.stop_reason), "time_budget");
  // 2 s of warm-up + 11 rounds = 24 s; a 12th round would end at 26 s.
  EXPECT_EQ(r.rounds, 11);
  EXPECT_DOUBLE_EQ(r.elapsed_s, 24);
}

// The budget is a cap: it cuts min_runs too, but never below kMinRoundsUnderBudget rounds,
// and the result says min_runs was cut.
TEST_F(BenchRunnerTest, TheBudgetCutsMinRunsDownToTheFloor) {
  double now = 0;
  fake_.clock = &now;
  settings_.clock = [&now] { return now; };
  settings_.min_runs = 8;
  settings_.time_budget_s = 1;
  fake_.script = noisy;
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_EQ(r.stop_reason, StopReason::TimeBudget);
  EXPECT_EQ(r.rounds, kMinRoundsUnderBudget);
  EXPECT_TRUE(r.min_runs_cut_by_budget);
}

TEST_F(BenchRunnerTest, ABudgetThatFitsMinRunsStopsAtTheBudgetBeforeOverrunningIt) {
  double now = 0;
  fake_.clock = &now;
  settings_.clock = [&now] { return now; };
  settings_.warmup = 1;
  settings_.min_runs = 10;
  settings_.max_runs = 100;
  settings_.time_budget_s = 15;
  settings_.target_ci = -1;
  fake_.script = [](const std::string& name, int) -> FakeRunner::Reply {
    return {timing(name == "base" ? 1.5 : 0.5)};  // 2 s a round
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  // 2 s warm-up + 6 rounds = 14 s; a 7th would end at 16 s: min_runs 10 is cut to 6.
  EXPECT_EQ(r.rounds, 6);
  EXPECT_LE(r.elapsed_s, 15);
  EXPECT_TRUE(r.min_runs_cut_by_budget);
  settings_.time_budget_s = 30;  // room for min_runs: not cut
  const BenchResult roomy = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_FALSE(roomy.min_runs_cut_by_budget);
  EXPECT_EQ(roomy.rounds, 14);  // 2 + 14 * 2 = 30
}

TEST_F(BenchRunnerTest, StdoutGoesToTheWorkDirAndDifferencesAreReported) {
  settings_.min_runs = settings_.max_runs = 6;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.stdout_text = (name == "opt" && nth >= 3) ? "42\n" : "41\n";
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  for (const ProcessSpec& spec : fake_.specs) EXPECT_EQ(spec.stdout_file.parent_path(), dir_);
  EXPECT_TRUE(r.outputs_compared);
  EXPECT_FALSE(r.outputs_match);
  EXPECT_NE(r.mismatch.find("optimized run 3"), std::string::npos) << r.mismatch;  // 4th incl. warm-up
  EXPECT_NE(r.mismatch.find("stdout differs"), std::string::npos) << r.mismatch;
  EXPECT_FALSE(r.failed);  // timing goes on; the pipeline decides what a mismatch means
  EXPECT_EQ(r.rounds, 6);
  EXPECT_EQ(read_file(dir_ / "baseline.reference.stdout"), "41\n");
  EXPECT_EQ(read_file(dir_ / "optimized.mismatch.stdout"), "42\n");
}

// A workload that prints more than a run's stdout file keeps (issue 15): the files in the
// work dir stay bounded, while the comparison still sees every byte, so equal outputs match
// and a difference that lies only in the middle (the part left out) is still found.
TEST_F(BenchRunnerTest, HugeOutputsAreComparedWholeButStoredBounded) {
  settings_.warmup = 0;
  settings_.min_runs = settings_.max_runs = 2;
  const size_t size = BoundedOutput::kHeadBytes + 4 * BoundedOutput::kTailBytes;
  const std::string same(size, 'a');
  std::string middle = same;
  middle[BoundedOutput::kHeadBytes + BoundedOutput::kTailBytes] = 'b';  // after the head, before the tail
  auto expect_bounded_files = [&] {
    for (const auto& e : fs::directory_iterator(dir_))
      if (e.is_regular_file())
        EXPECT_LE(e.file_size(), BoundedOutput::kHeadBytes + BoundedOutput::kTailBytes + 1024) << e.path();
  };

  fake_.script = [&](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.stdout_text = same;
    return reply;
  };
  const BenchResult equal = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(equal.outputs_match) << equal.mismatch;
  expect_bounded_files();

  fake_.script = [&](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.stdout_text = name == "opt" ? middle : same;
    return reply;
  };
  const BenchResult differ = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_FALSE(differ.outputs_match);
  EXPECT_NE(differ.mismatch.find("optimized run 1: stdout differs from the baseline's"), std::string::npos)
      << differ.mismatch;
  EXPECT_NE(differ.mismatch.find("the difference may lie in the part left out"), std::string::npos)
      << differ.mismatch;
  expect_bounded_files();
}

TEST_F(BenchRunnerTest, MatchingOutputsPass) {
  settings_.min_runs = settings_.max_runs = 4;
  fake_.script = noisy;
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.outputs_compared);
  EXPECT_TRUE(r.outputs_match);
  EXPECT_EQ(r.mismatch, "");
}

TEST_F(BenchRunnerTest, DifferentNonZeroExitStatusIsAMismatch) {
  settings_.min_runs = settings_.max_runs = 4;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.result.exit_code = name == "base" ? 1 : 2;  // a workload that exits 1 by design
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_FALSE(r.outputs_match);
  EXPECT_NE(r.mismatch.find("optimized warm-up 1: exit status 2"), std::string::npos) << r.mismatch;
}

TEST_F(BenchRunnerTest, NonDeterministicBaselineOutputIsNamed) {
  settings_.min_runs = settings_.max_runs = 4;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.stdout_text = "took " + std::to_string(nth) + " ms\n";
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_FALSE(r.outputs_match);
  EXPECT_NE(r.mismatch.find("baseline run 1"), std::string::npos) << r.mismatch;
  EXPECT_NE(r.mismatch.find("not deterministic"), std::string::npos) << r.mismatch;
}

TEST_F(BenchRunnerTest, NoComparisonLeavesTheSpecsAlone) {
  settings_.compare_output = false;
  settings_.work_dir.clear();
  settings_.min_runs = settings_.max_runs = 3;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.stdout_text = std::to_string(nth);
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  for (const ProcessSpec& spec : fake_.specs) EXPECT_TRUE(spec.stdout_file.empty());
  EXPECT_FALSE(r.outputs_compared);
  EXPECT_TRUE(r.outputs_match);
}

TEST_F(BenchRunnerTest, ACrashEndsTheBenchmarkAndSaysWhere) {
  settings_.min_runs = settings_.max_runs = 10;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "opt" && nth == 3) reply.result.signal = SIGSEGV, reply.result.exit_code = -1;
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.stop_reason, StopReason::RunFailed);
  EXPECT_STREQ(to_string(r.stop_reason), "run_failed");
  EXPECT_NE(r.failure.find("optimized run 3 failed: killed by signal 11"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("opt --flag"), std::string::npos) << r.failure;
  EXPECT_EQ(r.rounds, 2);
  EXPECT_EQ(r.optimized.runs, 2);  // the crashed run is not a sample
  EXPECT_LT(fake_.calls.size(), 2u * (1 + 10));
}

TEST_F(BenchRunnerTest, NonZeroExitWhereTheBaselineSucceedsIsAFailure) {
  settings_.warmup = 0;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "opt") reply.result.exit_code = 3;
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("optimized run 1 failed: exit status 3 (the baseline exits 0)"),
            std::string::npos) << r.failure;
  EXPECT_EQ(r.rounds, 0);
  EXPECT_TRUE(std::isnan(r.speedup));
  EXPECT_EQ(r.verdict, Verdict::NoChange);
}

TEST_F(BenchRunnerTest, ABaselineWhoseExitStatusChangesIsAFailure) {
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "base" && nth == 4) reply.result.exit_code = 1;  // flaky baseline
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("baseline run 4 failed: exit status 1, but its first run exited 0"),
            std::string::npos) << r.failure;
  EXPECT_EQ(r.rounds, 3);
}

TEST_F(BenchRunnerTest, TimeoutAndSpawnFailureAreFailures) {
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "base" && nth == 0) reply.result.timed_out = true;
    return reply;
  };
  BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("baseline warm-up 1 failed: timed out"), std::string::npos) << r.failure;

  FakeRunner missing;
  missing.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "opt") reply.result.spawn_failed = true, reply.result.spawn_error = "No such file";
    return reply;
  };
  r = bench_pair(missing, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("could not start: No such file"), std::string::npos) << r.failure;
}

// Output checks: "check-base" / "check-opt" stand for the check bound to each binary.
ProcessSpec check_spec(const std::string& name) {
  ProcessSpec spec;
  spec.argv = {name, "out.txt", "/p/expected.txt"};
  return spec;
}

TEST_F(BenchRunnerTest, OutputCheckRunsRightAfterEachRunOfItsBinary) {
  settings_.warmup = 2;
  settings_.min_runs = settings_.max_runs = 5;
  settings_.baseline_check = check_spec("check-base");
  settings_.optimized_check = check_spec("check-opt");
  fake_.script = noisy;
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_FALSE(r.failed) << r.failure;
  EXPECT_TRUE(r.output_checked);
  ASSERT_EQ(fake_.calls.size(), 4u * (2 + 5));  // each run and its check, warm-ups included
  for (size_t i = 0; i < fake_.calls.size(); i += 2) {
    const std::string& run = fake_.calls[i];
    ASSERT_TRUE(run == "base" || run == "opt") << i;
    EXPECT_EQ(fake_.calls[i + 1], "check-" + run) << "call " << i + 1;
    const ProcessSpec& check = fake_.specs[i + 1];
    EXPECT_EQ(check.argv.at(1), "out.txt");
    EXPECT_EQ(check.stdout_file, dir_ / (run == "base" ? "baseline.check.log" : "optimized.check.log"));
    EXPECT_EQ(check.stderr_file, check.stdout_file);
  }
  EXPECT_EQ(r.baseline.runs, 5);  // checks are not timed samples
  EXPECT_EQ(r.optimized.runs, 5);
}

TEST_F(BenchRunnerTest, AFailingCheckEndsTheBenchmarkNamingCommandBinaryAndStatus) {
  settings_.warmup = 1;
  settings_.baseline_check = check_spec("check-base");
  settings_.optimized_check = check_spec("check-opt");
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    reply.stdout_text = "";
    if (name == "check-opt" && nth == 3) {  // the 3rd timed run after one warm-up
      reply.result.exit_code = 1;
      reply.stdout_text = "out.txt /p/expected.txt differ: byte 5, line 1\n";
    }
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(r.stop_reason, StopReason::RunFailed);
  EXPECT_NE(r.failure.find("optimized run 3: output check `check-opt out.txt /p/expected.txt` failed: exit status 1; "
                           "its output: out.txt /p/expected.txt differ: byte 5, line 1"),
            std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("(the run itself: exit status 0; command: opt --flag)"), std::string::npos) << r.failure;
  EXPECT_EQ(r.rounds, 2);
  EXPECT_EQ(fake_.calls.back(), "check-opt");  // nothing ran after the failed check
  EXPECT_TRUE(r.outputs_match);  // stdout itself was fine
}

TEST_F(BenchRunnerTest, ABaselineCheckThatTimesOutOrCannotStartIsAFailure) {
  settings_.baseline_check = check_spec("check-base");
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "check-base") reply.result.timed_out = true, reply.stdout_text = "";
    return reply;
  };
  BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("baseline warm-up 1: output check `check-base out.txt /p/expected.txt` failed: timed out"),
            std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("(no output)"), std::string::npos) << r.failure;
  EXPECT_EQ(std::count(fake_.calls.begin(), fake_.calls.end(), "check-opt"), 0);  // no optimized check given

  FakeRunner missing;
  missing.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "check-base") reply.result.spawn_failed = true, reply.result.spawn_error = "No such file";
    return reply;
  };
  r = bench_pair(missing, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("failed: could not start: No such file"), std::string::npos) << r.failure;
}

TEST_F(BenchRunnerTest, AShellLineCheckIsShownAsTheLine) {
  settings_.warmup = 0;
  ProcessSpec shell;
  shell.argv = {"/bin/sh", "-c", "cmp out.txt expected.txt && test -s out.txt"};
  settings_.optimized_check = shell;
  fake_.script = [](const std::string& name, int nth) -> FakeRunner::Reply {
    FakeRunner::Reply reply = noisy(name, nth);
    if (name == "/bin/sh") reply.result.exit_code = 2, reply.stdout_text = "cmp: out.txt: No such file\n";
    return reply;
  };
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("output check `cmp out.txt expected.txt && test -s out.txt` failed: exit status 2; "
                           "its output: cmp: out.txt: No such file"),
            std::string::npos) << r.failure;
}

TEST_F(BenchRunnerTest, InconsistentSettingsAreRejected) {
  fake_.script = noisy;
  BenchSettings s = settings_;
  s.max_runs = s.min_runs - 1;
  EXPECT_THROW(bench_pair(fake_, base_, opt_, s), std::invalid_argument);
  s = settings_;
  s.work_dir.clear();
  EXPECT_THROW(bench_pair(fake_, base_, opt_, s), std::invalid_argument);
  s = settings_;
  s.compare_output = false;  // an output check still needs a place for its log
  s.work_dir.clear();
  s.optimized_check = check_spec("check-opt");
  EXPECT_THROW(bench_pair(fake_, base_, opt_, s), std::invalid_argument);
  s = settings_;
  s.min_runs = 0;
  EXPECT_THROW(bench_pair(fake_, base_, opt_, s), std::invalid_argument);
  EXPECT_TRUE(fake_.calls.empty());
}

}  // namespace
}  // namespace pgo::bench
