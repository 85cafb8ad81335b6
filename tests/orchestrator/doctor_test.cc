#include "orchestrator/doctor.h"

#include <gtest/gtest.h>

#include <sstream>

namespace pgo {
namespace {

TEST(Doctor, TheVersionIsTheFirstLineWithANumber) {
  EXPECT_EQ(version_line("gcc (Debian 12.2.0-14) 12.2.0\nCopyright (C) 2022\n"), "gcc (Debian 12.2.0-14) 12.2.0");
  EXPECT_EQ(version_line("Ubuntu LLVM version\n  LLVM version 22.1.8 \n"), "LLVM version 22.1.8");
  EXPECT_EQ(version_line("no digits here\n"), "");
  EXPECT_EQ(version_line(""), "");
}

TEST(Doctor, EveryToolSaysWhatNeedsItAndWhereItComesFrom) {
  for (const DoctorTool& t : doctor_tools()) {
    EXPECT_FALSE(t.argv.empty()) << t.name;
    EXPECT_EQ(t.argv[0], t.name);
    EXPECT_FALSE(t.needed_for.empty()) << t.name;
    EXPECT_FALSE(t.package.empty()) << t.name;
  }
}

TEST(Doctor, AMissingToolShowsItsPackage) {
  DoctorTool bolt{"llvm-bolt-22", {"llvm-bolt-22", "--version"}, "BOLT", "Debian: apt install bolt-22"};
  std::vector<DoctorFinding> findings = {{bolt, false, ""}, {bolt, true, "LLVM version 22.1.8"}};
  std::ostringstream out;
  EXPECT_EQ(print_doctor(findings, "counter line", out, TerminalStyle{}), 1u);
  EXPECT_NE(out.str().find("missing  Debian: apt install bolt-22"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("found    LLVM version 22.1.8"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("counter line"), std::string::npos);
}

}  // namespace
}  // namespace pgo
