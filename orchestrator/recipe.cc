#include "orchestrator/recipe.h"

#include <algorithm>

#include "support/error.h"
#include "support/strings.h"

namespace pgo {

bool Recipe::has(const std::string& technique) const {
  return std::find(techniques.begin(), techniques.end(), technique) != techniques.end();
}

const std::vector<std::string>& known_recipes() {
  static const std::vector<std::string> recipes = {"pgo", "pgo+lto", "pgo+bolt", "pgo+lto+bolt"};
  return recipes;
}

Recipe parse_recipe(const std::string& name) {
  if (std::find(known_recipes().begin(), known_recipes().end(), name) == known_recipes().end()) {
    std::string why = "unknown recipe";
    for (const char* later : {"cspgo"})
      if (("+" + name + "+").find(std::string("+") + later + "+") != std::string::npos)
        why = std::string("the technique '") + later + "' is not built into this pgo yet";
    throw UsageError("--recipe " + name + ": " + why + "; recipes: " + join(known_recipes(), ", "));
  }
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

}  // namespace pgo
