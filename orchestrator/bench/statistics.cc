#include "orchestrator/bench/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/normal.hpp>

namespace pgo::bench {
namespace {

void require_nonempty(const std::vector<double>& xs, const char* what) {
  if (xs.empty()) throw std::invalid_argument(std::string(what) + ": empty sample");
}

// Median of `buf` in O(n); reorders `buf`. The bootstrap calls this 2 * resamples times.
double median_in_place(std::vector<double>& buf) {
  const size_t n = buf.size();
  const auto mid = buf.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(buf.begin(), mid, buf.end());
  if (n % 2 == 1) return *mid;
  // After nth_element everything before `mid` is <= *mid, so the lower middle is their max.
  const double lower = *std::max_element(buf.begin(), mid);
  return (lower + *mid) / 2;
}

// Percentile (type 7) of already sorted values.
double percentile_sorted(const std::vector<double>& sorted, double p) {
  const double h = (static_cast<double>(sorted.size()) - 1) * p / 100.0;
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Uniform index in [0, n) without bias (Lemire's multiply-shift with rejection). Not
// std::uniform_int_distribution: its algorithm is unspecified, so results would differ
// between standard libraries; and this avoids a 64-bit division per draw.
size_t uniform_index(std::mt19937_64& rng, uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(rng()) * n;
  auto low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (low < threshold) {
      m = static_cast<unsigned __int128>(rng()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<size_t>(m >> 64);
}

double normal_sf(double z) {
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), z));
}

// P(U >= k) under H0 with group sizes m and n and no ties, by counting arrangements.
// f[i][u] = number of orderings of i values of group A and j of group B with U_A = u; adding
// the largest value: f(i,j,u) = f(i-1,j,u-j) [it is an A, beating all j B's] + f(i,j-1,u).
double exact_upper_tail(size_t m, size_t n, double k) {
  if (m > n) std::swap(m, n);  // the distribution is symmetric in (m, n); keep the table small
  std::vector<std::vector<double>> f(m + 1, std::vector<double>(1, 1.0));
  for (size_t j = 1; j <= n; ++j) {
    for (size_t i = 1; i <= m; ++i) {
      f[i].resize(i * j + 1, 0.0);
      const std::vector<double>& prev = f[i - 1];  // already at j
      for (size_t u = 0; u < prev.size(); ++u) f[i][u + j] += prev[u];
    }
  }
  const std::vector<double>& dist = f[m];
  const double total = std::accumulate(dist.begin(), dist.end(), 0.0);
  const auto from = static_cast<size_t>(std::max(0.0, std::floor(k)));
  double tail = 0;
  for (size_t u = from; u < dist.size(); ++u) tail += dist[u];
  return tail / total;
}

}  // namespace

double median(std::vector<double> xs) {
  require_nonempty(xs, "median");
  return median_in_place(xs);
}

double mean(const std::vector<double>& xs) {
  require_nonempty(xs, "mean");
  return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

double min(const std::vector<double>& xs) {
  require_nonempty(xs, "min");
  return *std::min_element(xs.begin(), xs.end());
}

double max(const std::vector<double>& xs) {
  require_nonempty(xs, "max");
  return *std::max_element(xs.begin(), xs.end());
}

double stddev(const std::vector<double>& xs) {
  require_nonempty(xs, "stddev");
  if (xs.size() < 2) return 0;
  const double m = mean(xs);
  double ss = 0;
  for (double x : xs) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(xs.size() - 1));
}

double mad_raw(const std::vector<double>& xs) {
  const double med = median(xs);
  std::vector<double> dev;
  dev.reserve(xs.size());
  for (double x : xs) dev.push_back(std::fabs(x - med));
  return median_in_place(dev);
}

double mad_scaled(const std::vector<double>& xs) { return kMadScale * mad_raw(xs); }

double percentile(std::vector<double> xs, double p) {
  require_nonempty(xs, "percentile");
  if (!(p >= 0 && p <= 100)) throw std::invalid_argument("percentile: p must be in [0, 100]");
  std::sort(xs.begin(), xs.end());
  return percentile_sorted(xs, p);
}

std::vector<double> modified_z_scores(const std::vector<double>& xs) {
  const double med = median(xs);
  const double mad = mad_raw(xs);
  std::vector<double> z(xs.size(), 0.0);
  double scale;  // divides (x - median)
  if (mad > 0) {
    scale = mad / 0.6745;
  } else {
    double mean_ad = 0;
    for (double x : xs) mean_ad += std::fabs(x - med);
    mean_ad /= static_cast<double>(xs.size());
    scale = 1.253314 * mean_ad;  // mean |dev| of a normal is sigma * sqrt(2/pi)
  }
  if (scale == 0) return z;  // all values equal: nothing stands out
  for (size_t i = 0; i < xs.size(); ++i) z[i] = (xs[i] - med) / scale;
  return z;
}

std::vector<bool> outlier_flags(const std::vector<double>& xs, double threshold) {
  const std::vector<double> z = modified_z_scores(xs);
  std::vector<bool> flags(z.size());
  for (size_t i = 0; i < z.size(); ++i) flags[i] = std::fabs(z[i]) > threshold;
  return flags;
}

size_t count_outliers(const std::vector<double>& xs, double threshold) {
  const std::vector<bool> flags = outlier_flags(xs, threshold);
  return static_cast<size_t>(std::count(flags.begin(), flags.end(), true));
}

Summary summarize(const std::vector<double>& xs) {
  Summary s;
  s.n = xs.size();
  s.median = median(xs);
  s.mad = mad_scaled(xs);
  s.min = min(xs);
  s.max = max(xs);
  s.mean = mean(xs);
  s.stddev = stddev(xs);
  std::vector<double> sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  s.p05 = percentile_sorted(sorted, 5);
  s.p95 = percentile_sorted(sorted, 95);
  s.outliers = count_outliers(xs);
  return s;
}

double SpeedupInterval::half_width_fraction() const { return (hi - lo) / 2 / speedup; }

SpeedupInterval bootstrap_speedup(const std::vector<double>& baseline,
                                  const std::vector<double>& optimized,
                                  const BootstrapSettings& settings) {
  require_nonempty(baseline, "bootstrap_speedup (baseline)");
  require_nonempty(optimized, "bootstrap_speedup (optimized)");
  if (settings.resamples < 1) throw std::invalid_argument("bootstrap_speedup: resamples < 1");
  if (!(settings.confidence > 0 && settings.confidence < 1))
    throw std::invalid_argument("bootstrap_speedup: confidence must be in (0, 1)");
  for (const auto* group : {&baseline, &optimized})
    for (double x : *group)
      if (!(x > 0)) throw std::invalid_argument("bootstrap_speedup: times must be positive");

  SpeedupInterval out;
  out.speedup = median(baseline) / median(optimized);

  std::mt19937_64 rng(settings.seed);
  std::vector<double> b(baseline.size()), o(optimized.size());
  std::vector<double> ratios(static_cast<size_t>(settings.resamples));
  for (double& ratio : ratios) {
    for (double& x : b) x = baseline[uniform_index(rng, baseline.size())];
    for (double& x : o) x = optimized[uniform_index(rng, optimized.size())];
    ratio = median_in_place(b) / median_in_place(o);
  }
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1 - settings.confidence) / 2 * 100;
  out.lo = percentile_sorted(ratios, tail);
  out.hi = percentile_sorted(ratios, 100 - tail);
  return out;
}

MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b,
                                 MannWhitneyMethod method) {
  require_nonempty(a, "mann_whitney_u (first group)");
  require_nonempty(b, "mann_whitney_u (second group)");
  const size_t n1 = a.size(), n2 = b.size(), n = n1 + n2;

  // Rank the pooled sample with midranks for ties; remember tie-group sizes.
  std::vector<std::pair<double, bool>> pooled;  // value, belongs to `a`
  pooled.reserve(n);
  for (double x : a) pooled.emplace_back(x, true);
  for (double x : b) pooled.emplace_back(x, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& l, const auto& r) { return l.first < r.first; });
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k)
      if (pooled[k].second) rank_sum_a += midrank;
    if (t > 1) ties = true;
    tie_term += t * t * t - t;
    i = j;
  }

  MannWhitneyResult r;
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
  r.u1 = rank_sum_a - dn1 * (dn1 + 1) / 2;
  const double u_max = std::max(r.u1, dn1 * dn2 - r.u1);

  bool exact = method == MannWhitneyMethod::Exact ||
               (method == MannWhitneyMethod::Auto && (n1 <= 8 || n2 <= 8) && !ties);
  // The counting table costs about min(n1,n2)^2 * max(n1,n2)^2 additions: cap it.
  const double small = static_cast<double>(std::min(n1, n2));
  const double large = static_cast<double>(std::max(n1, n2));
  if (small * small * large * large > 4e8) exact = false;

  double p;
  if (exact) {
    p = 2 * exact_upper_tail(n1, n2, u_max);
  } else {
    const double dn = static_cast<double>(n);
    const double var = dn1 * dn2 / 12 * ((dn + 1) - tie_term / (dn * (dn - 1)));
    if (!(var > 0)) {
      p = 1;  // every value identical: no evidence of a difference
    } else {
      const double z = (u_max - dn1 * dn2 / 2 - 0.5) / std::sqrt(var);
      p = 2 * normal_sf(z);
    }
  }
  r.p_value = std::clamp(p, 0.0, 1.0);
  r.exact = exact;
  return r;
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Faster: return "faster";
    case Verdict::Slower: return "slower";
    case Verdict::NoChange: return "no_change";
  }
  return "no_change";
}

