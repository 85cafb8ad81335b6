// A recipe: the techniques stacked on a build, named by joining them with '+' ("pgo",
// "pgo+bolt"). Plain "pgo" is today's behaviour and the default. docs/recipes.md.
#pragma once

#include <string>
#include <vector>

namespace pgo {

struct Recipe {
  std::string name = "pgo";
  std::vector<std::string> techniques = {"pgo"};  // in the order they apply
  bool has(const std::string& technique) const;
  // The build-tree name of its optimized build: "optimized" for plain pgo, else
  // "optimized-" and the name with '-' for '+' (build systems dislike '+' in paths less
  // than people reading them do, but some do).
  std::string tree_name() const;
};

// Recipes whose instrumented builds are alike share one instrumented build and training, a
// training family: "" (plain), "lto", or "cs-lto" (CS-PGO's second stage, on top of "lto").
std::string training_family(const Recipe& recipe);
// The family whose profile a recipe's stage 1 is ("" or "lto"): what `pgo status` rebuilds
// and what the metadata's instrument flags record.
std::string stage_one_family(const Recipe& recipe);
// A family's trees: "instrumented" or "instrumented-<family>", and the prefix of its
// raw-profiles and merged directories ("" or "<family>-").
std::string instrumented_tree(const std::string& family);
std::string family_prefix(const std::string& family);
// How stages name a family's work: "" or " (<family>)", as in "train (lto)".
std::string family_label(const std::string& family);

// Parses a --recipe value. Every recipe starts with "pgo" or "cspgo" (context-sensitive
// PGO, which comes with LTO); an unknown name is a UsageError that lists what exists.
Recipe parse_recipe(const std::string& name);

// The recipes this pgo builds, simplest first.
const std::vector<std::string>& known_recipes();

// Why a toolchain of kind `toolchain_kind` ("gcc", "clang", "rust", "go": compiler_kinds'
// toolchain column) cannot take `recipe`; empty when it can, or when the kind is not known yet
// (empty).
std::string unsupported_reason(const Recipe& recipe, const std::string& toolchain_kind);

// The recipes that `names` asks for, in known_recipes() order without repeats; "all" is
// every recipe `toolchain_kind` supports. A named recipe the toolchain cannot take is a
// UsageError giving the reason.
std::vector<Recipe> expand_recipes(const std::vector<std::string>& names, const std::string& toolchain_kind);

}  // namespace pgo
