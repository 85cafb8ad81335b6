// Picking the recipe of a `pgo build` that built several (docs/recipes.md, "Picking the
// best"): the one with the best weighted geometric-mean speedup that is significantly better
// than each of the next simpler recipes built beside it; otherwise, by the same rule, a
// simpler one. A recipe whose benchmark failed or whose outputs differ from the baseline's
// is never chosen. Pure logic on the benchmark results; tests/orchestrator/recipe_choice_test.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orchestrator/recipe.h"
#include "orchestrator/report/report.h"

namespace pgo {

// The weighted geometric means of one metric's speedups and of their CI bounds over a
// recipe's results; nullopt when it has no successful result in that metric.
struct GeomeanSpeedup {
  double speedup = 0, lo = 0, hi = 0;
};
std::optional<GeomeanSpeedup> geomean_speedup(const std::vector<WorkloadResult>& results, const std::string& metric);

// How many techniques a recipe stacks; cspgo counts as two (IR PGO and its CS stage).
int complexity(const Recipe& recipe);
// `smaller` is `larger` with some techniques left out (cspgo may become pgo).
bool is_substack(const Recipe& smaller, const Recipe& larger);

// How one recipe compares with a simpler one in one metric.
enum class RecipeComparison { Better, Worse, Same };
// Better: the geomean ratio exceeds 1 + noise and the intervals of the two geomeans do not
// overlap (the lower bound of `recipe`'s above the upper bound of `simpler`'s); Worse,
// symmetrically; Same otherwise, or when either has no result in the metric.
RecipeComparison compare_recipes(const std::vector<WorkloadResult>& recipe, const std::vector<WorkloadResult>& simpler,
                           const std::string& metric, double noise);

struct RecipeCandidate {
  Recipe recipe;
  std::vector<WorkloadResult> results;  // against the baseline; empty without a benchmark
};

struct RecipeChoice {
  size_t chosen = 0;                  // index into the candidates
  std::vector<std::string> verdicts;  // one per candidate: why chosen, or why not
};

// The rule above, in `metrics` (the first one orders the candidates; a recipe must be Better
// than a simpler one in at least one metric and Worse in none). Without any benchmark, the
// simplest candidate. Throws std::invalid_argument without candidates.
RecipeChoice choose_recipe(const std::vector<RecipeCandidate>& candidates, const std::vector<std::string>& metrics,
                           double noise);

}  // namespace pgo
