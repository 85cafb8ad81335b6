// A workload's own figure (pgo.yaml metric:) as the benchmark's measure: read from each
// run's output, turned into "lower is better" samples, failing clearly when it is missing.
#include <gtest/gtest.h>

#include "orchestrator/bench/runner.h"
#include "tests/orchestrator/scripted_bench_runner.h"

namespace pgo::bench {
namespace {

namespace fs = std::filesystem;

class BenchFigureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("pgo_figure_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    settings_.work_dir = dir_;
    settings_.min_runs = settings_.max_runs = 5;
    settings_.compare_output = false;  // the figure itself differs between the binaries
    base_.argv = {"base"};
    opt_.argv = {"opt"};
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Both binaries take the same wall time; only the printed figure tells them apart.
  void Script(const std::string& base_text, const std::string& opt_text, bool on_stderr = false) {
    fake_.script = [=](const std::string& name, int nth) {
      FakeRunner::Reply reply{timing(1.0 + 0.001 * (nth % 3))};
      const std::string& text = name == "base" ? base_text : opt_text;
      (on_stderr ? reply.stderr_text : reply.stdout_text) = text;
      if (on_stderr) reply.stdout_text = "summary\n";
      return reply;
    };
  }

  fs::path dir_;
  BenchSettings settings_;
  ProcessSpec base_, opt_;
  FakeRunner fake_;
};

TEST_F(BenchFigureTest, AHigherFigureIsASpeedup) {
  settings_.figure = OutputMetric{"Requests/sec: ([0-9.]+)", true, "requests/s"};
  Script("Requests/sec: 1000.0\n", "Requests/sec: 1250\n");
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  ASSERT_FALSE(r.failed) << r.failure;
  EXPECT_NEAR(r.speedup, 1.25, 1e-9);
  EXPECT_EQ(r.verdict, Verdict::Faster);
  EXPECT_NEAR(r.baseline.median_s, 1.0 / 1000, 1e-12);  // samples are 1/figure
}

TEST_F(BenchFigureTest, ALowerFigureIsASpeedupWhenLowerIsBetter) {
  settings_.figure = OutputMetric{"p99 latency: ([0-9.]+) ms", false, "ms"};
  Script("p99 latency: 10 ms\n", "p99 latency: 12.5 ms\n");
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  ASSERT_FALSE(r.failed) << r.failure;
  EXPECT_NEAR(r.speedup, 0.8, 1e-9);
  EXPECT_EQ(r.verdict, Verdict::Slower);
}

TEST_F(BenchFigureTest, TheFigureIsFoundOnStderrWhenStdoutHasNone) {
  settings_.figure = OutputMetric{"rate ([0-9]+)", true, "ops/s"};
  Script("rate 200\n", "rate 300\n", true);
  const BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  ASSERT_FALSE(r.failed) << r.failure;
  EXPECT_NEAR(r.speedup, 1.5, 1e-9);
}

TEST_F(BenchFigureTest, AMissingOrNonPositiveFigureFailsTheRunNamingTheRegex) {
  settings_.figure = OutputMetric{"Requests/sec: ([0-9.]+)", true, "requests/s"};
  Script("Requests/sec: 1000\n", "no figure here\n");
  BenchResult r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("metric.regex 'Requests/sec: ([0-9.]+)' matches nothing"), std::string::npos) << r.failure;

  Script("Requests/sec: 0\n", "Requests/sec: 5\n");
  r = bench_pair(fake_, base_, opt_, settings_);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("'0' is not a positive number"), std::string::npos) << r.failure;
}

}  // namespace
}  // namespace pgo::bench
