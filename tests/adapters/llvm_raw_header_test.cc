// Raw/indexed profile header parsing, on crafted bytes and on real clang-14/clang-22 files.
#include "adapters/llvm/raw_header.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/adapters/llvm_test_support.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {

using llvm_test::TempDir;

std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string be64(uint64_t v) {
  std::string s = le64(v);
  return std::string(s.rbegin(), s.rend());
}

// A raw header of `words` 64-bit words: magic, version, then NumData=3 at word 3 and
// NumCounters=9 at word 5, zeros elsewhere.
std::string raw_header(uint64_t magic, uint64_t version_word, size_t words, bool big = false) {
  std::string s;
  for (size_t i = 0; i < words; ++i) {
    uint64_t v = i == 0 ? magic : i == 1 ? version_word : i == 3 ? 3 : i == 5 ? 9 : 0;
    s += big ? be64(v) : le64(v);
  }
  return s;
}

constexpr uint64_t kMagic64 = 0xff6c70726f667281ULL;
constexpr uint64_t kIR = 1ULL << 56;

TEST(LlvmRawHeader, Version10LittleEndianWithFlags) {
  const uint64_t flags = kIR | (1ULL << 57) | (1ULL << 58);
  std::string bytes = raw_header(kMagic64, 10 | flags, 16);
  // The header announces 3 data records and 9 counters; the file must hold them.
  RawProfileHeader cut = parse_raw_profile_header(bytes, bytes.size());
  EXPECT_FALSE(cut.valid);
  EXPECT_NE(cut.error.find("truncated or corrupt: 128 bytes, but its header announces at least"), std::string::npos)
      << cut.error;
  RawProfileHeader h = parse_raw_profile_header(bytes, 4096);
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_EQ(h.kind, LlvmFileKind::Raw);
  EXPECT_EQ(h.version, 10u);
  EXPECT_EQ(h.variant_flags, flags);
  EXPECT_TRUE(h.ir_level);
  EXPECT_TRUE(h.context_sensitive);
  EXPECT_TRUE(h.entry_first);
  EXPECT_FALSE(h.temporal_profile);
  EXPECT_FALSE(h.big_endian);
  EXPECT_FALSE(h.pointer32);
  EXPECT_EQ(h.num_functions, 3u);
  EXPECT_EQ(h.num_counters, 9u);
}

TEST(LlvmRawHeader, BigEndianAnd32Bit) {
  std::string big = raw_header(kMagic64, 9 | kIR, 14, /*big=*/true);
  RawProfileHeader h = parse_raw_profile_header(big, big.size());
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_TRUE(h.big_endian);
  EXPECT_EQ(h.version, 9u);
  EXPECT_TRUE(h.ir_level);
  EXPECT_EQ(h.num_counters, 9u);

  const uint64_t magic32 = (kMagic64 & ~0xff00ULL) | (uint64_t('R') << 8);
  std::string p32 = raw_header(magic32, 8, 11);
  h = parse_raw_profile_header(p32, p32.size());
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_TRUE(h.pointer32);
  EXPECT_FALSE(h.ir_level);  // a front-end (-fprofile-instr-generate) profile
}

TEST(LlvmRawHeader, IndexedMagic) {
  std::string bytes = le64(0x8169666f72706cffULL) + le64(13 | kIR) + std::string(64, '\0');
  RawProfileHeader h = parse_raw_profile_header(bytes, bytes.size());
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_EQ(h.kind, LlvmFileKind::Indexed);
  EXPECT_EQ(h.version, 13u);
  EXPECT_TRUE(h.ir_level);
}

