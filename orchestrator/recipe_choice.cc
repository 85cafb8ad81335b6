#include "orchestrator/recipe_choice.h"

#include <algorithm>
#include <stdexcept>

#include "orchestrator/bench/statistics.h"
#include "support/strings.h"

namespace pgo {

std::optional<GeomeanSpeedup> geomean_speedup(const std::vector<WorkloadResult>& results, const std::string& metric) {
  std::vector<double> speedups, los, his, weights;
  for (const WorkloadResult& r : results) {
    if (r.metric != metric || r.bench.failed || !(r.bench.speedup > 0)) continue;
    speedups.push_back(r.bench.speedup);
    // A result without an interval (one run) is its own bounds.
    los.push_back(r.bench.ci_lo > 0 ? r.bench.ci_lo : r.bench.speedup);
    his.push_back(r.bench.ci_hi > 0 ? r.bench.ci_hi : r.bench.speedup);
    weights.push_back(r.weight);
  }
  if (speedups.empty()) return std::nullopt;
  return GeomeanSpeedup{bench::weighted_geometric_mean(speedups, weights), bench::weighted_geometric_mean(los, weights),
                        bench::weighted_geometric_mean(his, weights)};
}

int complexity(const Recipe& recipe) {
  return static_cast<int>(recipe.techniques.size()) + (recipe.has("cspgo") ? 1 : 0);
}

bool is_substack(const Recipe& smaller, const Recipe& larger) {
  if (complexity(smaller) >= complexity(larger)) return false;
  for (const std::string& t : smaller.techniques)
    if (!larger.has(t) && !(t == "pgo" && larger.has("cspgo"))) return false;
  return true;
}

RecipeComparison compare_recipes(const std::vector<WorkloadResult>& recipe, const std::vector<WorkloadResult>& simpler,
                                 const std::string& metric, double noise) {
  const std::optional<GeomeanSpeedup> a = geomean_speedup(recipe, metric), b = geomean_speedup(simpler, metric);
  if (!a || !b) return RecipeComparison::Same;
  const double ratio = a->speedup / b->speedup;
  if (ratio > 1 + noise && a->lo > b->hi) return RecipeComparison::Better;
  if (ratio < 1 - noise && a->hi < b->lo) return RecipeComparison::Worse;
  return RecipeComparison::Same;
}

namespace {

// "1.123x [1.101, 1.140] in instructions", or "no result in wall_time".
std::string describe(const std::vector<WorkloadResult>& results, const std::string& metric) {
  const std::optional<GeomeanSpeedup> g = geomean_speedup(results, metric);
  if (!g) return "no result in " + metric;
  return format_fixed(g->speedup, 3) + "x [" + format_fixed(g->lo, 3) + ", " + format_fixed(g->hi, 3) + "] in " + metric;
}

// Why a recipe cannot be chosen at all; empty when it can.
std::string disqualification(const RecipeCandidate& c) {
  for (const WorkloadResult& r : c.results) {
    if (r.bench.failed) return "its benchmark failed (" + r.workload + ": " + r.bench.failure + ")";
    if (!r.bench.outputs_match) return "its outputs differ from the baseline's (" + r.workload + ": " + r.bench.mismatch + ")";
  }
  return "";
}

}  // namespace

RecipeChoice choose_recipe(const std::vector<RecipeCandidate>& candidates, const std::vector<std::string>& metrics,
                           double noise) {
  if (candidates.empty()) throw std::invalid_argument("choose_recipe: no candidate");
  const size_t n = candidates.size();
  RecipeChoice choice;
  choice.verdicts.assign(n, "");
  auto simplest_of = [&](const std::vector<size_t>& among) {
    return *std::min_element(among.begin(), among.end(), [&](size_t a, size_t b) {
      return complexity(candidates[a].recipe) < complexity(candidates[b].recipe);
    });
  };
  std::vector<size_t> all(n), eligible;
  bool measured = false;
  for (size_t i = 0; i < n; ++i) {
    all[i] = i;
    measured = measured || !candidates[i].results.empty();
    const std::string why = disqualification(candidates[i]);
    if (why.empty()) eligible.push_back(i);
    else choice.verdicts[i] = "left out: " + why;
  }
  if (!measured || metrics.empty()) {
    choice.chosen = simplest_of(all);
    for (size_t i = 0; i < n; ++i)
      choice.verdicts[i] = i == choice.chosen ? "chosen: nothing was measured, so the simplest recipe is kept"
                                              : "not measured";
    return choice;
  }
  if (eligible.empty()) {
    choice.chosen = simplest_of(all);
    choice.verdicts[choice.chosen] += "; kept as the simplest recipe, for want of one whose outputs match";
    return choice;
  }
  const std::string& first = metrics.front();
  auto ranking = [&](size_t i) {
    const std::optional<GeomeanSpeedup> g = geomean_speedup(candidates[i].results, first);
    return g ? g->speedup : 0.0;
  };
  std::vector<size_t> order = eligible;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (ranking(a) != ranking(b)) return ranking(a) > ranking(b);
    return complexity(candidates[a].recipe) < complexity(candidates[b].recipe);
  });
  std::optional<size_t> chosen;
  for (size_t i : order) {
    // The simpler recipes built beside this one that are just one step simpler.
    std::vector<size_t> next_simpler;
    int step = -1;
    for (size_t j : eligible)
      if (is_substack(candidates[j].recipe, candidates[i].recipe)) step = std::max(step, complexity(candidates[j].recipe));
    for (size_t j : eligible)
      if (is_substack(candidates[j].recipe, candidates[i].recipe) && complexity(candidates[j].recipe) == step)
        next_simpler.push_back(j);
    std::string beaten, not_beaten;
    for (size_t j : next_simpler) {
      bool better = false, worse = false;
      for (const std::string& metric : metrics) {
        const RecipeComparison c = compare_recipes(candidates[i].results, candidates[j].results, metric, noise);
        better = better || c == RecipeComparison::Better;
        worse = worse || c == RecipeComparison::Worse;
      }
      std::string& list = better && !worse ? beaten : not_beaten;
      list += (list.empty() ? "" : ", ") + candidates[j].recipe.name + " (" + describe(candidates[j].results, first) + ")";
    }
    if (!not_beaten.empty()) {
      choice.verdicts[i] = "not significantly better than " + not_beaten + ": " + describe(candidates[i].results, first);
      continue;
    }
    chosen = i;
    choice.verdicts[i] = "chosen: " + describe(candidates[i].results, first) +
                         (beaten.empty() ? ", the simplest recipe built" : ", significantly better than " + beaten);
    break;
  }
  choice.chosen = *chosen;  // the simplest eligible recipe has no simpler one: the loop ends there at the latest
  for (size_t i : eligible)
    if (choice.verdicts[i].empty())
      choice.verdicts[i] = "below the chosen " + candidates[*chosen].recipe.name + ": " + describe(candidates[i].results, first);
  return choice;
}

}  // namespace pgo
