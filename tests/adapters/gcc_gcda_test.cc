// The .gcda / .gcno readers: real files written by GCC 12 (tests/data/gcc/README.md),
// hand-built records, and hostile bytes that must end in pgo::Error, never a crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "adapters/gcc/gcda.h"
#include "adapters/gcc/gcno.h"
#include "adapters/gcc/gcov_io.h"
#include "support/error.h"
#include "tests/test_paths.h"

namespace pgo {
namespace {
namespace fs = std::filesystem;

const fs::path kData = pgo::test_paths::test_data() / "gcc";

std::string data(const char* name) { return read_binary_file(kData / name); }

// Little-endian word stream for hand-built files.
struct Bytes {
  std::string s;
  Bytes& w(uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  Bytes& c(uint64_t v) { return w(static_cast<uint32_t>(v)).w(static_cast<uint32_t>(v >> 32)); }
  Bytes& fn(uint32_t ident) { return w(kGcdaTagFunction).w(12).w(ident).w(0x11).w(0x22); }
};

Bytes header(uint32_t version = 0x4232322a) { return Bytes().w(gcov_io::kGcdaMagic).w(version).w(7).w(9); }

std::string error_of(std::string_view bytes) {
  try {
    parse_gcda(bytes, "x.gcda");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Parses or throws pgo::Error; anything else (or a crash) fails the test.
void parse_or_error(std::string_view bytes) {
  try {
    parse_gcda(bytes, "fuzz.gcda");
  } catch (const Error&) {
  }
}

TEST(Gcda, ReadsRealFileWithInlinedAndZeroFunctions) {
  GcdaFile f = parse_gcda(data("lib.gcda"), "lib.gcda");
  EXPECT_EQ(f.version_string, "B22*");
  EXPECT_EQ(f.version, 0x4232322au);
  EXPECT_FALSE(f.big_endian);
  EXPECT_TRUE(f.has_summary);
  EXPECT_EQ(f.runs, 1u);
  EXPECT_EQ(f.sum_max, 6u);
  ASSERT_EQ(f.functions.size(), 3u);
  const GcdaFunction* main_fn = f.find(0x067072eb);
  ASSERT_NE(main_fn, nullptr);
  EXPECT_EQ(main_fn->arc_counts, (std::vector<uint64_t>{1, 4, 6}));
  EXPECT_EQ(main_fn->sum, 11u);
  ASSERT_EQ(main_fn->other_counters.size(), 1u);
  EXPECT_EQ(main_fn->other_counters[0].tag, kGcdaTagTimeProfiler);
  const GcdaFunction* work = f.find(0x694ff199);  // its inlined copy in main got the counts
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->arc_counts, (std::vector<uint64_t>{0, 0}));  // negative-length record
  EXPECT_EQ(f.total(), 11u);
}

TEST(Gcda, ReadsValueProfiles) {
  GcdaFile f = parse_gcda(data("values.gcda"), "values.gcda");
  EXPECT_EQ(f.functions.size(), 9u);
  const GcdaFunction* main_fn = f.find(0x067072eb);
  ASSERT_NE(main_fn, nullptr);
  EXPECT_EQ(main_fn->arc_counts, (std::vector<uint64_t>{0, 1, 0, 0, 1, 0, 20, 1, 0, 1}));
  ASSERT_EQ(main_fn->other_counters.size(), 3u);  // topn, indirect call, time profiler
  EXPECT_EQ(main_fn->other_counters[0].tag, 0x01a70000u);
  EXPECT_EQ(main_fn->other_counters[0].values.size(), 16u);
  EXPECT_EQ(main_fn->other_counters[0].values[0], 20u);
  EXPECT_EQ(f.total(), 46u);
}

TEST(Gcda, EveryProperPrefixIsRejected) {
  std::string bytes = data("lib.gcda");
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string msg = error_of(std::string_view(bytes).substr(0, n));
    EXPECT_NE(msg.find("x.gcda: offset"), std::string::npos) << n << ": " << msg;
  }
  EXPECT_EQ(error_of(bytes), "(no error)");
}

TEST(Gcda, ClearMessages) {
  EXPECT_NE(error_of("").find("empty file"), std::string::npos);
  EXPECT_NE(error_of("ab").find("too short"), std::string::npos);
  EXPECT_NE(error_of("hello world, not a profile").find("not a gcda file"), std::string::npos);
  EXPECT_NE(error_of(data("lib.gcno")).find("not a gcda file"), std::string::npos);
  EXPECT_NE(error_of(header(0x4139342a).w(0).s).find("from GCC 9"), std::string::npos);  // "A94*"
  EXPECT_NE(error_of(header(0x01020304).w(0).s).find("unknown version"), std::string::npos);
  EXPECT_NE(error_of(header().w(kGcdaTagArcCounts).w(8).c(1).w(0).s).find("outside a function"),
            std::string::npos);
  EXPECT_NE(error_of(header().fn(1).fn(1).w(0).s).find("duplicate function ident 0x00000001"),
            std::string::npos);
  EXPECT_NE(error_of(header().fn(1).w(kGcdaTagArcCounts).w(12).w(1).w(2).w(3).w(0).s).find("multiple of 8"),
            std::string::npos);
  EXPECT_NE(error_of(header().fn(1).w(kGcdaTagArcCounts).w(800).c(1).w(0).s).find("truncated"),
            std::string::npos);
  EXPECT_NE(error_of(header().w(0).w(0).s).find("after the end marker"), std::string::npos);
  EXPECT_NE(error_of(header().fn(1).s).find("without the end marker"), std::string::npos);
  EXPECT_NE(error_of(header().w(0x12345678).w(static_cast<uint32_t>(-4)).w(0).s).find("negative length"),
            std::string::npos);
}

TEST(Gcda, NegativeLengthMeansZerosWithinABudget) {
  GcdaFile f = parse_gcda(header().fn(5).w(kGcdaTagArcCounts).w(static_cast<uint32_t>(-24)).w(0).s, "z");
  ASSERT_EQ(f.functions.size(), 1u);
  EXPECT_EQ(f.functions[0].arc_counts, (std::vector<uint64_t>{0, 0, 0}));
  // One zero counter over the budget, from 20 bytes of input: refused, not allocated.
  uint32_t huge = static_cast<uint32_t>(-static_cast<int32_t>((kGcdaMaxZeroCounters + 1) * 8));
  EXPECT_NE(error_of(header().fn(5).w(kGcdaTagArcCounts).w(huge).w(0).s).find("implausibly many"),
            std::string::npos);
  EXPECT_NE(error_of(header().fn(5).w(kGcdaTagArcCounts).w(static_cast<uint32_t>(-12)).w(0).s).find("-12"),
            std::string::npos);
}

TEST(Gcda, ReadsTheOtherByteOrder) {
  std::string bytes = data("lib.gcda");
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    std::swap(bytes[i], bytes[i + 3]);
    std::swap(bytes[i + 1], bytes[i + 2]);
  }
  GcdaFile f = parse_gcda(bytes, "be.gcda");
  EXPECT_TRUE(f.big_endian);
  EXPECT_EQ(f.version_string, "B22*");
  ASSERT_NE(f.find(0x067072eb), nullptr);
  EXPECT_EQ(f.find(0x067072eb)->arc_counts, (std::vector<uint64_t>{1, 4, 6}));
}

TEST(Gcda, SurvivesBitFlipsAndRandomBytes) {
  std::string good = data("values.gcda");
  for (size_t i = 0; i < good.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string b = good;
      b[i] = static_cast<char>(b[i] ^ (1 << bit));
      parse_or_error(b);
    }
  std::mt19937 rng(12345);
  std::string prefix = header().s;
  for (int round = 0; round < 20000; ++round) {
    std::string b = round % 2 ? prefix : std::string();
    size_t n = rng() % 96;
    for (size_t i = 0; i < n; ++i) {
      // Mostly small words and record tags, so the parser gets past the header.
      uint32_t pick = rng() % 4;
      uint32_t v = pick == 0 ? kGcdaTagFunction : pick == 1 ? kGcdaTagArcCounts : rng() % 64;
      if (rng() % 8 == 0) v = static_cast<uint32_t>(rng());
      b += Bytes().w(v).s;
    }
    if (rng() % 3 == 0 && !b.empty()) b.resize(rng() % b.size());
    parse_or_error(b);
  }
}

TEST(Gcno, NamesTheFunctionsOfTheMatchingGcda) {
  GcdaFile gcda = parse_gcda(data("lib.gcda"), "lib.gcda");
  GcnoFile notes = parse_gcno(data("lib.gcno"), "lib.gcno");
  EXPECT_EQ(notes.version_string, "B22*");
  EXPECT_EQ(notes.stamp, gcda.stamp);  // same compilation
  EXPECT_FALSE(notes.cwd.empty());
  std::map<uint32_t, std::string> names;
  for (const auto& fn : gcda.functions) {
    const GcnoFunction* n = notes.find(fn);
    ASSERT_NE(n, nullptr) << fn.ident;
    names[fn.ident] = n->name;
    EXPECT_NE(n->source.find("lib.c"), std::string::npos);
  }
  EXPECT_EQ(names[0x067072eb], "main");
  EXPECT_EQ(names[0x694ff199], "work");
  EXPECT_EQ(names[0x5b3a82b1], "unused");
  GcdaFunction other = gcda.functions[0];
  other.cfg_checksum ^= 1;  // changed code: no name
  EXPECT_EQ(notes.find(other), nullptr);
}

TEST(Gcno, PrefixesAndFlipsEndInErrorsOrParse) {
  std::string good = data("lib.gcno");
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      parse_gcno(std::string_view(good).substr(0, n), "p.gcno");
    } catch (const Error&) {
    }
  }
  for (size_t i = 0; i < good.size(); ++i) {
    std::string b = good;
    b[i] = static_cast<char>(~b[i]);
    try {
      parse_gcno(b, "f.gcno");
    } catch (const Error&) {
    }
  }
  EXPECT_THROW(parse_gcno(data("lib.gcda"), "lib.gcda"), Error);
}

TEST(GcovIo, VersionWords) {
  EXPECT_EQ(gcov_io::version_for(12, 2), 0x4232322au);
  EXPECT_EQ(gcov_io::version_string(gcov_io::version_for(13, 1)), "B31*");
  EXPECT_EQ(gcov_io::version_major(0x4232322a), 12);
  EXPECT_EQ(gcov_io::version_minor(0x4232322a), 2);
  EXPECT_EQ(gcov_io::version_major(0x00000000), -1);
  EXPECT_EQ(demangle("_ZN2ns4workEi"), "ns::work(int)");
  EXPECT_EQ(demangle("main"), "main");
  EXPECT_EQ(demangle("_Znot valid"), "_Znot valid");
}

TEST(Gcda, ReadsADirectoryTree) {
  fs::path dir = fs::temp_directory_path() / ("pgo_gcda_dir_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  fs::copy_file(kData / "lib.gcda", dir / "sub" / "b#lib.c.gcda");
  fs::copy_file(kData / "values.gcda", dir / "a#values.cc.gcda");
  fs::copy_file(kData / "lib.gcno", dir / "a#lib.c.gcno");  // not a .gcda: ignored
  std::vector<GcdaFile> files = read_gcda_dir(dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].name, "a#values.cc.gcda");
  EXPECT_EQ(files[1].name, "sub/b#lib.c.gcda");
  EXPECT_EQ(files[1].total(), 11u);
  std::ofstream(dir / "sub" / "c.gcda", std::ios::binary) << "gcda but not really";
  try {
    read_gcda_dir(dir);
    ADD_FAILURE() << "a corrupt file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("c.gcda"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_gcda_dir(dir / "missing"), Error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgo
