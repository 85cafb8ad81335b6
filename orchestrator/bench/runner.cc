#include "orchestrator/bench/runner.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <random>
#include <stdexcept>
#include <system_error>

#include "orchestrator/bench/output_check.h"
#include "support/strings.h"
#include "workloads/bounded_output.h"

namespace pgo::bench {
namespace {

constexpr int kBase = 0, kOpt = 1;
const char* binary_name(int who) { return who == kBase ? "baseline" : "optimized"; }

void validate(const BenchSettings& s) {
  if (s.warmup < 0) throw std::invalid_argument("bench: warmup must be >= 0");
  if (s.min_runs < 1) throw std::invalid_argument("bench: min_runs must be >= 1");
  if (s.max_runs < s.min_runs) throw std::invalid_argument("bench: max_runs must be >= min_runs");
  if (s.resamples < 1) throw std::invalid_argument("bench: resamples must be >= 1");
  if (!(s.time_budget_s >= 0)) throw std::invalid_argument("bench: time budget must be >= 0");
  if (s.compare_output && s.work_dir.empty())
    throw std::invalid_argument("bench: compare_output needs a work_dir for stdout files");
  if ((s.baseline_check || s.optimized_check) && s.work_dir.empty())
    throw std::invalid_argument("bench: an output check needs a work_dir for its log");
}

// Median of integer-valued RSS figures, rounded down to a whole kB.
long median_long(const std::vector<RunSample>& samples) {
  std::vector<double> v;
  for (const RunSample& s : samples) v.push_back(static_cast<double>(s.max_rss_kb));
  return static_cast<long>(median(std::move(v)));
}

BinaryStats make_stats(std::vector<RunSample> samples) {
  BinaryStats st;
  st.runs = static_cast<int>(samples.size());
  if (!samples.empty()) {
    std::vector<double> wall, cpu;
    for (const RunSample& s : samples) {
      wall.push_back(s.wall_s);
      cpu.push_back(s.cpu_s());
    }
    const Summary sum = summarize(wall);
    st.median_s = sum.median;
    st.mad_s = sum.mad;
    st.min_s = sum.min;
    st.max_s = sum.max;
    st.mean_s = sum.mean;
    st.stddev_s = sum.stddev;
    st.p05_s = sum.p05;
    st.p95_s = sum.p95;
    st.outliers = static_cast<int>(sum.outliers);
    st.cpu_median_s = median(cpu);
    st.max_rss_kb = median_long(samples);
    const std::vector<bool> flags = outlier_flags(wall);
    for (size_t i = 0; i < samples.size(); ++i) samples[i].outlier = flags[i];
  }
  st.samples = std::move(samples);
  return st;
}

std::vector<double> walls(const std::vector<RunSample>& samples) {
  std::vector<double> v;
  for (const RunSample& s : samples) v.push_back(s.wall_s);
  return v;
}

// One benchmark of a pair; keeps the reference output and the first problems found.
class PairBench {
 public:
  PairBench(ProcessRunner& runner, const ProcessSpec& base, const ProcessSpec& opt,
            const BenchSettings& settings)
      : runner_(runner), spec_{base, opt}, check_{settings.baseline_check, settings.optimized_check},
        s_(settings), rng_(settings.seed) {
    if (s_.compare_output) {
      std::filesystem::create_directories(s_.work_dir);
      for (int who : {kBase, kOpt})
        spec_[who].stdout_file = s_.work_dir / (std::string(binary_name(who)) + ".stdout");
    }
  }