Verdict decide(double p_value, double ci_lo, double ci_hi, double noise, double alpha) {
  // Written so that a NaN anywhere falls through to NoChange.
  if (!(p_value < alpha)) return Verdict::NoChange;
  if (ci_lo > 1 + noise && ci_hi >= ci_lo) return Verdict::Faster;
  if (ci_hi < 1 - noise && ci_lo <= ci_hi) return Verdict::Slower;
  return Verdict::NoChange;
}

Comparison compare(const std::vector<double>& baseline, const std::vector<double>& optimized,
                   const BootstrapSettings& bootstrap, double noise, double alpha) {
  Comparison c;
  c.speedup = bootstrap_speedup(baseline, optimized, bootstrap);
  c.test = mann_whitney_u(baseline, optimized);
  c.verdict = decide(c.test.p_value, c.speedup.lo, c.speedup.hi, noise, alpha);
  return c;
}

double weighted_geometric_mean(const std::vector<double>& values, const std::vector<double>& weights) {
  if (values.size() != weights.size())
    throw std::invalid_argument("weighted_geometric_mean: values and weights differ in size");
  if (values.empty()) throw std::invalid_argument("weighted_geometric_mean: empty input");
  double log_sum = 0, weight_sum = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!(values[i] > 0)) throw std::invalid_argument("weighted_geometric_mean: value <= 0");
    if (!(weights[i] >= 0)) throw std::invalid_argument("weighted_geometric_mean: negative weight");
    log_sum += weights[i] * std::log(values[i]);
    weight_sum += weights[i];
  }
  if (!(weight_sum > 0)) throw std::invalid_argument("weighted_geometric_mean: weights sum to 0");
  return std::exp(log_sum / weight_sum);
}

}  // namespace pgo::bench
