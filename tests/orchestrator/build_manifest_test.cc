// The build manifest `pgo build` writes and `pgo bench` reads: a round trip, and the
// messages for a missing file, another schema and fields of the wrong type.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "orchestrator/build_manifest.h"
#include "support/atomic_file.h"
#include "support/error.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using nlohmann::json;

class BuildManifestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pgo-manifest-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "build" / "gcc" / "baseline");
  }
  void TearDown() override { fs::remove_all(dir_); }

  BuildManifest sample() {
    fs::path profile = dir_ / "profile-0123.profdata";
    write_file_atomic(profile, "profile bytes");
    BuildResult base, opt;
    base.artifacts.push_back({"calc", "/b/baseline/calc", false});
    opt.artifacts.push_back({"calc", "/b/optimized/calc", false});
    BuildManifest m;
    m.toolchain = {"gcc", "GNU", "12.2.0", "/usr/bin/gcc", "/usr/bin/g++", "gcda", "B23*", ""};
    m.build_system = "command";
    m.created = "2026-12-02T07:00:00Z";
    m.builds["baseline"] = manifest_build("/b/baseline", base, {});
    m.builds["optimized"] = manifest_build("/b/optimized", opt, Flags{{"-fprofile-use=/p"}, {"-lgcov"}}, profile);
    return m;
  }

  // The message of read_build_manifest on `text`.
  std::string error_for(const std::string& text) {
    fs::path file = dir_ / "bad.json";
    write_file_atomic(file, text);
    try {
      read_build_manifest(file, "gcc");
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage);
      return e.what();
    }
    ADD_FAILURE() << "no error for " << text;
    return "";
  }

  fs::path dir_;
};

TEST_F(BuildManifestTest, RoundTripsEveryField) {
  fs::path file = manifest_path(dir_ / "build" / "gcc" / "baseline");
  EXPECT_EQ(file, dir_ / "build" / "gcc" / "manifest.json");
  write_build_manifest(file, sample());
  json raw = json::parse(read_file(file));
  EXPECT_EQ(raw["schema"], "pgo-build-manifest/1");

  BuildManifest m = read_build_manifest(file, "gcc");
  EXPECT_EQ(m.toolchain.name, "gcc");
  EXPECT_EQ(m.toolchain.compiler_version, "12.2.0");
  EXPECT_EQ(m.toolchain.profile_format, "gcda");
  EXPECT_EQ(m.build_system, "command");
  EXPECT_EQ(m.builds.at("baseline").executables.at("calc"), fs::path("/b/baseline/calc"));
  const ManifestBuild& opt = m.builds.at("optimized");
  EXPECT_EQ(opt.executables.at("calc"), fs::path("/b/optimized/calc"));
  EXPECT_EQ(opt.flags.compile, (std::vector<std::string>{"-fprofile-use=/p"}));
  EXPECT_EQ(opt.flags.link, (std::vector<std::string>{"-lgcov"}));
  EXPECT_EQ(opt.profile, dir_ / "profile-0123.profdata");
  EXPECT_EQ(opt.profile_sha256.size(), 64u);
  EXPECT_TRUE(m.builds.at("baseline").profile.empty());
}

TEST_F(BuildManifestTest, AMissingFileSaysToBuildFirst) {
  try {
    read_build_manifest(dir_ / "build" / "go" / "manifest.json", "go");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("run `pgo build --toolchain go` first"));
  }
}

TEST_F(BuildManifestTest, WrongTypesNameTheFileAndTheField) {
  write_build_manifest(dir_ / "good.json", sample());
  json good = json::parse(read_file(dir_ / "good.json"));

  json j = good;
  j["builds"]["optimized"]["executables"]["calc"] = 42;
  std::string message = error_for(j.dump());
  EXPECT_THAT(message, HasSubstr((dir_ / "bad.json").string() + ": builds.optimized.executables.calc: expected a string, got number"));

  j = good;
  j["toolchain"]["version"] = json::array();
  EXPECT_THAT(error_for(j.dump()), HasSubstr("toolchain.version: expected a string, got array"));

  j = good;
  j["builds"]["baseline"]["flags"]["link"] = json::array({"-lgcov", 7});
  EXPECT_THAT(error_for(j.dump()), HasSubstr("builds.baseline.flags.link[1]: expected a string, got number"));

  j = good;
  j["builds"]["baseline"] = "calc";
  EXPECT_THAT(error_for(j.dump()), HasSubstr("builds.baseline: expected an object, got string"));

  j = good;
  j["builds"]["optimized"].erase("build_dir");
  EXPECT_THAT(error_for(j.dump()), HasSubstr("builds.optimized.build_dir: missing"));

  j = good;
  j["schema"] = "pgo-build-manifest/9";
  EXPECT_THAT(error_for(j.dump()), HasSubstr("schema: 'pgo-build-manifest/9'"));

  EXPECT_THAT(error_for("{not json"), HasSubstr("not JSON"));
}

}  // namespace
}  // namespace pgo
