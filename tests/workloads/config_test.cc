// pgo.yaml v1: valid files with every field and default, and one case per kind of bad input
// checking the exit code and the "<file>:<line>:<column>: <key path>: <what>" message.
#include "workloads/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kData = pgo::test_paths::test_data() / "config";

// Lines 1-5; workload keys appended by W() land on line 6, column 5.
const std::string kBase =
    "version: 1\n"
    "toolchains: [gcc]\n"
    "workloads:\n"
    "  - name: small\n"
    "    run: [app]\n";

std::string W(const std::string& extra) { return kBase + "    " + extra + "\n"; }

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ConfigTest, MinimalFileGetsEveryDefault) {
  Config c = load_config(kData / "minimal.yaml");
  EXPECT_EQ(c.file, fs::absolute(kData / "minimal.yaml").lexically_normal());
  EXPECT_EQ(c.project_dir, fs::absolute(kData).lexically_normal());
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.build.system, "cmake");
  EXPECT_EQ(c.build.source_dir, ".");
  EXPECT_EQ(c.build.build_type, "Release");
  EXPECT_TRUE(c.build.configure_args.empty());
  EXPECT_TRUE(c.build.targets.empty());
  ASSERT_EQ(c.toolchains.size(), 1u);
  EXPECT_EQ(c.toolchains[0].name, "clang");
  EXPECT_EQ(c.toolchains[0].cc, "");
  EXPECT_EQ(c.toolchains[0].cxx, "");
  EXPECT_EQ(c.toolchains[0].pos.line, 2);
  ASSERT_EQ(c.workloads.size(), 1u);
  const WorkloadSpec& w = c.workloads[0];
  EXPECT_EQ(w.name, "small");
  EXPECT_EQ(w.run, (std::vector<std::string>{"${bin:calc}", "--iterations", "100"}));
  EXPECT_FALSE(w.shell);
  EXPECT_TRUE(w.env.empty());
  EXPECT_EQ(w.cwd, "");
  EXPECT_EQ(w.stdin_file, "");
  EXPECT_EQ(w.repeat, 1);
  EXPECT_EQ(w.timeout, std::chrono::minutes(10));
  EXPECT_DOUBLE_EQ(w.weight, 1.0);
  EXPECT_TRUE(w.compare_output);
  EXPECT_TRUE(w.train);
  EXPECT_TRUE(w.bench);
  EXPECT_EQ(w.pos.line, 4);
  EXPECT_EQ(w.pos.column, 5);
  EXPECT_EQ(c.bench.warmup, 1);
  EXPECT_EQ(c.bench.min_runs, 10);
  EXPECT_EQ(c.bench.max_runs, 30);
  EXPECT_DOUBLE_EQ(c.bench.time_budget_s, 60);
  EXPECT_DOUBLE_EQ(c.bench.target_ci, 0.01);
  EXPECT_DOUBLE_EQ(c.bench.noise_threshold, 0.01);
  EXPECT_EQ(c.merge.failure_mode, FailureMode::Any);
  EXPECT_EQ(c.store_dir, ".pgo");
}