TEST(LlvmRawHeader, BadInputsExplainThemselves) {
  RawProfileHeader h = parse_raw_profile_header("", 0);
  EXPECT_FALSE(h.valid);
  EXPECT_NE(h.error.find("empty file"), std::string::npos) << h.error;

  std::string three = "\x81rf";
  h = parse_raw_profile_header(three, three.size());
  EXPECT_FALSE(h.valid);
  EXPECT_NE(h.error.find("truncated"), std::string::npos) << h.error;

  std::string header_cut = raw_header(kMagic64, 10 | kIR, 16).substr(0, 100);
  h = parse_raw_profile_header(header_cut, header_cut.size());
  EXPECT_FALSE(h.valid);
  EXPECT_NE(h.error.find("header needs 128"), std::string::npos) << h.error;

  std::string text = "# IR level Instrumentation Flag\n:ir\nmain\n";
  h = parse_raw_profile_header(text, text.size());
  EXPECT_FALSE(h.valid);
  EXPECT_NE(h.error.find("not an LLVM profile"), std::string::npos) << h.error;

  std::string zero_version = raw_header(kMagic64, kIR, 16);
  h = parse_raw_profile_header(zero_version, zero_version.size());
  EXPECT_FALSE(h.valid);
  EXPECT_NE(h.error.find("implausible"), std::string::npos) << h.error;
}

TEST(LlvmRawHeader, FilesOnDisk) {
  TempDir dir;
  llvm_test::write_text(dir / "empty.profraw", "");
  EXPECT_NE(read_raw_profile_header(dir / "empty.profraw").error.find("empty file"), std::string::npos);
  EXPECT_NE(read_raw_profile_header(dir / "missing.profraw").error.find("cannot read"), std::string::npos);
  EXPECT_NE(read_raw_profile_header(dir.path()).error.find("directory"), std::string::npos);
}

TEST(LlvmRawHeader, RealClang14ProfileIsVersion8) {
  RawProfileHeader h = read_raw_profile_header(pgo::test_paths::test_data() / "llvm/v8_run_100.profraw");
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_EQ(h.kind, LlvmFileKind::Raw);
  EXPECT_EQ(h.version, 8u);
  EXPECT_TRUE(h.ir_level);
  EXPECT_EQ(h.num_functions, 3u);  // main, work, unused_fn of v8_program.c
  EXPECT_EQ(h.file_size, 368u);
}

TEST(LlvmRawHeader, RealClang22ProfileMatchesLinkedVersion) {
  TempDir dir;
  auto bin = llvm_test::compile(dir.path(), "prog", llvm_test::kProgram, {"-fprofile-generate"});
  llvm_test::train(bin, dir / "run", {"12"});
  RawProfileHeader h = read_raw_profile_header(llvm_test::only_profraw(dir / "run"));
  ASSERT_TRUE(h.valid) << h.error;
  EXPECT_EQ(h.kind, LlvmFileKind::Raw);
  EXPECT_EQ(h.version, 10u);
  EXPECT_EQ(h.version, linked_llvm_raw_version());
  EXPECT_TRUE(h.ir_level);
  EXPECT_FALSE(h.context_sensitive);
  EXPECT_GE(h.num_functions, 3u);
}

TEST(LlvmRawHeader, ReleaseTable) {
  EXPECT_EQ(linked_llvm_raw_version(), 10u);  // LLVM 22 reads raw version 10
  EXPECT_EQ(linked_llvm_major(), 22);
  EXPECT_EQ(llvm_majors_writing(8), (std::vector<int>{17, 16, 15, 14}));
  EXPECT_EQ(llvm_majors_writing(9), (std::vector<int>{18}));
  EXPECT_EQ(raw_version_of_llvm(19), 10u);
  EXPECT_EQ(raw_version_of_llvm(14), 8u);
  EXPECT_EQ(raw_version_of_llvm(18), 9u);
  EXPECT_FALSE(raw_version_of_llvm(12).has_value());
  EXPECT_EQ(describe_llvm_releases(8), "LLVM 14-17");
  EXPECT_EQ(describe_llvm_releases(9), "LLVM 18");
  EXPECT_EQ(describe_llvm_releases(10), "LLVM 19-22");
  EXPECT_EQ(describe_llvm_releases(5), "an unknown LLVM release");
}

}  // namespace
}  // namespace pgo
