#include "orchestrator/recipe.h"

#include <algorithm>

#include "support/error.h"
#include "support/strings.h"

namespace pgo {

bool Recipe::has(const std::string& technique) const {
  return std::find(techniques.begin(), techniques.end(), technique) != techniques.end();
}

std::string Recipe::tree_name() const {
  if (name == "pgo") return "optimized";
  std::string out = "optimized-" + name;
  std::replace(out.begin(), out.end(), '+', '-');
  return out;
}

std::string stage_one_family(const Recipe& recipe) { return recipe.has("lto") ? "lto" : ""; }

std::string training_family(const Recipe& recipe) {
  return recipe.has("cspgo") ? "cs-" + stage_one_family(recipe) : stage_one_family(recipe);
}

std::string instrumented_tree(const std::string& family) {
  return family.empty() ? "instrumented" : "instrumented-" + family;
}

std::string family_prefix(const std::string& family) { return family.empty() ? "" : family + "-"; }

std::string family_label(const std::string& family) { return family.empty() ? "" : " (" + family + ")"; }

const std::vector<std::string>& known_recipes() {
  static const std::vector<std::string> recipes = {"pgo",          "pgo+lto",   "pgo+bolt",
                                                   "pgo+lto+bolt", "cspgo+lto", "cspgo+lto+bolt"};
  return recipes;
}

Recipe parse_recipe(const std::string& name) {
  if (std::find(known_recipes().begin(), known_recipes().end(), name) == known_recipes().end())
    throw UsageError("--recipe " + name + ": unknown recipe; recipes: " + join(known_recipes(), ", "));
  Recipe r;
  r.name = name;
  r.techniques.clear();
  size_t start = 0;
  for (size_t plus = name.find('+'); ; plus = name.find('+', start)) {
    r.techniques.push_back(name.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return r;
}

std::string unsupported_reason(const Recipe& recipe, const std::string& toolchain_kind) {
  if (toolchain_kind.empty()) return "";  // not detected yet
  if (toolchain_kind == "go") {
    if (recipe.has("lto")) return "Go has no link-time optimization";
    if (recipe.has("bolt")) return "BOLT cannot rewrite Go binaries (the Go linker emits no relocations for it)";
  }
  if (recipe.has("cspgo") && toolchain_kind == "gcc") return "GCC has no context-sensitive PGO";
  if (recipe.has("cspgo") && toolchain_kind == "rust")
    return "rustc 1.95 cannot build a context-sensitive instrumented binary (docs/recipes.md)";
  return "";
}

std::vector<Recipe> expand_recipes(const std::vector<std::string>& names, const std::string& toolchain_kind) {
  const bool all = std::find(names.begin(), names.end(), "all") != names.end();
  for (const std::string& name : names)
    if (name != "all") parse_recipe(name);  // unknown names first, whatever the toolchain
  std::vector<Recipe> out;
  for (const std::string& known : known_recipes()) {
    const bool asked = all || std::find(names.begin(), names.end(), known) != names.end();
    if (!asked) continue;
    Recipe r = parse_recipe(known);
    const std::string why = unsupported_reason(r, toolchain_kind);
    if (why.empty()) out.push_back(std::move(r));
    else if (!all || std::find(names.begin(), names.end(), known) != names.end())
      throw UsageError("--recipe " + known + ": " + why + "; use --recipe pgo for this toolchain");
  }
  if (out.empty()) out.push_back(Recipe{});
  return out;
}

}  // namespace pgo
