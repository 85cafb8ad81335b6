// ${...} expansion: substitutions, the literal forms, and the errors naming workload,
// placeholder and known targets.
#include "workloads/expand.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/error.h"

namespace pgo {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

ExpandContext Ctx() {
  ExpandContext ctx;
  ctx.project = "/home/u/proj";
  ctx.bins = {{"calc", "/b/calc"}, {"tool", "/b/sub/tool"}};
  ctx.run_dir = "/home/u/proj/.pgo/runs/7";
  return ctx;
}

std::string ErrorOf(std::string_view text, const ExpandContext& ctx = Ctx()) {
  try {
    expand(text, ctx, "workload 'small': run[0]");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    return e.what();
  }
  ADD_FAILURE() << "no error for " << text;
  return "";
}

TEST(ExpandTest, SubstitutesEveryVariable) {
  EXPECT_EQ(expand("${bin:calc}", Ctx(), "w"), "/b/calc");
  EXPECT_EQ(expand("${project}/data", Ctx(), "w"), "/home/u/proj/data");
  EXPECT_EQ(expand("--out=${run_dir}/o.txt", Ctx(), "w"), "--out=/home/u/proj/.pgo/runs/7/o.txt");
  EXPECT_EQ(expand("${bin:calc}${bin:tool}", Ctx(), "w"), "/b/calc/b/sub/tool");
}

TEST(ExpandTest, LiteralTextIsKept) {
  EXPECT_EQ(expand("", Ctx(), "w"), "");
  EXPECT_EQ(expand("--iterations", Ctx(), "w"), "--iterations");
  EXPECT_EQ(expand("{bin:calc}", Ctx(), "w"), "{bin:calc}");
  EXPECT_EQ(expand("cost: 5$", Ctx(), "w"), "cost: 5$");
  EXPECT_EQ(expand("echo $HOME", Ctx(), "w"), "echo $HOME");
}

TEST(ExpandTest, DoubleDollarIsOneDollar) {
  EXPECT_EQ(expand("$$", Ctx(), "w"), "$");
  EXPECT_EQ(expand("$${project}", Ctx(), "w"), "${project}");
  EXPECT_EQ(expand("$$$${bin:calc}", Ctx(), "w"), "$${bin:calc}");
  EXPECT_EQ(expand("$$${bin:calc}", Ctx(), "w"), "$/b/calc");
}

TEST(ExpandTest, UnknownTargetNamesWorkloadPlaceholderAndTargets) {
  std::string msg = ErrorOf("${bin:calcc}");
  EXPECT_THAT(msg, StartsWith("workload 'small': run[0]: "));
  EXPECT_THAT(msg, HasSubstr("unknown target 'calcc' in '${bin:calcc}'"));
  EXPECT_THAT(msg, HasSubstr("did you mean '${bin:calc}'?"));
  EXPECT_THAT(msg, HasSubstr("known targets: calc, tool"));
}

TEST(ExpandTest, UnknownTargetWithNoBins) {
  ExpandContext ctx = Ctx();
  ctx.bins.clear();
  EXPECT_THAT(ErrorOf("${bin:calc}", ctx), HasSubstr("known targets: (none)"));
}

TEST(ExpandTest, UnknownVariable) {
  std::string msg = ErrorOf("x=${projct}");
  EXPECT_THAT(msg, StartsWith("workload 'small': run[0]: "));
  EXPECT_THAT(msg, HasSubstr("unknown placeholder '${projct}'"));
  EXPECT_THAT(msg, HasSubstr("did you mean '${project}'?"));
  EXPECT_THAT(msg, HasSubstr("known targets: calc, tool"));
  EXPECT_THAT(ErrorOf("${HOME}"), HasSubstr("$$ for a literal '$'"));
}

TEST(ExpandTest, MalformedPlaceholders) {
  EXPECT_THAT(ErrorOf("${bin:calc"), HasSubstr("unterminated '${'"));
  EXPECT_THAT(ErrorOf("${}"), HasSubstr("unknown placeholder '${}'"));
  EXPECT_THAT(ErrorOf("${bin:}"), HasSubstr("needs a target name"));
  EXPECT_THAT(ErrorOf("${bin}"), HasSubstr("needs a target name"));
  EXPECT_THAT(ErrorOf("${bin:${project}}"), HasSubstr("nested placeholders"));
}

TEST(ExpandTest, RunDirOnlyWhileRunning) {
  ExpandContext ctx = Ctx();
  ctx.run_dir.clear();
  EXPECT_THAT(ErrorOf("${run_dir}/x", ctx), HasSubstr("'${run_dir}' is only available while a workload runs"));
  EXPECT_EQ(expand("${project}", ctx, "w"), "/home/u/proj");
}

TEST(ExpandTest, ArgvAndEnvNameTheElement) {
  EXPECT_EQ(expand_argv({"${bin:tool}", "-i", "${project}/in"}, Ctx(), "w: run"),
            (std::vector<std::string>{"/b/sub/tool", "-i", "/home/u/proj/in"}));
  try {
    expand_argv({"ok", "${bin:nope}"}, Ctx(), "workload 'small': run");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), StartsWith("workload 'small': run[1]: unknown target 'nope'"));
  }
  EXPECT_EQ(expand_env({{"A", "${run_dir}"}, {"B", "$$x"}}, Ctx(), "w: env"),
            (std::map<std::string, std::string>{{"A", "/home/u/proj/.pgo/runs/7"}, {"B", "$x"}}));
  try {
    expand_env({{"DATA", "${nope}"}}, Ctx(), "workload 'small': env");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), StartsWith("workload 'small': env.DATA: unknown placeholder '${nope}'"));
  }
}

