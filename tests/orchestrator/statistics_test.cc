// Statistics on known data. Mann-Whitney expectations were computed with
// scipy.stats.mannwhitneyu 1.17 (method "exact" / "asymptotic", use_continuity=True).
#include "orchestrator/bench/statistics.h"

#include <cmath>
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

namespace pgo::bench {
namespace {

const std::vector<double> kPi = {3, 1, 4, 1, 5, 9, 2, 6};  // sorted: 1 1 2 3 4 5 6 9

TEST(Summaries, HandComputedValues) {
  EXPECT_DOUBLE_EQ(median(kPi), 3.5);
  EXPECT_DOUBLE_EQ(median({7, 1, 3}), 3);
  EXPECT_DOUBLE_EQ(median({2}), 2);
  EXPECT_DOUBLE_EQ(mean(kPi), 3.875);
  EXPECT_NEAR(stddev(kPi), 2.748376143938713, 1e-12);
  EXPECT_DOUBLE_EQ(stddev({4}), 0);
  EXPECT_DOUBLE_EQ(min(kPi), 1);
  EXPECT_DOUBLE_EQ(max(kPi), 9);
  // |x - 3.5| sorted: .5 .5 1.5 1.5 2.5 2.5 2.5 5.5 -> median 2
  EXPECT_DOUBLE_EQ(mad_raw(kPi), 2.0);
  EXPECT_NEAR(mad_scaled(kPi), 2.9652, 1e-12);
}

TEST(Summaries, PercentilesInterpolateLinearlyBetweenClosestRanks) {
  EXPECT_DOUBLE_EQ(percentile(kPi, 0), 1);
  EXPECT_DOUBLE_EQ(percentile(kPi, 100), 9);
  EXPECT_DOUBLE_EQ(percentile(kPi, 50), 3.5);
  EXPECT_NEAR(percentile(kPi, 25), 1.75, 1e-12);  // h = 1.75: 1 + .75 * (2 - 1)
  EXPECT_NEAR(percentile(kPi, 90), 6.9, 1e-12);   // h = 6.3: 6 + .3 * (9 - 6)
  EXPECT_NEAR(percentile(kPi, 95), 7.95, 1e-12);  // numpy.percentile agrees
  EXPECT_THROW(percentile(kPi, 101), std::invalid_argument);
  EXPECT_THROW(percentile(kPi, -1), std::invalid_argument);
}

TEST(Summaries, EmptyInputThrows) {
  EXPECT_THROW(median({}), std::invalid_argument);
  EXPECT_THROW(mean({}), std::invalid_argument);
  EXPECT_THROW(mad_raw({}), std::invalid_argument);
  EXPECT_THROW(summarize({}), std::invalid_argument);
}

TEST(Summaries, SummarizeGathersEverything) {
  const Summary s = summarize(kPi);
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.median, 3.5);
  EXPECT_NEAR(s.mad, 2.9652, 1e-12);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 9);
  EXPECT_DOUBLE_EQ(s.mean, 3.875);
  EXPECT_NEAR(s.p05, 1.0, 1e-12);
  EXPECT_NEAR(s.p95, 7.95, 1e-12);
  EXPECT_EQ(s.outliers, 0u);
}

TEST(Outliers, ModifiedZScoreFlagsWithoutDropping) {
  // median 10, MAD 0.05: M(20) = 0.6745 * 10 / 0.05 = 134.9; M(10.1) = 1.349.
  const std::vector<double> xs = {10, 10.1, 9.9, 10.05, 9.95, 10, 20};
  const std::vector<double> z = modified_z_scores(xs);
  ASSERT_EQ(z.size(), xs.size());
  EXPECT_NEAR(z[6], 134.9, 1e-9);
  EXPECT_NEAR(z[1], 1.349, 1e-9);
  EXPECT_NEAR(z[2], -1.349, 1e-9);
  const std::vector<bool> flags = outlier_flags(xs);
  EXPECT_EQ(flags, (std::vector<bool>{false, false, false, false, false, false, true}));
  EXPECT_EQ(count_outliers(xs), 1u);
  EXPECT_EQ(summarize(xs).n, 7u);  // still counted in the summary
}

