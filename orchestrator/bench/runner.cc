#include "orchestrator/bench/runner.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
#include <optional>
#include <random>
#include <regex>
#include <stdexcept>
#include <system_error>

#include "orchestrator/bench/output_check.h"
#include "support/atomic_file.h"
#include "support/strings.h"
#include "workloads/bounded_output.h"

namespace pgo::bench {
namespace {

constexpr size_t kBase = 0;

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

// One interleaved benchmark of several binaries; keeps the reference output and the first
// problems found. Binary 0 is the baseline; the others are each compared with it.
class VariantBench {
 public:
  VariantBench(ProcessRunner& runner, const std::vector<Variant>& variants, const BenchSettings& settings,
               std::vector<BenchResult>& results)
      : runner_(runner), v_(variants), s_(settings), rng_(settings.seed), results_(results),
        active_(variants.size(), true), reported_mismatch_(variants.size(), false), samples_(variants.size()) {
    if (s_.compare_output || s_.figure) {
      std::filesystem::create_directories(s_.work_dir);
      for (Variant& v : v_) v.run.stdout_file = s_.work_dir / (v.name + ".stdout");
    }
    if (s_.figure) {
      figure_regex_.emplace(s_.figure->regex);
      for (Variant& v : v_) v.run.stderr_file = s_.work_dir / (v.name + ".stderr");
    }
  }

  // Runs every active binary once in `order`. A failing binary is left out of later rounds
  // (its result says why; the baseline's failure ends the benchmark). True when every run
  // of the round succeeded: only such a round is a timed round.
  bool round(const std::vector<size_t>& order, bool timed, int index) {
    std::vector<ProcessResult> r(v_.size());
    std::vector<RunOutput> out(v_.size());
    std::vector<double> measured(v_.size());
    bool clean = true;
    for (size_t who : order) {
      throw_if_interrupted();
      r[who] = s_.compare_output || s_.figure ? run_bounded(who, out[who]) : runner_.run(v_[who].run);
      measured[who] = r[who].wall_s;
      if (r[who].ended_abnormally()) {
        clean = false;
        fail(who, timed, index, r[who].describe());
      } else if (v_[who].check && !run_check(who, r[who], timed, index)) {
        clean = false;
      } else if (s_.figure && !read_figure(who, measured[who], timed, index)) {
        clean = false;
      }
      if (!active_[kBase] || !any_compared_active()) return false;  // nothing left to compare
    }
    // Exit statuses: the baseline's first one is the reference (a workload may exit 1 by design).
    if (!ref_exit_) ref_exit_ = r[kBase].exit_code;
    if (r[kBase].exit_code != *ref_exit_) {
      fail(kBase, timed, index, r[kBase].describe() + ", but its first run exited " + std::to_string(*ref_exit_));
      return false;
    }
    for (size_t who : order)
      if (who != kBase && active_[who] && r[who].exit_code != 0 && *ref_exit_ == 0) {
        clean = false;
        fail(who, timed, index, r[who].describe() + " (the baseline exits 0)");
      }
    if (s_.compare_output) {  // the baseline first: its first run is the reference
      check_output(kBase, r[kBase], out[kBase], timed, index);
      for (size_t who : order)
        if (who != kBase && active_[who]) check_output(who, r[who], out[who], timed, index);
    }
    if (timed && clean)
      for (size_t slot = 0; slot < order.size(); ++slot) {
        const size_t who = order[slot];
        if (!active_[who]) continue;
        RunSample sample;
        sample.round = index;
        sample.slot = static_cast<int>(slot);
        sample.wall_s = measured[who];
        sample.user_s = r[who].user_s;
        sample.sys_s = r[who].sys_s;
        sample.max_rss_kb = r[who].max_rss_kb;
        sample.exit_code = r[who].exit_code;
        samples_[who].push_back(sample);
      }
    return clean;
  }

  // The active binaries in a seeded random order (Fisher-Yates); with two binaries, one draw
  // decides whether the baseline goes first.
  std::vector<size_t> random_order() {
    std::vector<size_t> order;
    for (size_t who = 0; who < v_.size(); ++who)
      if (active_[who]) order.push_back(who);
    for (size_t i = order.size(); i-- > 1;) std::swap(order[i], order[i - rng_() % (i + 1)]);
    return order;
  }

  bool active(size_t who) const { return active_[who]; }
  bool any_compared_active() const {
    for (size_t who = 1; who < v_.size(); ++who)
      if (active_[who]) return true;
    return false;
  }
  const std::vector<RunSample>& samples(size_t who) const { return samples_[who]; }

 private:
  // The result that `who`'s problems go to: a variant's own, or every one for the baseline.
  template <typename F>
  void for_results_of(size_t who, F&& f) {
    for (size_t i = 1; i < v_.size(); ++i)
      if (who == kBase || who == i) f(results_[i - 1]);
  }

