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
};

// Parses a --recipe value. Every recipe starts with "pgo"; a technique this pgo does not
// build yet (cspgo) or an unknown one is a UsageError that lists what exists.
Recipe parse_recipe(const std::string& name);

// The recipes this pgo builds, simplest first.
const std::vector<std::string>& known_recipes();

}  // namespace pgo