  // Runs both binaries once in `order`; false when a run failed (result.failure says why).
  bool round(std::array<int, 2> order, bool timed, int index, BenchResult& result) {
    std::array<ProcessResult, 2> r;
    std::array<RunOutput, 2> out;
    for (int slot = 0; slot < 2; ++slot) {
      const int who = order[slot];
      throw_if_interrupted();
      r[who] = s_.compare_output ? run_bounded(who, out[who]) : runner_.run(spec_[who]);
      if (r[who].spawn_failed || r[who].timed_out || r[who].signal != 0)
        return fail(result, who, timed, index, r[who].describe());
      if (check_[who] && !run_check(who, r[who], timed, index, result)) return false;
    }
    // Exit statuses: the baseline's first one is the reference (a workload may exit 1 by design).
    if (!ref_exit_) ref_exit_ = r[kBase].exit_code;
    if (r[kBase].exit_code != *ref_exit_)
      return fail(result, kBase, timed, index,
                  r[kBase].describe() + ", but its first run exited " + std::to_string(*ref_exit_));
    if (r[kOpt].exit_code != 0 && *ref_exit_ == 0)
      return fail(result, kOpt, timed, index, r[kOpt].describe() + " (the baseline exits 0)");
    if (s_.compare_output) {
      result.outputs_compared = true;
      check_output(kBase, r[kBase], out[kBase], timed, index, result);
      check_output(kOpt, r[kOpt], out[kOpt], timed, index, result);
    }
    if (timed) {
      for (int slot = 0; slot < 2; ++slot) {
        const int who = order[slot];
        RunSample sample;
        sample.round = index;
        sample.slot = slot;
        sample.wall_s = r[who].wall_s;
        sample.user_s = r[who].user_s;
        sample.sys_s = r[who].sys_s;
        sample.max_rss_kb = r[who].max_rss_kb;
        sample.exit_code = r[who].exit_code;
        samples_[who].push_back(sample);
      }
    }
    return true;
  }

  std::array<int, 2> random_order() {
    return (rng_() & 1) ? std::array<int, 2>{kOpt, kBase} : std::array<int, 2>{kBase, kOpt};
  }

  const std::vector<RunSample>& samples(int who) const { return samples_[who]; }

 private:
  static std::string label(int who, bool timed, int index) {
    return std::string(binary_name(who)) + (timed ? " run " : " warm-up ") + std::to_string(index + 1);
  }

  bool fail(BenchResult& result, int who, bool timed, int index, const std::string& what) {
    result.failed = true;
    result.failure = label(who, timed, index) + " failed: " + what + "; command: " +
                     shell_quote_for_display(spec_[who].argv);
    return false;
  }

  // The output check right after `who`'s run; false (and the failure recorded) when it failed.
  bool run_check(int who, const ProcessResult& run, bool timed, int index, BenchResult& result) {
    result.output_checked = true;
    const std::string problem =
        run_output_check(runner_, *check_[who], s_.work_dir / (std::string(binary_name(who)) + ".check.log"));
    throw_if_interrupted();  // a check killed by Ctrl-C is no finding
    if (problem.empty()) return true;
    result.failed = true;
    result.failure = label(who, timed, index) + ": " + problem + " (the run itself: " + run.describe() +
                     "; command: " + shell_quote_for_display(spec_[who].argv) + ")";
    return false;
  }

  // What a run printed: its hash over every byte, and whether its stdout file left part out.
  struct RunOutput {
    std::string sha256;
    bool cut = false;
  };

  // Runs `who` with its stdout through a BoundedOutput: the file keeps a head and a tail,
  // the hash covers it all, so a huge output is compared exactly without being stored.
  ProcessResult run_bounded(int who, RunOutput& out) {
    std::error_code ec;  // a stale file must not pass for this run's output
    std::filesystem::remove(spec_[who].stdout_file, ec);
    BoundedOutput output({spec_[who].stdout_file, {}});
    ProcessSpec spec = spec_[who];
    spec.stdout_file = output.target(0);
    ProcessResult r = runner_.run(spec);
    output.finish();
    out = RunOutput{output.sha256(0), output.cut(0)};
    return r;
  }

  void check_output(int who, const ProcessResult& r, const RunOutput& run_output, bool timed, int index,
                    BenchResult& result) {
    const std::filesystem::path& out = spec_[who].stdout_file;
    const std::string& hash = run_output.sha256;
    const std::filesystem::path reference = s_.work_dir / "baseline.reference.stdout";
    if (ref_hash_.empty()) {  // the first baseline run defines the expected output
      ref_hash_ = hash;
      ref_cut_ = run_output.cut;
      copy_or_empty(out, reference);
    }
    if (!result.outputs_match) return;  // report only the first difference
    std::string what;
    if (r.exit_code != *ref_exit_) {
      what = r.describe() + ", the baseline's exit status " + std::to_string(*ref_exit_);
    } else if (hash != ref_hash_) {
      const std::filesystem::path kept =
          s_.work_dir / (std::string(binary_name(who)) + ".mismatch.stdout");
      copy_or_empty(out, kept);
      what = who == kBase
                 ? "stdout differs from the baseline's first run, so the output is not "
                   "deterministic (set compare_output: false for this workload)"
                 : "stdout differs from the baseline's";
      what += " (compare " + reference.string() + " with " + kept.string();
      if (ref_cut_ || run_output.cut)
        what += "; they keep the first " + std::to_string(BoundedOutput::kHeadBytes >> 20) + " MiB and the last " +
                std::to_string(BoundedOutput::kTailBytes >> 10) + " KiB of each output, so the difference may lie in "
                "the part left out";
      what += ")";
    } else {
      return;
    }
    result.outputs_match = false;
    result.mismatch = label(who, timed, index) + ": " + what;
  }

