// Context-sensitive PGO with Clang: the flags of the CS-instrumented build, and the two
// stages with real clang-22 (the stage-1 profile merged with the CS raw profiles).
#include <gtest/gtest.h>

#include "adapters/llvm/clang_format.h"
#include "adapters/llvm/rust_format.h"
#include "tests/adapters/llvm_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using llvm_test::TempDir;

Toolchain clang22() {
  Toolchain t;
  t.name = "clang";
  t.compiler_id = "Clang";
  t.compiler_version = "22.1.8";
  return t;
}

TEST(ClangCsPgo, FlagsAreStageOneUseFlagsPlusCsGenerate) {
  ClangProfileFormat f(clang22());
  std::optional<Flags> cs = f.context_sensitive_flags("/p/s1.profdata", BuildRequest{});
  ASSERT_TRUE(cs.has_value());
  std::vector<std::string> compile = f.use_flags("/p/s1.profdata", BuildRequest{}).compile;
  compile.push_back("-fcs-profile-generate");
  EXPECT_EQ(cs->compile, compile);
  EXPECT_EQ(cs->link, (std::vector<std::string>{"-fcs-profile-generate"}));
}

TEST(ClangCsPgo, RustHasNone) {
  Toolchain rustc;
  rustc.name = "rustc";
  rustc.compiler_version = "1.95.0";
  rustc.llvm_version = "22.1.2";
  RustProfileFormat f(rustc, nullptr, "/p/raw");
  EXPECT_FALSE(f.context_sensitive_flags("/p/s1.profdata", BuildRequest{}).has_value());
}


}  // namespace
}  // namespace pgo
