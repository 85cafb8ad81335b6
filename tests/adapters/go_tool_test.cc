// Pure helpers of the Go adapter: GOFLAGS splitting, binary names, go version -m and go list.
#include <gtest/gtest.h>

#include "adapters/go/go_tool.h"
#include "adapters/go/profile_hook.h"
#include "support/error.h"

namespace pgo::go {
namespace {

TEST(GoTool, SplitsGoflagsLikeTheGoCommand) {
  EXPECT_EQ(split_goflags("  -buildvcs=false   -trimpath "), (std::vector<std::string>{"-buildvcs=false", "-trimpath"}));
  EXPECT_EQ(split_goflags("-tags=a '-ldflags=-s -w' \"-gcflags=all=-N -l\""),
            (std::vector<std::string>{"-tags=a", "-ldflags=-s -w", "-gcflags=all=-N -l"}));
  EXPECT_TRUE(split_goflags("").empty());
  EXPECT_THROW(split_goflags("'-ldflags=-s"), Error);
}

TEST(GoTool, FindsTheLastValueOfAFlag) {
  std::vector<std::string> f = {"-ldflags=-s", "-trimpath", "--ldflags=-X a=b", "-ldflagsx=no"};
  EXPECT_EQ(flag_value(f, "ldflags"), "-X a=b");
  EXPECT_EQ(flag_value(f, "overlay"), std::nullopt);
  EXPECT_EQ(flag_value({"-overlay=/o.json"}, "overlay"), "/o.json");
}

TEST(GoTool, ExecNameSkipsMajorVersionSuffixes) {
  EXPECT_EQ(exec_name("example.com/gomodule/cmd/gomodule"), "gomodule");
  EXPECT_EQ(exec_name("example.com/tool/v2"), "tool");
  EXPECT_EQ(exec_name("example.com/tool/v1"), "v1");
  EXPECT_EQ(exec_name("example.com/tool/v0"), "v0");
  EXPECT_EQ(exec_name("hello"), "hello");
}

TEST(GoTool, ParsesGoVersions) {
  EXPECT_EQ(parse_go_version("go1.26.8"), std::make_pair(1, 26));
  EXPECT_EQ(parse_go_version("go1.21rc2"), std::make_pair(1, 21));
  EXPECT_EQ(parse_go_version("devel go1.27-abc"), std::nullopt);
}

TEST(GoTool, ReadsBuildSettingsOfGoVersionM) {
  std::string text =
      "/b/app: go1.26.8\n\tpath\texample.com/m/cmd/app\n\tmod\texample.com/m\t(devel)\t\n"
      "\tbuild\t-buildmode=exe\n\tbuild\t-pgo=/p/profile-1.pprof\n\tbuild\tCGO_ENABLED=1\n"
      "\tbuild\t-ldflags=\"-s -w\"\n";
  auto s = parse_build_settings(text);
  EXPECT_EQ(s.at("-pgo"), "/p/profile-1.pprof");
  EXPECT_EQ(s.at("CGO_ENABLED"), "1");
  EXPECT_EQ(s.at("-ldflags"), "\"-s -w\"");
  EXPECT_EQ(s.count("path"), 0u);
}

// cmd/go records only the profile's file name under -trimpath (go 1.26: build -trimpath=true).
TEST(GoTool, TheRecordedPgoSettingIsTheFileNameUnderTrimpath) {
  const std::string profile = "/p/.pgo/build/go/optimized/profile/default.pgo";
  EXPECT_EQ(recorded_pgo_setting(profile, {{"-buildmode", "exe"}}), profile);
  EXPECT_EQ(recorded_pgo_setting(profile, {{"-trimpath", "true"}}), "default.pgo");
  EXPECT_EQ(recorded_pgo_setting(profile, {{"-trimpath", "false"}}), profile);
}

TEST(GoTool, ParsesGoListJsonStreams) {
  std::string text = R"({"ImportPath": "example.com/m/cmd/app", "Name": "main", "Dir": "/m/cmd/app"}
{"ImportPath": "example.com/m/k", "Name": "k", "Dir": "/m/k", "XTestGoFiles": ["k_test.go"]}
{"ImportPath": "example.com/m/nope", "Dir": "/m/nope", "Error": {"Err": "no Go files in /m/nope"}})";
  auto p = parse_go_list(text);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].name, "main");
  EXPECT_FALSE(p[0].has_tests);
  EXPECT_TRUE(p[1].has_tests);
  EXPECT_EQ(p[2].error, "no Go files in /m/nope");
  EXPECT_THROW(parse_go_list("{\"ImportPath\": "), Error);
}

TEST(GoHookSource, NamesThePackageAndTheVariable) {
  std::string src = profile_hook_source("kernels");
  EXPECT_NE(src.find("package kernels\n"), std::string::npos);
  EXPECT_NE(src.find("os.Getenv(\"PGO_GO_CPUPROFILE\")"), std::string::npos);
  EXPECT_NE(src.find("internal/runtime/exithook.Add"), std::string::npos);
  EXPECT_EQ(src.find('@'), std::string::npos);  // no placeholder left
}

}  // namespace
}  // namespace pgo::go
