// Reading merged profiles back: records and the summary, on a real clang-22 profile and
// on one written with LLVM's own writer where every count is known.
#include "adapters/llvm/summary.h"

#include <gtest/gtest.h>

#include "adapters/llvm/merge.h"
#include "support/error.h"
#include "tests/adapters/llvm_test_support.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;
using llvm_test::TempDir;

TEST(LlvmSummary, DisplayNames) {
  EXPECT_EQ(display_function_name("main"), "main");
  EXPECT_EQ(display_function_name("_Z3fooi"), "foo(int)");
  EXPECT_EQ(display_function_name("src/a.c;helper"), "helper (src/a.c)");
  EXPECT_EQ(display_function_name("a.cc;_ZL3barv"), "bar() (a.cc)");
}

TEST(LlvmSummary, RealProfile) {
  TempDir dir;
  fs::path bin = llvm_test::compile(dir.path(), "prog", llvm_test::kProgram, {"-fprofile-generate"});
  llvm_test::train(bin, dir / "run", {"300"});
  const fs::path merged = dir / "m.profdata";
  merge_llvm_profiles({{dir / "run", 2}}, merged, FailureMode::Any, 1);

  auto records = read_indexed_profile(merged);
  std::vector<std::string> names;
  uint64_t total = 0;
  size_t with_counts = 0;
  for (const auto& r : records) {
    names.push_back(r.name);
    uint64_t sum = 0;
    for (uint64_t c : r.counts) sum += c;
    total += sum;
    with_counts += sum != 0;
    EXPECT_FALSE(r.context_sensitive);
    EXPECT_NE(r.hash, 0u);
  }
  // Sorted by name; static functions carry their file name.
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "main"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "never_called"), names.end());
  // A static function's PGO name is "<source path as compiled>;<name>".
  EXPECT_NE(std::find(names.begin(), names.end(), (dir / "prog.c").string() + ";twice"), names.end());

  ProfileSummary s = summarize_llvm_profile(merged);
  EXPECT_EQ(s.functions, records.size());
  EXPECT_EQ(s.functions_with_counts, with_counts);
  EXPECT_EQ(s.total_count, total);
  EXPECT_EQ(s.context_sensitive_functions, 0u);  // plain IR PGO
  EXPECT_GT(s.total_count, 600u);  // 300 iterations, weight 2
  ASSERT_FALSE(s.hottest.empty());
  EXPECT_LT(s.functions_with_counts, s.functions);  // never_called has none
  for (const auto& h : s.hottest) EXPECT_NE(h.name, "never_called");
  for (size_t i = 1; i < s.hottest.size(); ++i) EXPECT_GE(s.hottest[i - 1].count, s.hottest[i].count);
}

TEST(LlvmSummary, HottestUsesHottestCounterAndKeepsTen) {
  // A text profile (IR level) converted by llvm-profdata-22: 12 functions, known counts.
  TempDir dir;
  std::string text = ":ir\n";
  for (int i = 1; i <= 12; ++i)
    text += "f" + std::to_string(i) + "\n" + std::to_string(1000 + i) + "\n2\n" + std::to_string(i) + "\n" +
            std::to_string(i * 100) + "\n\n";
  text += "zero\n7\n1\n0\n\n";
  llvm_test::write_text(dir / "p.proftext", text);
  llvm_test::run_ok({"llvm-profdata-22", "merge", (dir / "p.proftext").string(), "-o", (dir / "p.profdata").string()});

  ProfileSummary s = summarize_llvm_profile(dir / "p.profdata");
  EXPECT_EQ(s.functions, 13u);
  EXPECT_EQ(s.functions_with_counts, 12u);
  EXPECT_EQ(s.total_count, 78u * 101u);  // sum of i + 100 i for i = 1..12
  ASSERT_EQ(s.hottest.size(), 10u);
  EXPECT_EQ(s.hottest[0].name, "f12");
  EXPECT_EQ(s.hottest[0].count, 1200u);  // IR profile: the hottest counter, not counter 0
  EXPECT_EQ(s.hottest[9].name, "f3");

  auto records = read_indexed_profile(dir / "p.profdata");
  ASSERT_EQ(records.size(), 13u);
  EXPECT_EQ(records[0].name, "f1");
  EXPECT_EQ(records[0].hash, 1001u);
  EXPECT_EQ(records[0].counts, (std::vector<uint64_t>{1, 100}));
}

TEST(LlvmSummary, UnreadableProfileIsAnError) {
  TempDir dir;
  llvm_test::write_text(dir / "bad.profdata", "garbage that is not a profile");
  try {
    summarize_llvm_profile(dir / "bad.profdata");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.profdata"), std::string::npos);
  }
  EXPECT_THROW(read_indexed_profile(dir / "missing.profdata"), Error);
}

}  // namespace
}  // namespace pgo
