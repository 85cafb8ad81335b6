// Statistics for benchmark samples: robust summaries, outlier flags, a bootstrap speedup
// interval, the Mann-Whitney U test and the verdict rule. Pure functions, no I/O.
// docs/benchmarking.md explains each choice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pgo::bench {

// --- Summaries. Each throws std::invalid_argument on an empty input. ---------------

double median(std::vector<double> xs);  // mean of the two middle values when n is even
double mean(const std::vector<double>& xs);
double min(const std::vector<double>& xs);
double max(const std::vector<double>& xs);
// Sample standard deviation (n-1 denominator); 0 for a single value.
double stddev(const std::vector<double>& xs);
// Raw median absolute deviation: median(|x - median(x)|).
double mad_raw(const std::vector<double>& xs);
// Scaled MAD: 1.4826 * mad_raw, a consistent estimator of sigma for normal data.
double mad_scaled(const std::vector<double>& xs);
inline constexpr double kMadScale = 1.4826;
// Percentile p in [0, 100] by linear interpolation between closest ranks
// (Hyndman-Fan type 7, numpy's default): h = (n-1)*p/100, x[floor h] + frac(h)*(x[ceil h]-x[floor h]).
double percentile(std::vector<double> xs, double p);

// Iglewicz-Hoaglin modified z-score: M = 0.6745 * (x - median) / mad_raw. When mad_raw is
// 0 (more than half the values equal), falls back to (x - median) / (1.253314 * mean |x - median|);
// if that is 0 too, nothing is flagged. Values are flagged, never removed.
std::vector<double> modified_z_scores(const std::vector<double>& xs);
std::vector<bool> outlier_flags(const std::vector<double>& xs, double threshold = 3.5);
size_t count_outliers(const std::vector<double>& xs, double threshold = 3.5);

struct Summary {
  size_t n = 0;
  double median = 0, mad = 0 /* scaled */, min = 0, max = 0, mean = 0, stddev = 0;
  double p05 = 0, p95 = 0;
  size_t outliers = 0;
};
Summary summarize(const std::vector<double>& xs);

// --- Speedup and its bootstrap confidence interval. ----------------------------------

struct BootstrapSettings {
  int resamples = 10000;
  double confidence = 0.95;
  uint64_t seed = 0x5eed;
};

struct SpeedupInterval {
  double speedup = 0;  // median(baseline) / median(optimized); > 1 means optimized is faster
  double lo = 0, hi = 0;
  // (hi - lo) / 2 / speedup: the stopping criterion of the runner.
  double half_width_fraction() const;
};

// Percentile bootstrap: each resample draws n values with replacement from each group
// independently (std::mt19937_64 seeded with `seed`, unbiased index by rejection so the
// result is the same with any standard library) and takes the ratio of the two medians;
// lo/hi are the (1-confidence)/2 and (1+confidence)/2 percentiles (type 7) of those ratios.
// Throws std::invalid_argument on an empty group, a non-positive median or resamples < 1.
SpeedupInterval bootstrap_speedup(const std::vector<double>& baseline,
                                  const std::vector<double>& optimized,
                                  const BootstrapSettings& settings = {});

// --- Mann-Whitney U (Wilcoxon rank-sum), two-sided. ----------------------------------

enum class MannWhitneyMethod {
  Auto,        // exact when either group has <= 8 values and there are no ties, else asymptotic
  Exact,       // exact null distribution of U (ignores ties; falls back if too large to count)
  Asymptotic,  // normal approximation with tie and continuity corrections
};

struct MannWhitneyResult {
  double u1 = 0;       // U of the first group: rank sum - n1(n1+1)/2 (midranks for ties)
  double p_value = 1;  // two-sided
  bool exact = false;  // which method produced p_value
};

// Throws std::invalid_argument if a group is empty.
MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b,
                                 MannWhitneyMethod method = MannWhitneyMethod::Auto);

// --- Verdict. ------------------------------------------------------------------------

enum class Verdict { Faster, Slower, NoChange };
const char* to_string(Verdict verdict);  // "faster", "slower", "no_change"

// Faster/Slower only when p < alpha AND [lo, hi] lies wholly above 1+noise / below 1-noise.
Verdict decide(double p_value, double ci_lo, double ci_hi, double noise = 0.01, double alpha = 0.05);

struct Comparison {
  SpeedupInterval speedup;
  MannWhitneyResult test;
  Verdict verdict = Verdict::NoChange;
};

// All of the above for two groups of wall times.
Comparison compare(const std::vector<double>& baseline, const std::vector<double>& optimized,
                   const BootstrapSettings& bootstrap = {}, double noise = 0.01, double alpha = 0.05);

// exp(sum w_i ln x_i / sum w_i). Throws std::invalid_argument on mismatched sizes, an empty
// input, a non-positive value, a negative weight or a zero weight sum.
double weighted_geometric_mean(const std::vector<double>& values, const std::vector<double>& weights);

}  // namespace pgo::bench