TEST(ConfigTest, FullFileSetsEveryField) {
  Config c = load_config(kData / "full.yaml");
  EXPECT_EQ(c.build.system, "cmake");
  EXPECT_EQ(c.build.source_dir, "src");
  EXPECT_EQ(c.build.build_type, "RelWithDebInfo");
  EXPECT_EQ(c.build.configure_args, (std::vector<std::string>{"-DFOO=ON", "-DBAR=a b", ""}));
  EXPECT_EQ(c.build.targets, (std::vector<std::string>{"calc", "tool"}));
  EXPECT_EQ(c.build.targets_pos.line, 8);
  EXPECT_EQ(c.build.targets_pos.column, 12);
  ASSERT_EQ(c.toolchains.size(), 2u);
  EXPECT_EQ(c.toolchains[0].name, "gcc");
  EXPECT_EQ(c.toolchains[0].pos.line, 10);
  EXPECT_EQ(c.toolchains[1].name, "clang");
  EXPECT_EQ(c.toolchains[1].cc, "clang-19");
  EXPECT_EQ(c.toolchains[1].cxx, "clang++-19");
  EXPECT_EQ(c.toolchains[1].pos.line, 11);
  ASSERT_EQ(c.workloads.size(), 2u);
  const WorkloadSpec& a = c.workloads[0];
  EXPECT_EQ(a.name, "small");
  EXPECT_EQ(a.run, (std::vector<std::string>{"${bin:calc}", "--iterations", "100", ""}));
  EXPECT_FALSE(a.shell);
  EXPECT_EQ(a.env, (std::map<std::string, std::string>{
                       {"CALC_MODE", "fast"}, {"DATA", "${project}/data"}, {"EMPTY", ""}}));
  EXPECT_EQ(a.cwd, "data");
  EXPECT_EQ(a.stdin_file, "inputs/a.txt");
  EXPECT_EQ(a.repeat, 3);
  EXPECT_EQ(a.timeout, std::chrono::minutes(90));
  EXPECT_DOUBLE_EQ(a.weight, 2.5);
  EXPECT_FALSE(a.compare_output);
  EXPECT_TRUE(a.train);
  EXPECT_FALSE(a.bench);
  const WorkloadSpec& b = c.workloads[1];
  EXPECT_EQ(b.name, "shell.line-2");
  EXPECT_TRUE(b.shell);
  EXPECT_EQ(b.run, (std::vector<std::string>{"${bin:tool} < input.txt | wc -l; echo $$HOME"}));
  EXPECT_EQ(b.timeout, std::chrono::milliseconds(500));
  EXPECT_FALSE(b.train);
  EXPECT_TRUE(b.bench);
  EXPECT_EQ(b.pos.line, 26);
  EXPECT_EQ(c.bench.warmup, 0);
  EXPECT_EQ(c.bench.min_runs, 5);
  EXPECT_EQ(c.bench.max_runs, 50);
  EXPECT_DOUBLE_EQ(c.bench.time_budget_s, 120);
  EXPECT_DOUBLE_EQ(c.bench.target_ci, 0.02);
  EXPECT_DOUBLE_EQ(c.bench.noise_threshold, 0);
  EXPECT_EQ(c.merge.failure_mode, FailureMode::Warn);
  EXPECT_EQ(c.store_dir, "build/.pgo-store");
}

// Issue 15 item 4: loading ignored signals. The checkpoint (throw_if_interrupted in pgo) is
// called while yaml-cpp parses, and what it throws comes out as it is.
TEST(ConfigTest, TheCheckpointCanStopTheParseOfALargeFile) {
  std::string text = kBase;
  for (int i = 0; text.size() < 1'000'000; ++i) text += "  - name: w" + std::to_string(i) + "\n    run: [app]\n";
  int calls = 0;
  EXPECT_NO_THROW(parse_config(text, "/p/pgo.yaml", [&] { ++calls; }));
  EXPECT_GT(calls, 1'000'000 / (64 * 1024));  // at least once per 64 KiB of text
  try {
    parse_config(text, "/p/pgo.yaml", [] { throw Error(ExitCode::kInterrupted, "interrupted by SIGTERM"); });
    ADD_FAILURE() << "the checkpoint's exception was lost";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kInterrupted) << e.what();
  }
}

TEST(ConfigTest, RelativePathBecomesAbsolute) {
  Config c = parse_config(kBase, "sub/pgo.yaml");
  EXPECT_TRUE(c.file.is_absolute());
  EXPECT_EQ(c.file, (fs::current_path() / "sub/pgo.yaml").lexically_normal());
  EXPECT_EQ(c.project_dir, (fs::current_path() / "sub").lexically_normal());
}

TEST(ConfigTest, AcceptedSpellings) {
  Config c = parse_config(Replace(kBase, "version: 1", "version: \"1\"") +
                              "    repeat: \"2\"\n    timeout: 90\n    weight: 1e-3\n    train: True\n"
                              "    env: {N: 5}\nbench: {time_budget: 2.5}\n",
                          "pgo.yaml");
  EXPECT_EQ(c.workloads[0].repeat, 2);
  EXPECT_EQ(c.workloads[0].timeout, std::chrono::seconds(90));
  EXPECT_DOUBLE_EQ(c.workloads[0].weight, 0.001);
  EXPECT_TRUE(c.workloads[0].train);
  EXPECT_EQ(c.workloads[0].env.at("N"), "5");
  EXPECT_DOUBLE_EQ(c.bench.time_budget_s, 2.5);
}

TEST(ConfigTest, BenchMetricDefaultsToTimeAndTakesEachWord) {
  EXPECT_EQ(parse_config(kBase, "pgo.yaml").bench.metric, "time");
  for (const char* word : {"time", "instructions", "both"})
    EXPECT_EQ(parse_config(kBase + "bench:\n  metric: " + word + "\n", "pgo.yaml").bench.metric, word);
  // `wall` was `pgo bench --metric`'s first word for time.
  EXPECT_EQ(parse_config(kBase + "bench:\n  metric: wall\n", "pgo.yaml").bench.metric, "time");
}

TEST(ConfigTest, CargoAndGoImplyTheirToolchain) {
  const std::string workloads = "workloads:\n  - name: a\n    run: [\"${bin:app}\"]\n";
  Config cargo = parse_config("version: 1\nbuild:\n  system: cargo\n  package: app\n  bins: [app]\n"
                              "  features: [simd]\n  profile: bench\n" + workloads, "pgo.yaml");
  ASSERT_EQ(cargo.toolchains.size(), 1u);
  EXPECT_EQ(cargo.toolchains[0].name, "rust");
  EXPECT_EQ(cargo.build.targets, std::vector<std::string>{"app"});
  EXPECT_EQ(cargo.build.features, std::vector<std::string>{"simd"});
  EXPECT_EQ(cargo.build.profile, "bench");
  EXPECT_EQ(cargo.build.package, "app");
  EXPECT_TRUE(cargo.build.cargo_args.empty());
  Config args = parse_config("version: 1\nbuild:\n  system: cargo\n  cargo_args: [--locked, --config, 'x=1']\n" +
                                 workloads, "pgo.yaml");
  EXPECT_EQ(args.build.cargo_args, (std::vector<std::string>{"--locked", "--config", "x=1"}));
  try {
    parse_config("version: 1\nbuild:\n  system: cargo\n  cargo_args: [--message-format=short]\n" + workloads,
                 "pgo.yaml");
    ADD_FAILURE() << "a flag pgo sets itself was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pgo.yaml:4:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'--message-format=short' is set by pgo"), std::string::npos) << e.what();
  }
  Config go = parse_config("version: 1\nbuild:\n  system: go\n  packages: [./cmd/app]\n" + workloads, "pgo.yaml");
  ASSERT_EQ(go.toolchains.size(), 1u);
  EXPECT_EQ(go.toolchains[0].name, "go");
  EXPECT_EQ(go.build.packages, std::vector<std::string>{"./cmd/app"});
}

// Cargo's test and bench binaries are not bins: build.bins does not restrict them (the adapter
// finds them in `cargo metadata`); for other build systems the name is just a target's.
TEST(ConfigTest, CargoTestAndBenchBinariesAreNotBins) {
  const std::string workloads = "workloads:\n  - name: a\n    run: [\"${bin:parse.bench}\", --bench]\n"
                                "  - name: b\n    run: [\"${bin:smoke.test}\"]\n";
  Config cargo = parse_config("version: 1\nbuild:\n  system: cargo\n  bins: [app]\n" + workloads, "pgo.yaml");
  EXPECT_EQ(cargo.build.targets, std::vector<std::string>{"app"});
  EXPECT_THROW(parse_config("version: 1\nbuild:\n  system: cargo\n  bins: [app]\nworkloads:\n  - name: a\n"
                            "    run: [\"${bin:.bench}\"]\n", "pgo.yaml"),
               Error);
  try {
    parse_config("version: 1\ntoolchains: [gcc]\nbuild:\n  targets: [calc]\n" + workloads, "pgo.yaml");
    ADD_FAILURE() << "a CMake workload's target outside build.targets was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("names target 'parse.bench', which is not in build.targets (calc)"),
              std::string::npos) << e.what();
  }
}

TEST(ConfigTest, CommandBuildTakesArgvOrShellLine) {
  Config c = parse_config(Replace(kBase, "[gcc]", "[gcc, clang]") +
                              "build:\n  system: command\n  configure: [./configure, --quiet]\n"
                              "  build: make -j2 app\n  artifacts: {app: out/app}\n  copy_source: false\n",
                          "pgo.yaml");
  EXPECT_EQ(c.build.configure.argv, (std::vector<std::string>{"./configure", "--quiet"}));
  EXPECT_FALSE(c.build.configure.shell);
  EXPECT_EQ(c.build.build.argv, std::vector<std::string>{"make -j2 app"});
  EXPECT_TRUE(c.build.build.shell);
  EXPECT_EQ(c.build.artifacts.at("app"), "out/app");
  EXPECT_EQ(c.build.targets, std::vector<std::string>{"app"});
  EXPECT_FALSE(c.build.copy_source);
}

TEST(ConfigTest, ParseDuration) {
  EXPECT_EQ(parse_duration_seconds("500ms"), 0.5);
  EXPECT_EQ(parse_duration_seconds("30s"), 30);
  EXPECT_EQ(parse_duration_seconds("10m"), 600);
  EXPECT_EQ(parse_duration_seconds("1.5h"), 5400);
  EXPECT_EQ(parse_duration_seconds("2.5"), 2.5);
  EXPECT_EQ(parse_duration_seconds("0"), 0);
  for (const char* bad : {"", "ms", "10 m", "10min", "-1s", "inf", "nan", "1e999", "s10", "1.5.2s"})
    EXPECT_EQ(parse_duration_seconds(bad), std::nullopt) << bad;
}

TEST(ConfigTest, NearestMatch) {
  EXPECT_EQ(nearest_match("timout", {"name", "timeout", "train"}), "timeout");
  EXPECT_EQ(nearest_match("clamg", {"gcc", "clang"}), "clang");
  EXPECT_EQ(nearest_match("frobnicate", {"gcc", "clang"}), "");
}

TEST(ConfigTest, MissingFileNamesThePath) {
  try {
    load_config(kData / "no-such.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), HasSubstr((kData / "no-such.yaml").string()));
    EXPECT_THAT(e.what(), HasSubstr("no such file"));
  }
}

TEST(ConfigTest, DirectoryIsRefused) {
  try {
    load_config(kData);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), HasSubstr("is a directory"));
  }
}

TEST(ConfigTest, SyntaxErrorInFileHasPosition) {
  try {
    load_config(kData / "syntax_error.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), StartsWith((kData / "syntax_error.yaml").string() + ":2:13: YAML syntax error: "));
  }
}

// The example in the reference must stay valid.
TEST(ConfigTest, RecipesForTheProjectAndPerToolchain) {
  Config c = parse_config("version: 1\ntoolchains:\n  - gcc\n  - name: clang\n    recipes: [pgo+lto+bolt]\n"
                          "optimize:\n  recipes: [pgo+lto]\nworkloads:\n  - name: small\n    run: [app]\n",
                          "pgo.yaml");
  EXPECT_EQ(c.optimize.recipes, (std::vector<std::string>{"pgo+lto"}));
  EXPECT_EQ(c.optimize.recipes_pos.line, 7);
  EXPECT_TRUE(c.toolchains[0].recipes.empty());
  EXPECT_EQ(c.toolchains[1].recipes, (std::vector<std::string>{"pgo+lto+bolt"}));
  EXPECT_EQ(c.toolchains[1].recipes_pos.line, 5);
}

TEST(ConfigTest, DocumentedExampleParses) {
  std::ifstream in(pgo::test_paths::source_dir() / "docs/pgo-yaml.md");
  ASSERT_TRUE(in) << "docs/pgo-yaml.md";
  std::stringstream text;
  text << in.rdbuf();
  std::smatch m;
  std::string doc = text.str();
  ASSERT_TRUE(std::regex_search(doc, m, std::regex("```yaml\n([^`]*)```")));
  Config c = parse_config(m[1].str(), "docs/pgo-yaml.md");
  EXPECT_EQ(c.toolchains.size(), 2u);
  EXPECT_GE(c.workloads.size(), 2u);
}

struct BadCase {
  const char* name;
  std::string yaml;
  std::string prefix;                  // "<file>:<line>:<column>: <key path>: "
  std::vector<std::string> contains;   // key parts of the message
};

class BadConfigTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfigTest, FailsWithPositionAndKey) {
  const BadCase& c = GetParam();
  try {
    parse_config(c.yaml, "pgo.yaml");
    FAIL() << "no error for:\n" << c.yaml;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), StartsWith("pgo.yaml:" + c.prefix));
    for (const std::string& part : c.contains) EXPECT_THAT(e.what(), HasSubstr(part));
  }
}

const std::string kTwoToolchains =
    "version: 1\ntoolchains:\n  - gcc\n  - name: gcc\n    cc: gcc-12\nworkloads:\n  - name: small\n    run: [app]\n";
const std::string kTargets =
    "version: 1\nbuild:\n  targets: [calc]\ntoolchains: [gcc]\nworkloads:\n  - name: small\n    run: [\"${bin:calcc}\"]\n";

std::vector<BadCase> Cases() {
  return {
      {"SyntaxError", "version: 1\n  toolchains: [gcc]\n", "2:13: YAML syntax error: ", {"illegal map value"}},
      {"TabIndent", "version: 1\ntoolchains: [gcc]\nworkloads:\n\t- name: a\n", "4:2: YAML syntax error: ",
       {"indented with a tab"}},
      {"DuplicateKeyBlock", W("env:\n      A: 1\n    env:\n      B: 2"), "8:5: workloads[0].env: ",
       {"duplicate key 'env' (first at line 6)"}},
      {"EmptyFile", "# nothing yet\n", "1:1: (document): ", {"empty"}},
      {"TopLevelList", "- a\n- b\n", "1:1: (document): ", {"expected a map", "got a list"}},
      {"TwoDocuments", kBase + "---\nversion: 1\n", "7:1: (document): ", {"only one YAML document"}},
      {"MissingVersion", kBase.substr(11), "1:1: version: ", {"required key 'version' is missing"}},
      {"WrongVersion", Replace(kBase, "version: 1", "version: 2"), "1:10: version: ", {"unsupported version '2'"}},
      {"UnknownTopKey", kBase + "stor: x\n", "6:1: stor: ", {"unknown key 'stor'", "did you mean 'store'?"}},
      {"UnknownWorkloadKey", W("timout: 10s"), "6:5: workloads[0].timout: ", {"did you mean 'timeout'?"}},
      {"UnknownKeyListsValid", W("frobnicate: 1"), "6:5: workloads[0].frobnicate: ",
       {"unknown key 'frobnicate'", "valid keys: name, run, service, shell"}},
      {"DuplicateKey", W("run: [b]"), "6:5: workloads[0].run: ", {"duplicate key 'run' (first at line 5)"}},
      {"ToolchainWrongForSystem", kBase + "build:\n  system: cargo\n", "2:14: toolchains[0]: ",
       {"toolchain 'gcc' does not build a cargo project", "takes: rust"}},
      {"BuildSystemTypo", kBase + "build:\n  system: cmkae\n", "7:11: build.system: ",
       {"unknown", "did you mean 'cmake'?", "supported: cmake, cargo, go, command"}},
      {"CmakeKeyInCargo", kBase + "build:\n  system: cargo\n  build_type: Debug\n", "8:3: build.build_type: ",
       {"unknown key 'build_type'"}},
      {"CommandWithoutBuild", kBase + "build:\n  system: command\n  artifacts: {a: a}\n", "7:3: build.build: ",
       {"required key 'build' is missing"}},
      {"CommandArtifactOutside", kBase + "build:\n  system: command\n  build: make\n  artifacts: {a: ../a}\n",
       "9:18: build.artifacts.a: ", {"inside it"}},
      {"CommandEmptyBuild", kBase + "build:\n  system: command\n  build: []\n  artifacts: {a: a}\n",
       "8:10: build.build: ", {"must not be empty"}},
      {"BuildIsEmpty", kBase + "build:\n", "6:1: build: ", {"has no value"}},
      {"ConfigureArgsMap", kBase + "build:\n  configure_args: {a: 1}\n", "7:19: build.configure_args: ",
       {"expected a list, got a map"}},
      {"DuplicateTarget", kBase + "build:\n  targets: [a, a]\n", "7:16: build.targets[1]: ", {"duplicate target 'a'"}},
      {"NoToolchains", Replace(kBase, "[gcc]", "[]"), "2:13: toolchains: ", {"at least one toolchain"}},
      {"ToolchainsString", Replace(kBase, "[gcc]", "gcc"), "2:13: toolchains: ", {"expected a list", "'gcc'"}},
      {"UnknownToolchain", Replace(kBase, "[gcc]", "[gcc, clamg]"), "2:19: toolchains[1]: ",
       {"unknown toolchain 'clamg'", "did you mean 'clang'?", "takes: gcc, clang"}},
      {"DuplicateRecipe", kBase + "optimize:\n  recipes: [pgo, pgo]\n", "7:18: optimize.recipes[1]: ",
       {"duplicate recipe 'pgo'"}},
      {"NoRecipes", kBase + "optimize:\n  recipes: []\n", "7:12: optimize.recipes: ", {"at least one recipe"}},
      {"UnknownOptimizeKey", kBase + "optimize:\n  recipe: pgo\n", "7:3: optimize.recipe: ", {"did you mean 'recipes'?"}},
      {"DuplicateToolchain", kTwoToolchains, "4:11: toolchains[1].name: ",
       {"duplicate toolchain 'gcc' (first at line 3)"}},
      {"ToolchainWithoutName", Replace(kTwoToolchains, "name: gcc", "cxx: g++"), "4:5: toolchains[1].name: ",
       {"required key 'name' is missing"}},
      {"ToolchainNested", Replace(kBase, "[gcc]", "[[gcc]]"), "2:14: toolchains[0]: ", {"got a list"}},
      {"ToolchainEmptyCc", Replace(kTwoToolchains, "gcc-12", "\"\""), "5:9: toolchains[1].cc: ", {"must not be empty"}},
      {"MissingWorkloads", "version: 1\ntoolchains: [gcc]\n", "1:1: workloads: ", {"required key 'workloads'"}},
      {"NoWorkloads", "version: 1\ntoolchains: [gcc]\nworkloads: []\n", "3:12: workloads: ", {"at least one workload"}},
      {"WorkloadsMap", "version: 1\ntoolchains: [gcc]\nworkloads:\n  name: small\n", "4:3: workloads: ",
       {"expected a list, got a map"}},
      {"WorkloadWithoutName", Replace(kBase, "name: small", "repeat: 1"), "4:5: workloads[0].name: ",
       {"required key 'name' is missing"}},
      {"WorkloadWithoutRun", kBase.substr(0, kBase.find("    run")), "4:5: workloads[0].run: ",
       {"required key 'run' is missing"}},
      {"DuplicateWorkload", kBase + "  - name: small\n    run: [b]\n", "6:11: workloads[1].name: ",
       {"duplicate workload name 'small' (first defined at line 4)"}},
      {"BadWorkloadName", Replace(kBase, "name: small", "name: a b"), "4:11: workloads[0].name: ",
       {"invalid workload name 'a b'"}},
      {"RunStringWithoutShell", Replace(kBase, "[app]", "app --fast"), "5:10: workloads[0].run: ",
       {"shell is false", "shell: true"}},
      {"RunListWithShell", W("shell: true"), "5:10: workloads[0].run: ", {"with shell: true, run must be one string"}},
      {"RunEmpty", Replace(kBase, "[app]", "[]"), "5:10: workloads[0].run: ", {"must not be empty"}},
      {"RunProgramEmpty", Replace(kBase, "[app]", "[\"\", x]"), "5:11: workloads[0].run[0]: ", {"must not be empty"}},
      {"RunArgumentMap", Replace(kBase, "[app]", "[app, {a: 1}]"), "5:16: workloads[0].run[1]: ",
       {"expected a string, got a map"}},
      {"RepeatNotInt", W("repeat: abc"), "6:13: workloads[0].repeat: ", {"expected an integer, got 'abc'"}},
      {"RepeatFraction", W("repeat: 1.5"), "6:13: workloads[0].repeat: ", {"expected an integer, got '1.5'"}},
      {"RepeatZero", W("repeat: 0"), "6:13: workloads[0].repeat: ", {"must be at least 1, got 0"}},
      {"WeightZero", W("weight: 0"), "6:13: workloads[0].weight: ", {"must be greater than zero"}},
      {"WeightWord", W("weight: heavy"), "6:13: workloads[0].weight: ", {"expected a number, got 'heavy'"}},
      {"TimeoutBadUnit", W("timeout: 10 min"), "6:14: workloads[0].timeout: ",
       {"invalid duration '10 min'", "500ms, 30s, 10m, 1.5h"}},
      {"TimeoutNegative", W("timeout: -5"), "6:14: workloads[0].timeout: ", {"must not be negative"}},
      {"TimeoutZero", W("timeout: 0s"), "6:14: workloads[0].timeout: ", {"must be greater than zero"}},
      {"TimeoutEmpty", W("timeout:"), "6:5: workloads[0].timeout: ", {"has no value"}},
      {"BoolYes", W("train: yes"), "6:12: workloads[0].train: ", {"'yes' is not accepted", "true or false"}},
      {"BoolWord", W("compare_output: maybe"), "6:21: workloads[0].compare_output: ",
       {"expected true or false, got 'maybe'"}},
      {"CwdEscapes", W("cwd: data/../../other"), "6:10: workloads[0].cwd: ", {"leaves the project directory"}},
      {"CwdAbsolute", W("cwd: /tmp"), "6:10: workloads[0].cwd: ", {"'/tmp' is an absolute path"}},
      {"StdinEscapes", W("stdin: ../in.txt"), "6:12: workloads[0].stdin: ", {"leaves the project directory"}},
      {"EnvBadName", W("env: {1BAD: x}"), "6:11: workloads[0].env.1BAD: ", {"invalid environment variable name"}},
      {"EnvValueMap", W("env: {A: {b: 1}}"), "6:14: workloads[0].env.A: ", {"expected a string, got a map"}},
      {"EnvList", W("env: [A=1]"), "6:10: workloads[0].env: ", {"expected a map", "got a list"}},
      {"EnvUnterminated", W("env: {A: \"${bin:app\"}"), "6:14: workloads[0].env.A: ", {"unterminated '${'"}},
      {"PlaceholderTypo", Replace(kBase, "[app]", "[\"${projct}/x\"]"), "5:11: workloads[0].run[0]: ",
       {"unknown placeholder '${projct}'", "did you mean '${project}'?"}},
      {"TargetNotBuilt", kTargets, "7:11: workloads[0].run[0]: ",
       {"names target 'calcc'", "not in build.targets (calc)", "did you mean 'calc'?"}},
      {"NoTrainingWorkload", W("train: false"), "4:3: workloads: ", {"no workload has train: true"}},
      {"MinRunsOne", kBase + "bench:\n  min_runs: 1\n", "7:13: bench.min_runs: ", {"must be at least 2, got 1"}},
      {"MaxBelowMin", kBase + "bench:\n  min_runs: 10\n  max_runs: 5\n", "8:13: bench.max_runs: ",
       {"max_runs (5) must be at least min_runs (10)"}},
      {"MaxBelowDefaultMin", kBase + "bench:\n  max_runs: 5\n", "7:13: bench.max_runs: ", {"min_runs (10)"}},
      {"WarmupNegative", kBase + "bench:\n  warmup: -1\n", "7:11: bench.warmup: ", {"must be at least 0, got -1"}},
      {"TargetCiOne", kBase + "bench:\n  target_ci: 1.5\n", "7:14: bench.target_ci: ", {"0 < x < 1"}},
      {"TargetCiZero", kBase + "bench:\n  target_ci: 0\n", "7:14: bench.target_ci: ", {"0 < x < 1"}},
      {"NoiseNegative", kBase + "bench:\n  noise_threshold: -0.1\n", "7:20: bench.noise_threshold: ",
       {"0 <= x < 1"}},
      {"BudgetWord", kBase + "bench:\n  time_budget: fast\n", "7:16: bench.time_budget: ", {"invalid duration 'fast'"}},
      {"BenchTypo", kBase + "bench:\n  min_run: 3\n", "7:3: bench.min_run: ", {"did you mean 'min_runs'?"}},
      {"MetricTypo", kBase + "bench:\n  metric: instruction\n", "7:11: bench.metric: ",
       {"unknown metric 'instruction'", "did you mean 'instructions'?", "time, instructions or both"}},
      {"MetricList", kBase + "bench:\n  metric: [time]\n", "7:11: bench.metric: ", {"expected a string"}},
      {"FailureModeTypo", kBase + "merge:\n  failure_mode: anyy\n", "7:17: merge.failure_mode: ",
       {"unknown failure_mode 'anyy'", "did you mean 'any'?", "any, all or warn"}},
      {"MergeList", kBase + "merge: [any]\n", "6:8: merge: ", {"expected a map with keys failure_mode", "got a list"}},
      {"StoreEscapes", kBase + "store: ../x\n", "6:8: store: ", {"'../x' leaves the project directory"}},
      {"StoreIsProject", kBase + "store: .\n", "6:8: store: ", {"subdirectory"}},
      {"KeyNotString", kBase + "[a]: 1\n", "6:1: (document): ", {"keys must be plain strings"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, BadConfigTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pgo
