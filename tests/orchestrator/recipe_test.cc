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
  Recipe r = parse_recipe("pgo+lto+bolt");
  EXPECT_EQ(r.techniques, (std::vector<std::string>{"pgo", "lto", "bolt"}));
  EXPECT_TRUE(r.has("bolt"));
  EXPECT_TRUE(r.has("lto"));
  EXPECT_FALSE(parse_recipe("pgo+bolt").has("lto"));
}

TEST(Recipe, TechniquesNotBuiltYetAndUnknownNamesAreUsageErrors) {
  for (const char* name : {"cspgo+lto", "cspgo+lto+bolt", "bolt", "lto+pgo", "pgo+", "", "fast"}) {
    try {
      parse_recipe(name);
      ADD_FAILURE() << name << " parsed";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << name;
      EXPECT_NE(std::string(e.what()).find("recipes: pgo, pgo+lto, pgo+bolt, pgo+lto+bolt"), std::string::npos) << e.what();
    }
  }
  try {
    parse_recipe("cspgo+lto+bolt");
    ADD_FAILURE() << "cspgo parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'cspgo' is not built into this pgo yet"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgo
