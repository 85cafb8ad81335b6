#include "orchestrator/recipe.h"

#include "orchestrator/pipeline.h"

#include <gtest/gtest.h>

#include <tuple>

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

TEST(Recipe, UnknownNamesAreUsageErrorsListingTheRecipes) {
  for (const char* name : {"cspgo", "bolt", "lto+pgo", "pgo+", "", "fast", "pgo+cspgo"}) {
    try {
      parse_recipe(name);
      ADD_FAILURE() << name << " parsed";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << name;
      EXPECT_NE(std::string(e.what()).find("recipes: pgo, pgo+lto, pgo+bolt, pgo+lto+bolt, cspgo+lto, cspgo+lto+bolt"),
                std::string::npos)
          << e.what();
    }
  }
  EXPECT_EQ(parse_recipe("cspgo+lto+bolt").techniques, (std::vector<std::string>{"cspgo", "lto", "bolt"}));
}

TEST(Recipe, TreeNamesKeepPlainPgoWhereItWas) {
  EXPECT_EQ(Recipe{}.tree_name(), "optimized");
  EXPECT_EQ(parse_recipe("cspgo+lto+bolt").tree_name(), "optimized-cspgo-lto-bolt");
}

std::vector<std::string> names(const std::vector<Recipe>& recipes) {
  std::vector<std::string> out;
  for (const Recipe& r : recipes) out.push_back(r.name);
  return out;
}

TEST(Recipe, AllIsEveryRecipeTheToolchainSupportsSimplestFirst) {
  EXPECT_EQ(names(expand_recipes({"all"}, "clang")), known_recipes());
  EXPECT_EQ(names(expand_recipes({"all"}, "gcc")),
            (std::vector<std::string>{"pgo", "pgo+lto", "pgo+bolt", "pgo+lto+bolt"}));
  EXPECT_EQ(names(expand_recipes({"all"}, "rust")),
            (std::vector<std::string>{"pgo", "pgo+lto", "pgo+bolt", "pgo+lto+bolt"}));
  EXPECT_EQ(names(expand_recipes({"all"}, "go")), (std::vector<std::string>{"pgo"}));
  // Repeats and order do not matter; nothing asked is plain pgo.
  EXPECT_EQ(names(expand_recipes({"pgo+lto", "pgo", "pgo+lto"}, "gcc")), (std::vector<std::string>{"pgo", "pgo+lto"}));
  EXPECT_EQ(names(expand_recipes({}, "gcc")), (std::vector<std::string>{"pgo"}));
}

TEST(Recipe, ARecipeNamedForAToolchainThatCannotTakeItIsRefusedWithTheReason) {
  for (const auto& [recipe, kind, reason] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"pgo+lto", "go", "Go has no link-time optimization"},
           {"pgo+bolt", "go", "BOLT cannot rewrite Go binaries"},
           {"cspgo+lto", "gcc", "GCC has no context-sensitive PGO"},
           {"cspgo+lto", "rust", "rustc 1.95 cannot build a context-sensitive instrumented binary"}}) {
    try {
      expand_recipes({"pgo", recipe}, kind);
      ADD_FAILURE() << recipe << " accepted for " << kind;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  }
  // Before detection (no kind) only the names are checked.
  EXPECT_EQ(expand_recipes({"cspgo+lto"}, "").size(), 1u);
}

}  // namespace
}  // namespace pgo

namespace pgo {
namespace {

TEST(RecipesForToolchain, TheCommandLineThenTheToolchainThenTheProjectThenPlainPgo) {
  Config config;
  config.file = "/p/pgo.yaml";
  ToolchainSpec gcc{"gcc", "", "", {}}, clang{"clang", "", "", {}};
  BuildOptions options;
  EXPECT_EQ(names(recipes_for_toolchain(config, options, gcc, "gcc")), (std::vector<std::string>{"pgo"}));
  config.optimize.recipes = {"pgo+lto"};
  EXPECT_EQ(names(recipes_for_toolchain(config, options, gcc, "gcc")), (std::vector<std::string>{"pgo+lto"}));
  clang.recipes = {"pgo+bolt", "pgo"};
  EXPECT_EQ(names(recipes_for_toolchain(config, options, clang, "clang")),
            (std::vector<std::string>{"pgo", "pgo+bolt"}));
  options.recipes = {"all"};
  EXPECT_EQ(names(recipes_for_toolchain(config, options, clang, "clang")), known_recipes());
}

TEST(RecipesForToolchain, AnUnknownOrUnsupportedRecipeFromPgoYamlNamesTheFileLineAndKey) {
  Config config;
  config.file = "/p/pgo.yaml";
  config.optimize.recipes = {"pgo+ltoo"};
  config.optimize.recipes_pos.line = 12;
  ToolchainSpec gcc{"gcc", "", "", {}};
  try {
    recipes_for_toolchain(config, BuildOptions{}, gcc, "");
    ADD_FAILURE() << "pgo+ltoo accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_EQ(std::string(e.what()).rfind("/p/pgo.yaml:12: optimize.recipes: --recipe pgo+ltoo: unknown recipe", 0), 0u)
        << e.what();
  }
  gcc.recipes = {"pgo", "cspgo+lto"};
  gcc.recipes_pos.line = 4;
  try {
    recipes_for_toolchain(config, BuildOptions{}, gcc, "gcc");
    ADD_FAILURE() << "cspgo accepted for gcc";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/p/pgo.yaml:4: toolchains[gcc].recipes: --recipe cspgo+lto: GCC has no"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace pgo
