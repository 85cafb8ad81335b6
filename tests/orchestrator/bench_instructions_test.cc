// The instruction-count metric: parsing perf and callgrind output, the range rule, and the
// run loop against a fake runner that writes what perf or callgrind would.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "orchestrator/bench/instructions.h"
#include "orchestrator/bench/settings.h"
#include "support/atomic_file.h"
#include "support/strings.h"
#include "workloads/service.h"

namespace fs = std::filesystem;

namespace pgo::bench {
namespace {

TEST(PerfStatParse, ReadsTheInstructionsLine) {
  const char* text =
      "# started on Sat Nov 22 02:10:11 2026\n\n"
      "1234567890,,instructions:u,501234,100.00,,\n";
  EXPECT_EQ(parse_perf_stat(text), 1234567890u);
}

TEST(PerfStatParse, NotSupportedOrNotCountedIsNoCount) {
  EXPECT_FALSE(parse_perf_stat("<not supported>,,instructions:u,0,100.00,,\n").has_value());
  EXPECT_FALSE(parse_perf_stat("<not counted>,,instructions:u,0,0.00,,\n").has_value());
  EXPECT_FALSE(parse_perf_stat("").has_value());
  EXPECT_FALSE(parse_perf_stat("12345,,cycles:u,100,100.00,,\n").has_value());
}

TEST(PerfStatParse, HybridCpusAddBothCoreTypes) {
  const char* text =
      "1000,,cpu_core/instructions:u/,501234,60.00,,\n"
      "234,,cpu_atom/instructions:u/,301234,40.00,,\n"
      "<not counted>,,cpu_atom/instructions:u/,0,0.00,,\n";
  EXPECT_EQ(parse_perf_stat(text), 1234u);
}

TEST(CallgrindParse, ReadsCollected) {
  const char* text =
      "==5679== Callgrind, a call-graph generating cache profiler\n"
      "==5679== Command: ./calc fib.calc 32\n"
      "==5679== \n"
      "==5679== Events    : Ir\n"
      "==5679== Collected : 126559\n"
      "==5679== \n"
      "==5679== I   refs:      126,559\n";
  EXPECT_EQ(parse_callgrind_collected(text), 126559u);
}

TEST(CallgrindParse, SumsEveryTracedProcessAndRejectsNone) {
  EXPECT_EQ(parse_callgrind_collected("==1== Collected : 100\n==2== Collected : 23\n"), 123u);
  EXPECT_FALSE(parse_callgrind_collected("==1== I   refs:      126,559\n").has_value());
  EXPECT_FALSE(parse_callgrind_collected("==1== Collected : lots\n").has_value());
}

TEST(RangeRule, RatioAndExtremes) {
  RangeRatio r = range_ratio({110, 112, 111}, {100, 101, 100});
  EXPECT_DOUBLE_EQ(r.ratio, 111.0 / 100.0);
  EXPECT_DOUBLE_EQ(r.lo, 110.0 / 101.0);
  EXPECT_DOUBLE_EQ(r.hi, 112.0 / 100.0);
  EXPECT_THROW(range_ratio({}, {1}), std::invalid_argument);
  EXPECT_THROW(range_ratio({1}, {0}), std::invalid_argument);
}

TEST(RangeRule, VerdictNeedsTheWholeRangePastTheNoise) {
  EXPECT_EQ(decide_range(1.02, 1.03, 0.01), Verdict::Faster);
  EXPECT_EQ(decide_range(1.005, 1.03, 0.01), Verdict::NoChange);  // lo inside the noise
  EXPECT_EQ(decide_range(0.95, 0.98, 0.01), Verdict::Slower);
  EXPECT_EQ(decide_range(0.95, 1.05, 0.01), Verdict::NoChange);
}

TEST(CountedProcess, WrapsTheCommand) {
  ProcessSpec spec;
  spec.argv = {"/bin/calc", "x"};
  spec.timeout = std::chrono::seconds(2);
  ProcessSpec perf = counted_process(Counter::Perf, spec, "/tmp/w/base");
  EXPECT_EQ(perf.argv, (std::vector<std::string>{"perf", "stat", "-x,", "-o", "/tmp/w/base.perf", "-e",
                                                  "instructions:u", "--", "/bin/calc", "x"}));
  EXPECT_EQ(perf.timeout, std::chrono::seconds(2));
  ProcessSpec cg = counted_process(Counter::Callgrind, spec, "/tmp/w/base");
  EXPECT_EQ(cg.argv.front(), "valgrind");
  EXPECT_NE(std::find(cg.argv.begin(), cg.argv.end(), "--log-file=/tmp/w/base.%p.log"), cg.argv.end());
  EXPECT_EQ(cg.argv.back(), "x");
  EXPECT_EQ(cg.timeout, std::chrono::seconds(100));
}

TEST(CountedProcess, AServiceOnValgrindIsMarkedSlowerAndNotOnPerf) {
  ProcessSpec spec;
  spec.argv = {"/bin/server"};
  spec.service = std::make_shared<ServiceRun>();
  EXPECT_EQ(counted_process(Counter::Cachegrind, spec, "/tmp/w/base").service->slowdown, 20);
  EXPECT_EQ(counted_process(Counter::Perf, spec, "/tmp/w/base").service->slowdown, 1);
  EXPECT_EQ(spec.service->slowdown, 1);  // the caller's spec is left as it was
}

// Plays perf: writes the count of the program after "--" into the -o file, and its output.
class FakePerf : public ProcessRunner {
 public:
  std::map<std::string, std::vector<uint64_t>> counts;  // program -> count per call
  std::map<std::string, std::string> output;            // program -> stdout
  std::map<std::string, int> calls;
  std::vector<std::string> order;