  static void copy_or_empty(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::remove(to, ec);
    if (std::filesystem::exists(from))
      std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  }

  ProcessRunner& runner_;
  std::array<ProcessSpec, 2> spec_;
  std::array<std::optional<ProcessSpec>, 2> check_;
  const BenchSettings& s_;
  std::mt19937_64 rng_;
  std::optional<int> ref_exit_;
  std::string ref_hash_;
  bool ref_cut_ = false;  // the reference output was larger than its stdout file keeps
  std::array<std::vector<RunSample>, 2> samples_;
};

}  // namespace

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::CiTarget: return "ci_target";
    case StopReason::MaxRuns: return "max_runs";
    case StopReason::TimeBudget: return "time_budget";
    case StopReason::RunFailed: return "run_failed";
  }
  return "max_runs";
}

BenchResult bench_pair(ProcessRunner& runner, const ProcessSpec& baseline,
                       const ProcessSpec& optimized, const BenchSettings& settings,
                       const std::function<void(int, int)>& progress) {
  validate(settings);
  const std::function<double()> clock = settings.clock ? settings.clock : [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  const BootstrapSettings boot{settings.resamples, 0.95, settings.seed};
  BenchResult result;
  PairBench bench(runner, baseline, optimized, settings);
  const double start = clock();

  bool ok = true;
  // Warm-ups alternate too, so neither binary always follows the other into a cold cache.
  for (int i = 0; ok && i < settings.warmup; ++i) ok = bench.round(bench.random_order(), false, i, result);

  const double timed_start = clock();
  int last_check = 0;
  while (ok) {
    ok = bench.round(bench.random_order(), true, result.rounds, result);
    if (!ok) break;
    ++result.rounds;
    if (progress) progress(result.rounds, settings.max_runs);
    // Would the next round, at the average round's length, overrun the budget?
    const double now = clock();
    const bool over_budget = now - start + (now - timed_start) / result.rounds > settings.time_budget_s;
    if (result.rounds < settings.min_runs) {
      if (over_budget && result.rounds >= kMinRoundsUnderBudget) {
        result.stop_reason = StopReason::TimeBudget;
        result.min_runs_cut_by_budget = true;
        break;
      }
      continue;
    }
    // The bootstrap costs O(resamples * n): past a few dozen runs, re-check every ~10% growth.
    if (result.rounds - last_check >= std::max(1, last_check / 10)) {
      last_check = result.rounds;
      const SpeedupInterval ci = bootstrap_speedup(walls(bench.samples(kBase)),
                                                   walls(bench.samples(kOpt)), boot);
      if (ci.half_width_fraction() <= settings.target_ci) {
        result.stop_reason = StopReason::CiTarget;
        break;
      }
    }
    if (result.rounds >= settings.max_runs) {
      result.stop_reason = StopReason::MaxRuns;
      break;
    }
    if (over_budget) {
      result.stop_reason = StopReason::TimeBudget;
      break;
    }
  }
  if (!ok) result.stop_reason = StopReason::RunFailed;
  result.elapsed_s = clock() - start;

  result.baseline = make_stats(bench.samples(kBase));
  result.optimized = make_stats(bench.samples(kOpt));
  if (result.baseline.runs > 0 && result.optimized.runs > 0) {
    const Comparison c = compare(walls(result.baseline.samples), walls(result.optimized.samples),
                                 boot, settings.noise);
    result.speedup = c.speedup.speedup;
    result.ci_lo = c.speedup.lo;
    result.ci_hi = c.speedup.hi;
    result.ci_half_width = c.speedup.half_width_fraction();
    result.p_value = c.test.p_value;
    result.verdict = c.verdict;
  }
  return result;
}

}  // namespace pgo::bench