TEST(Outliers, ThresholdIsStrict) {
  // median 0, MAD 1: M(x) = 0.6745 x; 5.19 -> 3.50066 (flagged), 5.18 -> 3.49391 (not)
  EXPECT_EQ(count_outliers({-1, -1, 0, 0, 0, 1, 1, 5.19}), 1u);
  EXPECT_EQ(count_outliers({-1, -1, 0, 0, 0, 1, 1, 5.18}), 0u);
}

TEST(Outliers, ZeroMadFallsBackToMeanAbsoluteDeviation) {
  // MAD = 0; mean |dev| = 0.2; M(6) = 1 / (1.253314 * 0.2) = 3.99
  const std::vector<double> z = modified_z_scores({5, 5, 5, 5, 6});
  EXPECT_NEAR(z[4], 1 / (1.253314 * 0.2), 1e-9);
  EXPECT_EQ(count_outliers({5, 5, 5, 5, 6}), 1u);
  EXPECT_EQ(count_outliers({5, 5, 5, 5}), 0u);
}

struct MwCase {
  std::vector<double> a, b;
  double u1, p_exact, p_asymptotic;
};

const MwCase kTextbook = {{19, 22, 16, 29, 24}, {20, 11, 17, 12}, 17, 0.1111111111111111,
                          0.11134688653314041};
const MwCase kSmall = {{1.1, 2.3, 3.5, 4.2, 5.9}, {2.0, 6.1, 7.3, 8.8, 9.4, 10.2}, 4,
                       0.05194805194805195, 0.05523425371806383};
const MwCase kMid = {{10.3456, 10.8216, 10.3304, 8.6968, 10.9054, 10.4464, 9.463, 10.5811, 10.3646,
                      10.2941, 10.0284, 10.5467},
                     {10.2635, 10.8371, 10.5179, 11.5988, 11.0397, 10.7075, 10.2181, 10.7428,
                      11.0081, 10.7244, 12.2941, 12.0067, 8.2888, 9.111, 10.8252},
                     53, 0.07458953304962189, 0.07490957015830448};
const MwCase kLarge = {{9.5778, 10.2136, 10.2173, 12.1178, 8.888, 9.6224, 12.0428, 10.6467, 10.6631,
                        9.486, 8.3519, 10.1675, 10.109, 8.7726, 9.3168, 9.928, 9.0552, 9.9017,
                        10.0955, 10.0356},
                       {10.0937, 11.1937, 11.4912, 10.9208, 9.7818, 11.3317, 10.0986, 11.4792,
                        9.5282, 11.5145, 10.5799, 9.3513, 10.2861, 10.6541, 10.8728, 9.6178, 9.4926,
                        10.7996, 10.1333, 10.8355, 11.3595, 8.9512, 10.8544, 11.8246, 10.3025},
                       148, 0.01935114606217621, 0.020426322770631666};

TEST(MannWhitney, MatchesScipyExactAndAsymptotic) {
  for (const MwCase* c : {&kTextbook, &kSmall, &kMid, &kLarge}) {
    const auto exact = mann_whitney_u(c->a, c->b, MannWhitneyMethod::Exact);
    EXPECT_DOUBLE_EQ(exact.u1, c->u1);
    EXPECT_TRUE(exact.exact);
    EXPECT_NEAR(exact.p_value, c->p_exact, 1e-12);
    const auto approx = mann_whitney_u(c->a, c->b, MannWhitneyMethod::Asymptotic);
    EXPECT_DOUBLE_EQ(approx.u1, c->u1);
    EXPECT_FALSE(approx.exact);
    EXPECT_NEAR(approx.p_value, c->p_asymptotic, 1e-12);
  }
}

