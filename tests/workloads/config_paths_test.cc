// load_config's file-system checks (check_workload_paths) and the bounds of merge weights.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>

#include "support/error.h"
#include "workloads/config.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

class ConfigPaths : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-config-paths-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "inputs");
    std::ofstream(dir_ / "inputs" / "words.txt") << "some words\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The message of load_config's UsageError for a pgo.yaml whose one workload has `extra`.
  std::string error_for(const std::string& extra) {
    std::ofstream(dir_ / "pgo.yaml") << "version: 1\ntoolchains: [gcc]\nworkloads:\n"
                                        "  - name: main\n    run: [\"${bin:app}\"]\n" + extra;
    try {
      load_config(dir_ / "pgo.yaml");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

TEST_F(ConfigPaths, ExistingCwdAndStdinLoad) {
  EXPECT_EQ(error_for("    cwd: inputs\n    stdin: inputs/words.txt\n"), "");
}

TEST_F(ConfigPaths, MissingCwdNamesFileLineAndKey) {
  std::string m = error_for("    cwd: data\n");
  EXPECT_NE(m.find((dir_ / "pgo.yaml").string() + ":6:10: workloads[0].cwd: 'data' is not a directory of the project"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("does not exist"), std::string::npos) << m;
}

TEST_F(ConfigPaths, CwdThatIsAFileIsRefused) {
  std::string m = error_for("    cwd: inputs/words.txt\n");
  EXPECT_NE(m.find("workloads[0].cwd: 'inputs/words.txt' is not a directory"), std::string::npos) << m;
  EXPECT_NE(m.find("is not a directory)"), std::string::npos) << m;
}

TEST_F(ConfigPaths, MissingStdinNamesFileLineAndKey) {
  std::string m = error_for("    stdin: inputs/missing.txt\n");
  EXPECT_NE(m.find(":6:12: workloads[0].stdin: 'inputs/missing.txt' is not a file of the project"), std::string::npos)
      << m;
  EXPECT_NE(m.find("reads its standard input from it"), std::string::npos) << m;
}

TEST_F(ConfigPaths, MissingConfigSuggestsInitAndOptions) {
  try {
    load_config(dir_ / "nothere" / "pgo.yaml");
    FAIL() << "loaded";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("no such file (run `pgo init` in the project to write one, or name the project with -C DIR"),
              std::string::npos)
        << m;
  }
}

TEST(ConfigLimits, TooLargeValuesSayTheLimit) {
  auto message = [](const std::string& extra) {
    try {
      parse_config("version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: a\n    run: [x]\n" + extra, "p.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("    timeout: 1000000000s\n").find("is too large: '1000000000s' (at most 100000000 s"),
            std::string::npos);
  EXPECT_NE(message("    repeat: 2000000000\n").find("is too large: 2000000000 (at most 1000000000)"),
            std::string::npos);
}

TEST(ConfigWeights, HugeWeightIsRefusedWithTheLimit) {
  try {
    parse_config("version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: a\n    run: [x]\n    weight: 1e19\n", "p.yaml");
    FAIL() << "accepted";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("p.yaml:6:13: workloads[0].weight: must be at most 1000, got 1e19"), std::string::npos) << m;
  }
}

TEST(ConfigWeights, RatioOfWeightsIsBounded) {
  try {
    parse_config("version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: a\n    run: [x]\n    weight: 0.01\n"
                 "  - name: b\n    run: [x]\n    weight: 500\n",
                 "p.yaml");
    FAIL() << "accepted";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("p.yaml:9:13: workloads[1].weight: is more than 1000 times the weight of workload 'a' (0.01)"),
              std::string::npos)
        << m;
  }
  EXPECT_NO_THROW(parse_config("version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: a\n    run: [x]\n    weight: 0.5\n"
                               "  - name: b\n    run: [x]\n    weight: 500\n",
                               "p.yaml"));
}

}  // namespace
}  // namespace pgo
