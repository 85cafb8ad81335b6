#include "orchestrator/recipe.h"

#include "orchestrator/pipeline.h"

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

namespace pgo {
namespace {

TEST(RecipeForToolchain, TheCommandLineThenTheToolchainThenTheProjectThenPlainPgo) {
  Config config;
  config.file = "/p/pgo.yaml";
  ToolchainSpec gcc{"gcc", "", "", {}}, clang{"clang", "", "", {}};
  BuildOptions options;
  EXPECT_EQ(recipe_for_toolchain(config, options, gcc).name, "pgo");
  config.optimize.recipes = {"pgo+lto"};
  EXPECT_EQ(recipe_for_toolchain(config, options, gcc).name, "pgo+lto");
  clang.recipes = {"pgo+bolt"};
  EXPECT_EQ(recipe_for_toolchain(config, options, clang).name, "pgo+bolt");
  options.recipe = parse_recipe("pgo+lto+bolt");
  EXPECT_EQ(recipe_for_toolchain(config, options, clang).name, "pgo+lto+bolt");
}

TEST(RecipeForToolchain, AnUnknownRecipeOrSeveralNameTheFileAndLine) {
  Config config;
  config.file = "/p/pgo.yaml";
  config.optimize.recipes = {"pgo+ltoo"};
  config.optimize.recipes_pos.line = 12;
  ToolchainSpec gcc{"gcc", "", "", {}};
  try {
    recipe_for_toolchain(config, BuildOptions{}, gcc);
    ADD_FAILURE() << "pgo+ltoo accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_EQ(std::string(e.what()).rfind("/p/pgo.yaml:12: optimize.recipes: --recipe pgo+ltoo: unknown recipe", 0), 0u)
        << e.what();
  }
  gcc.recipes = {"pgo", "pgo+lto"};
  gcc.recipes_pos.line = 4;
  try {
    recipe_for_toolchain(config, BuildOptions{}, gcc);
    ADD_FAILURE() << "two recipes accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/p/pgo.yaml:4: toolchains[gcc].recipes: this pgo builds one recipe a build"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pgo