TEST(MannWhitney, AutoIsExactOnlyForSmallGroupsWithoutTies) {
  auto small = mann_whitney_u(kSmall.a, kSmall.b);
  EXPECT_TRUE(small.exact);
  EXPECT_NEAR(small.p_value, kSmall.p_exact, 1e-12);
  auto mid = mann_whitney_u(kMid.a, kMid.b);
  EXPECT_FALSE(mid.exact);
  EXPECT_NEAR(mid.p_value, kMid.p_asymptotic, 1e-12);
}

TEST(MannWhitney, TieCorrection) {
  // scipy: U1 = 18, p = 0.009702476038481312 (asymptotic; "auto" picks it because of ties)
  const std::vector<double> a = {1, 2, 2, 3, 4, 4, 4, 5, 6, 7};
  const std::vector<double> b = {3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11};
  const auto r = mann_whitney_u(a, b);
  EXPECT_DOUBLE_EQ(r.u1, 18);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.p_value, 0.009702476038481312, 1e-12);
}

TEST(MannWhitney, SymmetricAndDegenerate) {
  const auto ab = mann_whitney_u(kMid.a, kMid.b);
  const auto ba = mann_whitney_u(kMid.b, kMid.a);
  EXPECT_DOUBLE_EQ(ba.u1, 12.0 * 15 - ab.u1);
  EXPECT_DOUBLE_EQ(ba.p_value, ab.p_value);
  EXPECT_DOUBLE_EQ(mann_whitney_u({1, 1, 1}, {1, 1, 1, 1}).p_value, 1.0);
  // Complete separation with 10 vs 10: exact p = 2 / C(20, 10)
  std::vector<double> lo, hi;
  for (int i = 0; i < 10; ++i) lo.push_back(i), hi.push_back(100 + i);
  EXPECT_NEAR(mann_whitney_u(lo, hi, MannWhitneyMethod::Exact).p_value, 2.0 / 184756, 1e-15);
  EXPECT_THROW(mann_whitney_u({}, {1}), std::invalid_argument);
}

std::vector<double> lognormal(std::mt19937_64& rng, size_t n, double sigma, double scale) {
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i) v.push_back(scale * std::exp(normal(rng)));
  return v;
}