  std::string label(size_t who, bool timed, int index) const {
    return v_[who].name + (timed ? " run " : " warm-up ") + std::to_string(index + 1);
  }

  // Records `failure` in `who`'s results (unless they failed already) and leaves `who` out
  // from now on.
  void record_failure(size_t who, const std::string& failure) {
    for_results_of(who, [&](BenchResult& r) {
      if (r.failed) return;
      r.failed = true;
      r.failure = failure;
    });
    active_[who] = false;
  }

  void fail(size_t who, bool timed, int index, const std::string& what) {
    record_failure(who, label(who, timed, index) + " failed: " + what + "; command: " +
                            shell_quote_for_display(v_[who].run.argv));
  }

  // The output check right after `who`'s run; false (and `who` left out) when it failed.
  bool run_check(size_t who, const ProcessResult& run, bool timed, int index) {
    for_results_of(who, [](BenchResult& r) { r.output_checked = true; });
    const std::string problem = run_output_check(runner_, *v_[who].check, s_.work_dir / (v_[who].name + ".check.log"));
    throw_if_interrupted();  // a check killed by Ctrl-C is no finding
    if (problem.empty()) return true;
    record_failure(who, label(who, timed, index) + ": " + problem + " (the run itself: " + run.describe() +
                            "; command: " + shell_quote_for_display(v_[who].run.argv) + ")");
    return false;
  }

  // What a run printed: its hash over every byte, and whether its stdout file left part out.
  struct RunOutput {
    std::string sha256;
    bool cut = false;
  };

  // Runs `who` with its stdout through a BoundedOutput: the file keeps a head and a tail,
  // the hash covers it all, so a huge output is compared exactly without being stored.
  ProcessResult run_bounded(size_t who, RunOutput& out) {
    std::error_code ec;  // a stale file must not pass for this run's output
    std::filesystem::remove(v_[who].run.stdout_file, ec);
    BoundedOutput output({v_[who].run.stdout_file, s_.figure ? v_[who].run.stderr_file : std::filesystem::path()});
    ProcessSpec spec = v_[who].run;
    spec.stdout_file = output.target(0);
    if (s_.figure) spec.stderr_file = output.target(1);
    ProcessResult r = runner_.run(spec);
    output.finish();
    out = RunOutput{output.sha256(0), output.cut(0)};
    return r;
  }

  // The workload's figure in `who`'s output (stdout first, then stderr) as a sample where
  // lower is better; false (and `who` left out) when there is no positive number to read.
  bool read_figure(size_t who, double& sample, bool timed, int index) {
    std::smatch match;
    for (const std::filesystem::path& file : {v_[who].run.stdout_file, v_[who].run.stderr_file}) {
      const std::string text = read_file_if_present(file);
      if (!std::regex_search(text, match, *figure_regex_)) continue;
      double value = 0;
      const std::string number = match[1].str();
      auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (error != std::errc() || end != number.data() + number.size() || !(value > 0) || !std::isfinite(value)) {
        record_failure(who, label(who, timed, index) + ": metric.regex matched '" + match[0].str() + "', but '" +
                                number + "' is not a positive number");
        return false;
      }
      sample = s_.figure->higher_is_better ? 1 / value : value;
      return true;
    }
    record_failure(who, label(who, timed, index) + ": metric.regex '" + s_.figure->regex +
                            "' matches nothing in its stdout or stderr (kept in " + v_[who].run.stdout_file.string() +
                            " and " + v_[who].run.stderr_file.string() + ")");
    return false;
  }

