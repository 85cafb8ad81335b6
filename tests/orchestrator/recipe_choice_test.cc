#include "orchestrator/recipe_choice.h"

#include <cmath>

#include <gtest/gtest.h>

namespace pgo {
namespace {

// A result in `metric` with speedup `s` and the interval [s - half, s + half].
WorkloadResult result(const std::string& workload, double s, double half, const std::string& metric = "instructions",
                      double weight = 1) {
  WorkloadResult r;
  r.toolchain = "clang";
  r.workload = workload;
  r.metric = metric;
  r.weight = weight;
  r.bench.speedup = s;
  r.bench.ci_lo = s - half;
  r.bench.ci_hi = s + half;
  return r;
}

RecipeCandidate candidate(const std::string& recipe, std::vector<WorkloadResult> results) {
  return RecipeCandidate{parse_recipe(recipe), std::move(results)};
}

const std::vector<std::string> kInstructions = {"instructions"};

TEST(RecipeChoice, ComplexityAndSubstacks) {
  EXPECT_EQ(complexity(parse_recipe("pgo")), 1);
  EXPECT_EQ(complexity(parse_recipe("pgo+lto+bolt")), 3);
  EXPECT_TRUE(is_substack(parse_recipe("pgo"), parse_recipe("pgo+lto")));
  EXPECT_TRUE(is_substack(parse_recipe("pgo+lto"), parse_recipe("pgo+lto+bolt")));
  EXPECT_TRUE(is_substack(parse_recipe("pgo+bolt"), parse_recipe("pgo+lto+bolt")));
  EXPECT_FALSE(is_substack(parse_recipe("pgo+bolt"), parse_recipe("pgo+lto")));
  EXPECT_FALSE(is_substack(parse_recipe("pgo+lto"), parse_recipe("pgo+lto")));
  EXPECT_FALSE(is_substack(parse_recipe("pgo+lto"), parse_recipe("pgo")));
}

TEST(RecipeChoice, GeomeanIsWeightedAndSkipsFailuresAndOtherMetrics) {
  WorkloadResult failed = result("c", 9.0, 0.1);
  failed.bench.failed = true;
  std::vector<WorkloadResult> rs = {result("a", 1.2, 0.01, "instructions", 3), result("b", 1.0, 0.01),
                                    result("t", 5.0, 0.5, "wall_time"), failed};
  std::optional<GeomeanSpeedup> g = geomean_speedup(rs, "instructions");
  ASSERT_TRUE(g);
  EXPECT_NEAR(g->speedup, std::pow(1.2 * 1.2 * 1.2 * 1.0, 0.25), 1e-12);
  EXPECT_LT(g->lo, g->speedup);
  EXPECT_GT(g->hi, g->speedup);
  EXPECT_FALSE(geomean_speedup(rs, "cycles"));
}

TEST(RecipeChoice, TheBestRecipeWinsWhenSignificantlyBetterThanTheNextSimpler) {
  std::vector<RecipeCandidate> cs = {candidate("pgo", {result("a", 1.20, 0.002)}),
                                     candidate("pgo+lto", {result("a", 1.32, 0.002)}),
                                     candidate("pgo+lto+bolt", {result("a", 1.45, 0.002)})};
  RecipeChoice c = choose_recipe(cs, kInstructions, 0.01);
  EXPECT_EQ(c.chosen, 2u);
  EXPECT_NE(c.verdicts[2].find("chosen: 1.450x"), std::string::npos) << c.verdicts[2];
  EXPECT_NE(c.verdicts[2].find("significantly better than pgo+lto"), std::string::npos) << c.verdicts[2];
  EXPECT_NE(c.verdicts[0].find("below the chosen pgo+lto+bolt"), std::string::npos) << c.verdicts[0];
}

TEST(RecipeChoice, AGainWithinNoiseOrOverlappingIntervalsFallsBackToTheSimplerRecipe) {
  // pgo+lto is 0.5% better than pgo: within the 1% noise threshold.
  std::vector<RecipeCandidate> within_noise = {candidate("pgo", {result("a", 1.200, 0.0001)}),
                                               candidate("pgo+lto", {result("a", 1.206, 0.0001)})};
  RecipeChoice c = choose_recipe(within_noise, kInstructions, 0.01);
  EXPECT_EQ(c.chosen, 0u);
  EXPECT_NE(c.verdicts[1].find("not significantly better than pgo"), std::string::npos) << c.verdicts[1];
  EXPECT_NE(c.verdicts[0].find("the simplest recipe built"), std::string::npos) << c.verdicts[0];
  // 5% better, but the wall-time intervals overlap.
  std::vector<RecipeCandidate> overlapping = {candidate("pgo", {result("a", 1.20, 0.05, "wall_time")}),
                                              candidate("pgo+bolt", {result("a", 1.26, 0.05, "wall_time")})};
  EXPECT_EQ(choose_recipe(overlapping, {"wall_time"}, 0.01).chosen, 0u);
}

TEST(RecipeChoice, TheFallbackWalksDownToTheNextBestRecipeThatEarnsItsPlace) {
  // pgo+lto+bolt adds nothing over pgo+lto, which is clearly better than pgo.
  std::vector<RecipeCandidate> cs = {candidate("pgo", {result("a", 1.10, 0.002)}),
                                     candidate("pgo+lto", {result("a", 1.30, 0.002)}),
                                     candidate("pgo+bolt", {result("a", 1.10, 0.002)}),
                                     candidate("pgo+lto+bolt", {result("a", 1.302, 0.002)})};
  RecipeChoice c = choose_recipe(cs, kInstructions, 0.01);
  EXPECT_EQ(c.chosen, 1u);
  EXPECT_NE(c.verdicts[3].find("not significantly better than pgo+lto"), std::string::npos) << c.verdicts[3];
}

TEST(RecipeChoice, ABetterMetricMustNotComeWithAWorseOne) {
  // BOLT: 3% faster in wall time, but 5% more instructions: not chosen.
  std::vector<RecipeCandidate> cs = {
      candidate("pgo", {result("a", 1.20, 0.005, "wall_time"), result("a", 1.20, 0.001)}),
      candidate("pgo+bolt", {result("a", 1.236, 0.005, "wall_time"), result("a", 1.14, 0.001)})};
  EXPECT_EQ(choose_recipe(cs, {"wall_time", "instructions"}, 0.01).chosen, 0u);
  // Same instructions, faster in time: chosen (layout gains are invisible to instruction counts).
  cs[1].results[1] = result("a", 1.20, 0.001);
  RecipeChoice c = choose_recipe(cs, {"wall_time", "instructions"}, 0.01);
  EXPECT_EQ(c.chosen, 1u) << c.verdicts[1];
}

TEST(RecipeChoice, ARecipeWhoseOutputsDifferOrWhoseBenchmarkFailedIsNeverChosen) {
  std::vector<RecipeCandidate> cs = {candidate("pgo", {result("a", 1.10, 0.002)}),
                                     candidate("pgo+lto", {result("a", 1.50, 0.002)}),
                                     candidate("pgo+bolt", {result("a", 1.60, 0.002)})};
  cs[1].results[0].bench.outputs_match = false;
  cs[1].results[0].bench.mismatch = "optimized run 1: stdout differs";
  cs[2].results[0].bench.failed = true;
  cs[2].results[0].bench.failure = "optimized run 2 failed: killed by signal 11";
  RecipeChoice c = choose_recipe(cs, kInstructions, 0.01);
  EXPECT_EQ(c.chosen, 0u);
  EXPECT_NE(c.verdicts[1].find("left out: its outputs differ"), std::string::npos) << c.verdicts[1];
  EXPECT_NE(c.verdicts[2].find("left out: its benchmark failed"), std::string::npos) << c.verdicts[2];
}

TEST(RecipeChoice, WithoutABenchmarkTheSimplestIsKept) {
  std::vector<RecipeCandidate> cs = {candidate("pgo+lto", {}), candidate("pgo", {})};
  RecipeChoice c = choose_recipe(cs, kInstructions, 0.01);
  EXPECT_EQ(c.chosen, 1u);
  EXPECT_NE(c.verdicts[1].find("nothing was measured"), std::string::npos);
  EXPECT_THROW(choose_recipe({}, kInstructions, 0.01), std::invalid_argument);
}

TEST(RecipeChoice, WithoutPlainPgoTheSimplestBuiltRecipeIsTheReference) {
  std::vector<RecipeCandidate> cs = {candidate("pgo+lto", {result("a", 1.30, 0.002)}),
                                     candidate("pgo+lto+bolt", {result("a", 1.301, 0.002)})};
  EXPECT_EQ(choose_recipe(cs, kInstructions, 0.01).chosen, 0u);
}

}  // namespace
}  // namespace pgo