TEST(Bootstrap, PointEstimateIsTheRatioOfMedians) {
  const auto ci = bootstrap_speedup({2, 4, 6}, {1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(ci.speedup, 4 / 2.5);
  EXPECT_LE(ci.lo, ci.speedup);
  EXPECT_GE(ci.hi, ci.speedup);
  EXPECT_DOUBLE_EQ(ci.half_width_fraction(), (ci.hi - ci.lo) / 2 / ci.speedup);
}

TEST(Bootstrap, ReproducibleWithTheSameSeed) {
  std::mt19937_64 rng(7);
  const auto a = lognormal(rng, 25, 0.2, 1.0), b = lognormal(rng, 25, 0.2, 0.9);
  const auto x = bootstrap_speedup(a, b, {10000, 0.95, 42});
  const auto y = bootstrap_speedup(a, b, {10000, 0.95, 42});
  EXPECT_EQ(x.lo, y.lo);
  EXPECT_EQ(x.hi, y.hi);
  // The seed matters. (With 10,000 resamples the percentiles of the few distinct median
  // ratios often coincide across seeds, so compare small, coarse bootstraps.)
  const auto ref = bootstrap_speedup(a, b, {51, 0.95, 42});
  int differ = 0;
  for (uint64_t seed = 43; seed < 53; ++seed) {
    const auto z = bootstrap_speedup(a, b, {51, 0.95, seed});
    differ += z.lo != ref.lo || z.hi != ref.hi;
  }
  EXPECT_GT(differ, 0);
}

TEST(Bootstrap, IntervalContainsKnownTenPercentShiftAndExcludesOne) {
  // Optimized times are the baseline distribution divided by 1.1: true speedup 1.1.
  std::mt19937_64 rng(2024);
  int covered = 0, excluded_one = 0;
  const int trials = 100;
  for (int t = 0; t < trials; ++t) {
    const auto base = lognormal(rng, 30, 0.05, 1.0);
    const auto opt = lognormal(rng, 30, 0.05, 1.0 / 1.1);
    const auto ci = bootstrap_speedup(base, opt, {10000, 0.95, static_cast<uint64_t>(t)});
    covered += ci.lo <= 1.1 && 1.1 <= ci.hi;
    excluded_one += ci.lo > 1.0;
  }
  EXPECT_GE(covered, 88);  // nominal 95%; the percentile bootstrap of a median runs a bit short
  EXPECT_EQ(excluded_one, trials);
}

TEST(Bootstrap, RejectsBadInput) {
  EXPECT_THROW(bootstrap_speedup({}, {1}), std::invalid_argument);
  EXPECT_THROW(bootstrap_speedup({1, 0}, {1}), std::invalid_argument);
  EXPECT_THROW(bootstrap_speedup({1}, {1}, {0, 0.95, 1}), std::invalid_argument);
}

TEST(Verdict, NeedsSignificanceAndAnIntervalOutsideTheNoiseBand) {
  EXPECT_EQ(decide(0.01, 1.05, 1.15), Verdict::Faster);
  EXPECT_EQ(decide(0.01, 0.85, 0.95), Verdict::Slower);
  EXPECT_EQ(decide(0.06, 1.05, 1.15), Verdict::NoChange);   // not significant
  EXPECT_EQ(decide(0.01, 1.005, 1.15), Verdict::NoChange);  // CI reaches into the noise band
  EXPECT_EQ(decide(0.01, 0.90, 0.995), Verdict::NoChange);
  EXPECT_EQ(decide(0.01, 1.03, 1.10, 0.05), Verdict::NoChange);  // wider noise band
  EXPECT_EQ(decide(std::nan(""), 1.05, 1.15), Verdict::NoChange);
  EXPECT_STREQ(to_string(Verdict::Faster), "faster");
  EXPECT_STREQ(to_string(Verdict::Slower), "slower");
  EXPECT_STREQ(to_string(Verdict::NoChange), "no_change");
}

TEST(Verdict, AATestsAreNoChangeAtLeast95PercentOfTheTime) {
  std::mt19937_64 rng(99);
  int no_change = 0;
  for (int t = 0; t < 200; ++t) {
    // 15% log-normal spread: a noisy machine running the same binary twice.
    const auto a = lognormal(rng, 20, 0.15, 1.0), b = lognormal(rng, 20, 0.15, 1.0);
    no_change += compare(a, b, {10000, 0.95, static_cast<uint64_t>(t)}).verdict == Verdict::NoChange;
  }
  EXPECT_GE(no_change, 190);
}

TEST(Verdict, CompareFindsARealSpeedup) {
  std::mt19937_64 rng(5);
  const auto base = lognormal(rng, 20, 0.05, 1.0), opt = lognormal(rng, 20, 0.05, 0.8);
  const Comparison c = compare(base, opt);
  EXPECT_EQ(c.verdict, Verdict::Faster);
  EXPECT_LT(c.test.p_value, 0.05);
  EXPECT_EQ(compare(opt, base).verdict, Verdict::Slower);
}

TEST(GeometricMean, Weighted) {
  EXPECT_NEAR(weighted_geometric_mean({2, 8}, {1, 1}), 4, 1e-12);
  EXPECT_NEAR(weighted_geometric_mean({1.1, 1.2}, {1, 3}),
              std::exp((std::log(1.1) + 3 * std::log(1.2)) / 4), 1e-12);
  EXPECT_NEAR(weighted_geometric_mean({1.5, 9}, {1, 0}), 1.5, 1e-12);
  EXPECT_THROW(weighted_geometric_mean({1, 2}, {1}), std::invalid_argument);
  EXPECT_THROW(weighted_geometric_mean({}, {}), std::invalid_argument);
  EXPECT_THROW(weighted_geometric_mean({0, 2}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(weighted_geometric_mean({1, 2}, {0, 0}), std::invalid_argument);
  EXPECT_THROW(weighted_geometric_mean({1, 2}, {-1, 2}), std::invalid_argument);
}

}  // namespace
}  // namespace pgo::bench
