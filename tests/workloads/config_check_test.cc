// pgo.yaml `workloads[].check`, the optional output check: what is accepted, and one case per
// kind of bad input with the "<file>:<line>:<column>: <key path>: <what>" message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/error.h"
#include "workloads/config.h"

namespace pgo {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Lines 1-7; a check: line appended by C() lands on line 8, column 5 (value at column 12).
const std::string kBase =
    "version: 1\n"
    "build:\n"
    "  targets: [calc]\n"
    "toolchains: [gcc]\n"
    "workloads:\n"
    "  - name: small\n"
    "    run: [\"${bin:calc}\", out.txt]\n";

std::string C(const std::string& check, const std::string& extra = "") {
  return kBase + "    check: " + check + "\n" + extra;
}

TEST(ConfigCheckTest, NoCheckByDefault) {
  Config c = parse_config(kBase, "pgo.yaml");
  EXPECT_TRUE(c.workloads.at(0).check.empty());
  EXPECT_FALSE(c.workloads.at(0).check_shell);
}

TEST(ConfigCheckTest, ListIsAnArgvWithPlaceholdersKept) {
  Config c = parse_config(C("[cmp, out.txt, \"${project}/expected.txt\", \"\"]"), "pgo.yaml");
  const WorkloadSpec& w = c.workloads.at(0);
  EXPECT_EQ(w.check, (std::vector<std::string>{"cmp", "out.txt", "${project}/expected.txt", ""}));
  EXPECT_FALSE(w.check_shell);
}

TEST(ConfigCheckTest, StringIsAShellLineWhenTheWorkloadUsesTheShell) {
  std::string yaml =
      "version: 1\ntoolchains: [gcc]\nworkloads:\n  - name: small\n    shell: true\n"
      "    run: \"${bin:calc} > out.txt\"\n    check: \"diff out.txt ${project}/expected.txt && test -s out.txt\"\n";
  const Config c = parse_config(yaml, "pgo.yaml");
  const WorkloadSpec& w = c.workloads.at(0);
  EXPECT_EQ(w.check, (std::vector<std::string>{"diff out.txt ${project}/expected.txt && test -s out.txt"}));
  EXPECT_TRUE(w.check_shell);
  // With shell: true a list is still an argv.
  std::string list = yaml.substr(0, yaml.find("    check:")) + "    check: [cmp, a, b]\n";
  EXPECT_FALSE(parse_config(list, "pgo.yaml").workloads.at(0).check_shell);
}

struct BadCase {
  const char* name;
  std::string yaml;
  std::string prefix;                 // "<line>:<column>: <key path>: "
  std::vector<std::string> contains;  // key parts of the message
};

class BadCheckTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCheckTest, FailsWithPositionAndKey) {
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

std::vector<BadCase> Cases() {
  return {
      {"StringWithoutShell", C("cmp out.txt expected.txt"), "8:12: workloads[0].check: ",
       {"check is a string but shell is false", "[\"cmp\", \"out.txt\""}},
      {"EmptyList", C("[]"), "8:12: workloads[0].check: ", {"must not be empty", "leave check out"}},
      {"NoValue", C(""), "8:5: workloads[0].check: ", {"has no value"}},
      {"Map", C("{cmd: cmp}"), "8:12: workloads[0].check: ", {"expected a list, got a map"}},
      {"EmptyProgram", C("[\"\", out.txt]"), "8:13: workloads[0].check[0]: ", {"must not be empty"}},
      {"ArgumentList", C("[cmp, [a]]"), "8:18: workloads[0].check[1]: ", {"expected a string, got a list"}},
      {"PlaceholderTypo", C("[cmp, out.txt, \"${projekt}/e.txt\"]"), "8:27: workloads[0].check[2]: ",
       {"unknown placeholder '${projekt}'", "did you mean '${project}'?"}},
      {"UnknownTarget", C("[\"${bin:calcc}\", --verify]"), "8:13: workloads[0].check[0]: ",
       {"names target 'calcc'", "not in build.targets (calc)"}},
      {"KeyTypo", kBase + "    chek: [cmp, a, b]\n", "8:5: workloads[0].chek: ", {"did you mean 'check'?"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Cases, BadCheckTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pgo