  void check_output(size_t who, const ProcessResult& r, const RunOutput& run_output, bool timed, int index) {
    for_results_of(who, [](BenchResult& res) { res.outputs_compared = true; });
    const std::filesystem::path& out = v_[who].run.stdout_file;
    const std::string& hash = run_output.sha256;
    const std::filesystem::path reference = s_.work_dir / (v_[kBase].name + ".reference.stdout");
    if (ref_hash_.empty()) {  // the first baseline run defines the expected output
      ref_hash_ = hash;
      ref_cut_ = run_output.cut;
      copy_or_empty(out, reference);
    }
    if (reported_mismatch_[who]) return;  // report only the first difference
    std::string what;
    if (r.exit_code != *ref_exit_) {
      what = r.describe() + ", the baseline's exit status " + std::to_string(*ref_exit_);
    } else if (hash != ref_hash_) {
      const std::filesystem::path kept = s_.work_dir / (v_[who].name + ".mismatch.stdout");
      copy_or_empty(out, kept);
      what = who == kBase ? "stdout differs from the baseline's first run, so the output is not "
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
    reported_mismatch_[who] = true;
    const std::string mismatch = label(who, timed, index) + ": " + what;
    for_results_of(who, [&](BenchResult& res) {
      if (!res.outputs_match) return;
      res.outputs_match = false;
      res.mismatch = mismatch;
    });
  }

  static void copy_or_empty(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code ec;
    std::filesystem::remove(to, ec);
    if (std::filesystem::exists(from))
      std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  }

  ProcessRunner& runner_;
  std::vector<Variant> v_;
  std::optional<std::regex> figure_regex_;
  const BenchSettings& s_;
  std::mt19937_64 rng_;
  std::vector<BenchResult>& results_;
  std::vector<bool> active_;
  std::vector<bool> reported_mismatch_;  // its first output difference is recorded
  std::vector<std::vector<RunSample>> samples_;
  std::optional<int> ref_exit_;
  std::string ref_hash_;
  bool ref_cut_ = false;  // the reference output was larger than its stdout file keeps
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

std::vector<BenchResult> bench_variants(ProcessRunner& runner, const std::vector<Variant>& variants,
                                       const BenchSettings& settings, const std::function<void(int, int)>& progress) {
  validate(settings);
  if (variants.size() < 2) throw std::invalid_argument("bench: a baseline and at least one other binary are needed");
  const std::function<double()> clock = settings.clock ? settings.clock : [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  const BootstrapSettings boot{settings.resamples, 0.95, settings.seed};
  std::vector<BenchResult> results(variants.size() - 1);
  VariantBench bench(runner, variants, settings, results);
  const double start = clock();

  // The benchmark goes on while the baseline and at least one other binary still run.
  auto running = [&] { return bench.active(kBase) && bench.any_compared_active(); };
  // Warm-ups are shuffled too, so no binary always follows another into a cold cache.
  for (int i = 0; running() && i < settings.warmup; ++i) bench.round(bench.random_order(), false, i);

  const double timed_start = clock();
  int rounds = 0, last_check = 0;
  StopReason stop = StopReason::MaxRuns;
  bool cut_by_budget = false;
  while (running()) {
    if (!bench.round(bench.random_order(), true, rounds)) continue;
    ++rounds;
    if (progress) progress(rounds, settings.max_runs);
    // Would the next round, at the average round's length, overrun the budget?
    const double now = clock();
    const bool over_budget = now - start + (now - timed_start) / rounds > settings.time_budget_s;
    if (rounds < settings.min_runs) {
      if (over_budget && rounds >= kMinRoundsUnderBudget) {
        stop = StopReason::TimeBudget;
        cut_by_budget = true;
        break;
      }
      continue;
    }
    // The bootstrap costs O(resamples * n): past a few dozen runs, re-check every ~10% growth.
    // Every binary still running must have reached the target.
    if (rounds - last_check >= std::max(1, last_check / 10)) {
      last_check = rounds;
      bool all_narrow = true;
      for (size_t who = 1; who < variants.size() && all_narrow; ++who)
        if (bench.active(who))
          all_narrow = bootstrap_speedup(walls(bench.samples(kBase)), walls(bench.samples(who)), boot)
                           .half_width_fraction() <= settings.target_ci;
      if (all_narrow) {
        stop = StopReason::CiTarget;
        break;
      }
    }
    if (rounds >= settings.max_runs) {
      stop = StopReason::MaxRuns;
      break;
    }
    if (over_budget) {
      stop = StopReason::TimeBudget;
      break;
    }
  }
  const double elapsed = clock() - start;

  const BinaryStats baseline = make_stats(bench.samples(kBase));
  for (size_t who = 1; who < variants.size(); ++who) {
    BenchResult& result = results[who - 1];
    result.stop_reason = result.failed ? StopReason::RunFailed : stop;
    result.min_runs_cut_by_budget = !result.failed && cut_by_budget;
    result.elapsed_s = elapsed;
    result.baseline = baseline;
    result.optimized = make_stats(bench.samples(who));
    result.rounds = result.optimized.runs;
    if (result.baseline.runs > 0 && result.optimized.runs > 0) {
      const Comparison c = compare(walls(result.baseline.samples), walls(result.optimized.samples), boot, settings.noise);
      result.speedup = c.speedup.speedup;
      result.ci_lo = c.speedup.lo;
      result.ci_hi = c.speedup.hi;
      result.ci_half_width = c.speedup.half_width_fraction();
      result.p_value = c.test.p_value;
      result.verdict = c.verdict;
    }
  }
  return results;
}

BenchResult bench_pair(ProcessRunner& runner, const ProcessSpec& baseline, const ProcessSpec& optimized,
                       const BenchSettings& settings, const std::function<void(int, int)>& progress) {
  return bench_variants(runner, {{"baseline", baseline, settings.baseline_check},
                                 {"optimized", optimized, settings.optimized_check}},
                        settings, progress)
      .front();
}

}  // namespace pgo::bench
