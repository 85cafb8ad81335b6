#include "orchestrator/recipe.h"

#include <gtest/gtest.h>

#include "support/error.h"

namespace pgo {
namespace {

TEST(Recipe, PlainPgoIsTheDefault) {
  Recipe r;
  EXPECT_EQ(r.name, "pgo");
  EXPECT_TRUE(r.has("pgo"));
  EXPECT_FALSE(r.has("bolt"));
}

TEST(Recipe, ParsesTheTechniquesInOrder) {
  Recipe r = parse_recipe("pgo+bolt");
  EXPECT_EQ(r.techniques, (std::vector<std::string>{"pgo", "bolt"}));
  EXPECT_TRUE(r.has("bolt"));
}

TEST(Recipe, TechniquesNotBuiltYetAndUnknownNamesAreUsageErrors) {
  for (const char* name : {"pgo+lto", "cspgo+lto+bolt", "bolt", "pgo+", "", "fast"}) {
    try {
      parse_recipe(name);
      ADD_FAILURE() << name << " parsed";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << name;
      EXPECT_NE(std::string(e.what()).find("recipes: pgo, pgo+bolt"), std::string::npos) << e.what();
    }
  }
  try {
    parse_recipe("pgo+lto+bolt");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'lto' is not built into this pgo yet"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgo
