// orchestrator/cli/common: the -C/--directory and --config options every project subcommand
// shares, and loading pgo.yaml from them.
#include "orchestrator/cli/common.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "support/error.h"

namespace pgo::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const char* kYaml = "version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: %s\n    run: [app]\n";

void write_config(const fs::path& file, const std::string& workload) {
  fs::create_directories(file.parent_path());
  std::string text = kYaml;
  text.replace(text.find("%s"), 2, workload);
  std::ofstream(file) << text;
}

class CliCommonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test process: ctest -j runs these tests side by side.
    dir_ = fs::path(::testing::TempDir()) /
           ("pgo_cli_common_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    write_config(dir_ / "project" / "pgo.yaml", "default");
    write_config(dir_ / "other" / "alt.yaml", "alternative");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CliCommonTest, DirectoryGivesItsPgoYaml) {
  Config c = load_project_config((dir_ / "project").string(), "");
  EXPECT_EQ(c.workloads.at(0).name, "default");
  EXPECT_EQ(c.project_dir, fs::absolute(dir_ / "project").lexically_normal());
}

TEST_F(CliCommonTest, ConfigFileWinsAndIsRelativeToTheWorkingDirectory) {
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  Config c = load_project_config("project", "other/alt.yaml");
  fs::current_path(cwd);
  EXPECT_EQ(c.workloads.at(0).name, "alternative");
  EXPECT_EQ(c.project_dir, fs::absolute(dir_ / "other").lexically_normal());
}

TEST_F(CliCommonTest, MissingDirectoryIsAUsageErrorEvenWithAConfigFile) {
  for (const std::string& config : {std::string(), (dir_ / "other" / "alt.yaml").string()}) {
    try {
      load_project_config((dir_ / "nope").string(), config);
      FAIL() << "no error with config '" << config << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      EXPECT_EQ(std::string(e.what()), "-C " + (dir_ / "nope").string() + ": no such directory");
    }
  }
}

TEST_F(CliCommonTest, DirectoryWithoutPgoYamlNamesTheFile) {
  fs::create_directories(dir_ / "empty");
  try {
    load_project_config((dir_ / "empty").string(), "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), HasSubstr((fs::absolute(dir_ / "empty") / "pgo.yaml").string()));
    EXPECT_THAT(e.what(), HasSubstr("no such file"));
  }
}

TEST(CliCommonOptions, RegistersShortAndLongForms) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"x", "-C", "some/dir", "--config", "f.yaml"},
        std::vector<std::string>{"x", "--directory", "some/dir", "--config=f.yaml"}}) {
    CLI::App app;
    CLI::App* cmd = app.add_subcommand("x");
    std::string directory = ".", config;
    add_project_options(cmd, directory, config);
    std::vector<std::string> reversed(argv.rbegin(), argv.rend());  // CLI11 parses a reversed vector
    app.parse(reversed);
    EXPECT_EQ(directory, "some/dir");
    EXPECT_EQ(config, "f.yaml");
  }
  CLI::App app;
  CLI::App* cmd = app.add_subcommand("x");
  std::string directory = ".", config;
  add_project_options(cmd, directory, config);
  app.parse(std::vector<std::string>{"x"});
  EXPECT_EQ(directory, ".");  // defaults stay
  EXPECT_EQ(config, "");
}

// --color is global: before the subcommand or after it.
TEST(CliColorOption, ParsesItsThreeWordsBeforeOrAfterTheSubcommand) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"pgo", "--color", "never", "status"}, {"pgo", "status", "--color", "never"}}) {
    CLI::App app;
    ColorMode mode = ColorMode::Auto;
    add_color_option(app, mode);
    app.add_subcommand("status");
    std::vector<const char*> args;
    for (const auto& a : argv) args.push_back(a.c_str());
    app.parse(static_cast<int>(args.size()), args.data());
    EXPECT_EQ(mode, ColorMode::Never);
  }
  CLI::App app;
  ColorMode mode = ColorMode::Never;
  add_color_option(app, mode);
  app.parse("--color always", false);
  EXPECT_EQ(mode, ColorMode::Always);
  EXPECT_THROW(app.parse("--color sometimes", false), CLI::ValidationError);
}

}  // namespace
}  // namespace pgo::cli