TEST(ExpandTest, ExpandWorkloadKeepsOtherFields) {
  WorkloadSpec w;
  w.name = "big";
  w.run = {"${bin:calc}", "${project}"};
  w.env = {{"OUT", "${run_dir}"}};
  w.cwd = "${project}";  // not expanded: cwd is a project-relative path
  w.repeat = 3;
  WorkloadSpec out = expand_workload(w, Ctx());
  EXPECT_EQ(out.run, (std::vector<std::string>{"/b/calc", "/home/u/proj"}));
  EXPECT_EQ(out.env.at("OUT"), "/home/u/proj/.pgo/runs/7");
  EXPECT_EQ(out.cwd, "${project}");
  EXPECT_EQ(out.repeat, 3);
  w.run = {"${bin:missing}"};
  try {
    expand_workload(w, Ctx());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_THAT(e.what(), StartsWith("workload 'big': run[0]: "));
    EXPECT_THAT(e.what(), HasSubstr("'${bin:missing}'"));
    EXPECT_THAT(e.what(), HasSubstr("known targets: calc, tool"));
  }
}

TEST(ExpandTest, ScanAndReferencedTargets) {
  std::vector<Placeholder> p = scan_placeholders("a ${bin:x} $$ ${project} b ${run_dir}");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].kind, Placeholder::Kind::Bin);
  EXPECT_EQ(p[0].target, "x");
  EXPECT_EQ(p[0].offset, 2u);
  EXPECT_EQ(p[0].text, "${bin:x}");
  EXPECT_EQ(p[1].kind, Placeholder::Kind::Dollar);
  EXPECT_EQ(p[2].kind, Placeholder::Kind::Project);
  EXPECT_EQ(p[3].kind, Placeholder::Kind::RunDir);
  WorkloadSpec w;
  w.run = {"${bin:calc}", "--peer=${bin:tool}", "$${bin:not_a_target}"};
  w.env = {{"HELPER", "${bin:helper}"}};
  EXPECT_EQ(referenced_targets(w), (std::set<std::string>{"calc", "helper", "tool"}));
}

}  // namespace
}  // namespace pgo