  ProcessResult run(const ProcessSpec& spec) override {
    EXPECT_EQ(spec.argv.at(0), "perf");
    fs::path report = spec.argv.at(4);
    const std::string& program = spec.argv.at(8);
    order.push_back(program);
    int n = calls[program]++;
    write_file_atomic(report, "# started on today\n\n" + std::to_string(counts[program].at(n)) +
                                  ",,instructions:u,1000,100.00,,\n");
    std::ofstream(spec.stdout_file) << output[program];  // as a child would: into the FIFO, not over it
    ProcessResult r;
    r.exit_code = 0;
    return r;
  }
};

fs::path work_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("pgo-instr-test-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  return dir;
}

ProcessSpec program(const std::string& name) {
  ProcessSpec spec;
  spec.argv = {name};
  return spec;
}

TEST(CountInstructions, AlternatesAndComputesTheSpeedup) {
  FakePerf runner;
  runner.counts["base"] = {1000, 1002, 1001};
  runner.counts["opt"] = {800, 800, 801};
  runner.output["base"] = runner.output["opt"] = "42\n";
  InstructionSettings s{3, 0.01, true, work_dir("speedup")};
  InstructionResult r = count_instructions(runner, Counter::Perf, program("base"), program("opt"), s);
  EXPECT_EQ(runner.order, (std::vector<std::string>{"base", "opt", "base", "opt", "base", "opt"}));
  ASSERT_FALSE(r.failed) << r.failure;
  EXPECT_EQ(r.baseline.counts, (std::vector<uint64_t>{1000, 1002, 1001}));
  EXPECT_DOUBLE_EQ(r.baseline.median, 1001);
  EXPECT_DOUBLE_EQ(r.baseline.spread(), 2.0 / 1001);
  EXPECT_DOUBLE_EQ(r.speedup, 1001.0 / 800.0);
  EXPECT_DOUBLE_EQ(r.lo, 1000.0 / 801.0);
  EXPECT_EQ(r.verdict, Verdict::Faster);
  EXPECT_TRUE(r.outputs_compared);
  EXPECT_TRUE(r.outputs_match);
  fs::remove_all(s.work_dir);
}

TEST(CountInstructions, SeveralVariantsShareOneBaselineAndAMismatchIsTheirsAlone) {
  FakePerf runner;
  runner.counts["base"] = {1000, 1000, 1000};
  runner.counts["lto"] = {800, 800, 800};
  runner.counts["bolt"] = {900, 900, 900};
  runner.output["base"] = runner.output["lto"] = "42\n";
  runner.output["bolt"] = "43\n";
  InstructionSettings s{3, 0.01, true, work_dir("variants")};
  std::vector<InstructionResult> r = count_variants(
      runner, Counter::Perf, {{"base", program("base"), {}}, {"lto", program("lto"), {}}, {"bolt", program("bolt"), {}}}, s);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(runner.calls["base"], 3);  // counted once for both comparisons
  EXPECT_DOUBLE_EQ(r[0].speedup, 1.25);
  EXPECT_TRUE(r[0].outputs_match);
  EXPECT_EQ(r[0].verdict, Verdict::Faster);
  EXPECT_FALSE(r[1].outputs_match);
  EXPECT_EQ(r[1].mismatch.rfind("bolt run 1:", 0), 0u) << r[1].mismatch;
  fs::remove_all(s.work_dir);
}

TEST(CountInstructions, DifferentOutputIsReported) {
  FakePerf runner;
  runner.counts["base"] = runner.counts["opt"] = {1000, 1000, 1000};
  runner.output["base"] = "42\n";
  runner.output["opt"] = "43\n";
  InstructionSettings s{3, 0.01, true, work_dir("mismatch")};
  InstructionResult r = count_instructions(runner, Counter::Perf, program("base"), program("opt"), s);
  EXPECT_FALSE(r.outputs_match);
  EXPECT_EQ(r.mismatch.rfind("optimized run 1:", 0), 0u) << r.mismatch;
  EXPECT_EQ(r.verdict, Verdict::NoChange);
  fs::remove_all(s.work_dir);
}

TEST(CountInstructions, MissingCountFailsTheRun) {
  class Silent : public ProcessRunner {
    ProcessResult run(const ProcessSpec&) override {
      ProcessResult r;
      r.exit_code = 0;
      return r;
    }
  } runner;
  InstructionSettings s{3, 0.01, false, work_dir("silent")};
  InstructionResult r = count_instructions(runner, Counter::Callgrind, program("base"), program("opt"), s);
  EXPECT_TRUE(r.failed);
  EXPECT_NE(r.failure.find("baseline run 1 failed: callgrind reported no instruction count"), std::string::npos)
      << r.failure;
  fs::remove_all(s.work_dir);
}

TEST(CachegrindParse, SumsTheInstructionRefsOfEveryProcess) {
  const char* text =
      "==8910== Cachegrind, a cache and branch-prediction profiler\n"
      "==8910== Command: ./calc fib.calc 27\n"
      "==8910== \n"
      "==8910== I   refs:      151,785,612\n";
  EXPECT_EQ(parse_cachegrind_refs(text), 151785612u);
  EXPECT_EQ(parse_cachegrind_refs("==1== I   refs:      1,000\n==2== I   refs:      234\n"), 1234u);
  EXPECT_FALSE(parse_cachegrind_refs("==1== Collected : 100\n").has_value());
  EXPECT_FALSE(parse_cachegrind_refs("").has_value());
}

TEST(CountedProcess, CachegrindWithoutCacheSimulation) {
  ProcessSpec spec;
  spec.argv = {"/bin/calc"};
  ProcessSpec cg = counted_process(Counter::Cachegrind, spec, "/tmp/w/base");
  EXPECT_EQ(cg.argv, (std::vector<std::string>{"valgrind", "--tool=cachegrind", "--cachegrind-out-file=/dev/null",
                                                "--trace-children=yes", "--log-file=/tmp/w/base.%p.log",
                                                "--cache-sim=no", "--", "/bin/calc"}));
  EXPECT_STREQ(to_string(Counter::Cachegrind), "cachegrind");
}

// The probe prefers perf, then cachegrind (the faster valgrind tool): here perf counts nothing.
TEST(ProbeCounter, FallsBackToCachegrindWhenPerfCountsNothing) {
  class NoPmu : public ProcessRunner {
   public:
    ProcessResult run(const ProcessSpec& spec) override {
      if (spec.argv.at(0) == "perf") write_file_atomic(spec.argv.at(4), "<not supported>,,instructions:u,0,100.00,,\n");
      ProcessResult r;
      r.exit_code = 0;
      return r;
    }
  } runner;
  if (!find_program("valgrind")) GTEST_SKIP() << "valgrind is not installed";
  std::string why;
  fs::path dir = work_dir("probe");
  std::optional<Counter> c = probe_counter(runner, dir, why);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, Counter::Cachegrind);
  EXPECT_FALSE(why.empty());
  fs::remove_all(dir);
}

// Same statistics as wall time: a bootstrap CI of the median ratio (with 3+3 counts exactly
// the range of the extreme ratios) and a Mann-Whitney p, which cannot go below 0.1 with 3+3
// runs; so the verdict rests on the interval alone and is `faster` at p = 0.1.
TEST(CountInstructions, CiIsTheBootstrapOfTheMedianRatioAndTheVerdictNeedsOnlyTheCi) {
  FakePerf runner;
  runner.counts["base"] = {1000, 1002, 1001};
  runner.counts["opt"] = {900, 902, 901};  // no ties: the exact test
  runner.output["base"] = runner.output["opt"] = "42\n";
  InstructionSettings s{3, 0.01, true, work_dir("ci")};
  InstructionResult r = count_instructions(runner, Counter::Perf, program("base"), program("opt"), s);
  ASSERT_FALSE(r.failed) << r.failure;
  RangeRatio range = range_ratio({1000, 1002, 1001}, {900, 902, 901});
  EXPECT_DOUBLE_EQ(r.lo, range.lo);
  EXPECT_DOUBLE_EQ(r.hi, range.hi);
  EXPECT_NEAR(r.half_width, (range.hi - range.lo) / 2 / r.speedup, 1e-12);
  EXPECT_NEAR(r.p_value, 0.1, 1e-9);  // the floor of the exact test with 3+3 values
  EXPECT_EQ(r.verdict, Verdict::Faster);
  fs::remove_all(s.work_dir);
}

TEST(CountInstructions, ADifferenceInsideTheNoiseBandIsNoChange) {
  FakePerf runner;
  runner.counts["base"] = {1000, 1000, 1000};
  runner.counts["opt"] = {995, 995, 995};  // 0.5% fewer, noise band 1%
  InstructionSettings s{3, 0.01, false, work_dir("noise")};
  InstructionResult r = count_instructions(runner, Counter::Perf, program("base"), program("opt"), s);
  EXPECT_DOUBLE_EQ(r.lo, 1000.0 / 995.0);
  EXPECT_DOUBLE_EQ(r.half_width, 0);
  EXPECT_EQ(r.verdict, Verdict::NoChange);
  runner.counts["opt"] = {1030, 1030, 1031};
  runner.calls.clear();
  r = count_instructions(runner, Counter::Perf, program("base"), program("opt"), s);
  EXPECT_EQ(r.verdict, Verdict::Slower);
  fs::remove_all(s.work_dir);
}

TEST(GoCountingEnv, GcOffAndNoAsyncPreemptionUnderValgrindUnlessTheWorkloadSetsThem) {
  ProcessSpec spec;
  std::vector<std::string> applied = apply_go_counting_env(spec, Counter::Cachegrind, {});
  EXPECT_EQ(spec.env.at("GOGC"), "off");
  EXPECT_EQ(spec.env.at("GODEBUG"), "asyncpreemptoff=1");
  EXPECT_EQ(spec.env.at("GOMAXPROCS"), "1");
  EXPECT_EQ(applied, (std::vector<std::string>{"GOGC=off", "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1"}));

  ProcessSpec mine;
  mine.env["GOGC"] = "200";  // workload_process copies the workload's env here
  applied = apply_go_counting_env(mine, Counter::Cachegrind, {{"GOGC", "200"}});
  EXPECT_EQ(mine.env.at("GOGC"), "200");
  EXPECT_EQ(applied, (std::vector<std::string>{"GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1"}));

  ProcessSpec perf;  // perf reads hardware counters: no valgrind, no GODEBUG needed
  applied = apply_go_counting_env(perf, Counter::Perf, {});
  EXPECT_FALSE(perf.env.count("GODEBUG"));
  EXPECT_EQ(applied, (std::vector<std::string>{"GOGC=off", "GOMAXPROCS=1"}));
}

TEST(BenchSettingsMapping, CopiesTheBenchSectionAndTheWorkload) {
  BenchSpec spec;
  spec.warmup = 2;
  spec.min_runs = 5;
  spec.max_runs = 7;
  spec.time_budget_s = 9;
  spec.target_ci = 0.03;
  spec.noise_threshold = 0.02;
  WorkloadSpec w;
  w.compare_output = false;
  BenchSettings s = bench_settings(spec, w, "/tmp/x");
  EXPECT_EQ(s.warmup, 2);
  EXPECT_EQ(s.min_runs, 5);
  EXPECT_EQ(s.max_runs, 7);
  EXPECT_EQ(s.time_budget_s, 9);
  EXPECT_EQ(s.target_ci, 0.03);
  EXPECT_EQ(s.noise, 0.02);
  EXPECT_FALSE(s.compare_output);
  EXPECT_EQ(s.work_dir, "/tmp/x");
  EXPECT_EQ(s.seed, BenchSettings{}.seed);
}

TEST(WorkloadProcess, ExpandsBinariesAndPaths) {
  Config config;
  config.project_dir = "/proj";
  WorkloadSpec w;
  w.name = "fib";
  w.run = {"${bin:calc}", "${project}/fib.calc"};
  w.cwd = "data";
  w.stdin_file = "in.txt";
  w.timeout = std::chrono::seconds(5);
  ProcessSpec p = workload_process(config, w, {{"calc", "/b/calc"}}, "/run");
  EXPECT_EQ(p.argv, (std::vector<std::string>{"/b/calc", "/proj/fib.calc"}));
  EXPECT_EQ(p.cwd, fs::path("/proj/data"));
  EXPECT_EQ(p.stdin_file, fs::path("/proj/in.txt"));
  EXPECT_EQ(p.timeout, std::chrono::seconds(5));
  EXPECT_EQ(targets_label(w), "calc");
  w.shell = true;
  EXPECT_EQ(workload_process(config, w, {{"calc", "/b/calc"}}, "/run").argv,
            (std::vector<std::string>{"/bin/sh", "-c", "/b/calc /proj/fib.calc"}));
}

}  // namespace
}  // namespace pgo::bench
