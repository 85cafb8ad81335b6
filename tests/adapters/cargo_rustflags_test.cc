// Combining the user's rustflags with pgo's: the pure rules, and the probe that asks the real
// cargo 1.95 which flags it would use, for each source Cargo reads (env and config files).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <random>

#include "adapters/cargo/rustflags.h"
#include "support/atomic_file.h"
#include "support/error.h"
#include "workloads/process.h"

namespace pgo::cargo {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;
constexpr const char* kHost = "x86_64-unknown-linux-gnu";

TEST(Rustflags, EncodeAndDecodeAsCargoDoes) {
  EXPECT_EQ(decode_rustflags(""), Strings{});
  EXPECT_EQ(decode_rustflags("-Ctarget-cpu=native"), Strings{"-Ctarget-cpu=native"});
  EXPECT_EQ(decode_rustflags("-C\x1ftarget-cpu=native\x1f--cfg=a b"), (Strings{"-C", "target-cpu=native", "--cfg=a b"}));
  Strings flags = {"-Cprofile-use=/a dir/p.profdata", "-Cllvm-args=-pgo-warn-missing-function"};
  EXPECT_EQ(decode_rustflags(encode_rustflags(flags)), flags);
}

TEST(Rustflags, UserFlagsComeFirstAndLinkFlagsAreNotRepeated) {
  Flags pgo{{"-Cprofile-generate=/p"}, {"-Cprofile-generate=/p", "-Clink-arg=-Wl,-z,now"}};
  EXPECT_EQ(combine_rustflags({"-C", "target-cpu=native"}, pgo),
            (Strings{"-C", "target-cpu=native", "-Cprofile-generate=/p", "-Clink-arg=-Wl,-z,now"}));
  EXPECT_EQ(combine_rustflags({}, Flags{}), Strings{});
}

TEST(Rustflags, FindsUserPgoFlagsInEverySpelling) {
  EXPECT_EQ(conflicting_pgo_flag({"-Ctarget-cpu=native", "-Cprofile-use=/x"}), "-Cprofile-use=/x");
  EXPECT_EQ(conflicting_pgo_flag({"-C", "profile-generate"}), "-C profile-generate");
  EXPECT_EQ(conflicting_pgo_flag({"--codegen", "profile-generate=/d"}), "--codegen profile-generate=/d");
  EXPECT_EQ(conflicting_pgo_flag({"--codegen=profile-sample-use=/s"}), "--codegen=profile-sample-use=/s");
  EXPECT_FALSE(conflicting_pgo_flag({"-Cprofile-users=1", "-C", "opt-level=3", "-Cllvm-args=-profile-use"}));
  EXPECT_FALSE(conflicting_pgo_flag({"-C"}));
}

TEST(Rustflags, SourceFollowsCargosPrecedence) {
  EXPECT_EQ(rustflags_source({{"RUSTFLAGS", "-g"}, {"CARGO_ENCODED_RUSTFLAGS", ""}}), "CARGO_ENCODED_RUSTFLAGS");
  EXPECT_EQ(rustflags_source({{"RUSTFLAGS", "-g"}}), "RUSTFLAGS");
  EXPECT_NE(rustflags_source({}).find("configuration"), std::string::npos);
}

// A project directory with an optional .cargo/config.toml, and environment variables set
// for the duration of one probe.
class RustflagsProbe : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!find_program("cargo")) GTEST_SKIP() << "cargo not installed";
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("pgo-rustflags-test-" + std::to_string(rd()));
    fs::create_directories(dir_ / "project" / ".cargo");
    for (const char* v : {"RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"})
      if (const char* old = getenv(v)) saved_.emplace_back(v, old);
    for (const char* v : {"RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"}) unsetenv(v);
  }
  void TearDown() override {
    for (const char* v : {"RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"}) unsetenv(v);
    for (const auto& [k, v] : saved_) setenv(k.c_str(), v.c_str(), 1);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void config(const std::string& toml) { write_file_atomic(dir_ / "project" / ".cargo" / "config.toml", toml); }
  Strings probe() {
    SystemProcessRunner runner;
    return probe_user_rustflags(runner, dir_ / "project", dir_ / "probe", kHost);
  }

  fs::path dir_;
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(RustflagsProbe, NoFlagsAnywhere) { EXPECT_EQ(probe(), Strings{}); }

TEST_F(RustflagsProbe, BuildRustflagsFromConfig) {
  config("[build]\nrustflags = [\"-Ctarget-cpu=native\", \"--cfg=from_build\"]\n");
  EXPECT_EQ(probe(), (Strings{"-Ctarget-cpu=native", "--cfg=from_build"}));
}

TEST_F(RustflagsProbe, TargetTableReplacesBuildAndJoinsCfgTables) {
  config(std::string("[build]\nrustflags = [\"--cfg=from_build\"]\n[target.") + kHost +
         "]\nrustflags = [\"--cfg=from_triple\"]\n[target.'cfg(unix)']\nrustflags = [\"--cfg=from_cfg\"]\n");
  Strings flags = probe();
  EXPECT_EQ(flags.size(), 2u);
  EXPECT_NE(std::find(flags.begin(), flags.end(), "--cfg=from_triple"), flags.end());
  EXPECT_NE(std::find(flags.begin(), flags.end(), "--cfg=from_cfg"), flags.end());
}

TEST_F(RustflagsProbe, RustflagsEnvironmentWinsOverConfig) {
  config("[build]\nrustflags = [\"--cfg=from_build\"]\n");
  setenv("RUSTFLAGS", " -C  target-cpu=native ", 1);
  EXPECT_EQ(probe(), (Strings{"-C", "target-cpu=native"}));
}

TEST_F(RustflagsProbe, EncodedRustflagsKeepSpacesAndWinOverRustflags) {
  setenv("RUSTFLAGS", "--cfg=from_rustflags", 1);
  setenv("CARGO_ENCODED_RUSTFLAGS", "--cfg=from_encoded\x1f-Clink-arg=-Wl,--as-needed", 1);
  EXPECT_EQ(probe(), (Strings{"--cfg=from_encoded", "-Clink-arg=-Wl,--as-needed"}));
}

TEST_F(RustflagsProbe, FlagsRustcRejectsFailWithCargosMessage) {
  setenv("RUSTFLAGS", "-Cno-such-option=1", 1);
  try {
    probe();
    FAIL() << "expected a build error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBuildFailure);
    EXPECT_NE(std::string(e.what()).find("no-such-option"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pgo::cargo
