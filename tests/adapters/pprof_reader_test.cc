// The pprof reader and its analysis: hand-made profiles with known content, a real profile
// written by Go's runtime/pprof (cross-checked with `go tool pprof -raw`), and bad inputs.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "adapters/pprof/pprof_analysis.h"
#include "adapters/pprof/pprof_reader.h"
#include "support/error.h"
#include "tests/adapters/go_test_support.h"

namespace pgo {
namespace {

using testing_go::ProtoWriter;

// Strings: 0 "", 1 samples, 2 count, 3 cpu, 4 nanoseconds, 5 main.main, 6 main.f, 7 main.g,
// 8 main.h, 9 x.go. Functions 1..4 = main (start 10), f (20), g (30), h (40).
// Location 1: h:42. Location 2: g:33 inlined into f:25. Location 3: main:15.
// Sample A: [1 2 3] x5; sample B: [2 3] x2 (values: count, cpu ns).
std::string handmade(bool packed = true, int64_t b_count = 2) {
  ProtoWriter p;
  auto value_type = [](uint64_t type, uint64_t unit) {
    return ProtoWriter().varint_field(1, type).varint_field(2, unit).str();
  };
  p.bytes_field(1, value_type(1, 2)).bytes_field(1, value_type(3, 4));
  auto sample = [&](std::vector<uint64_t> locs, int64_t count) {
    ProtoWriter s;
    if (packed) {
      s.packed_field(1, locs);
    } else {
      for (uint64_t l : locs) s.varint_field(1, l);
    }
    s.packed_field(2, {static_cast<uint64_t>(count), static_cast<uint64_t>(count * 10000000)});
    return s.str();
  };
  p.bytes_field(2, sample({1, 2, 3}, 5)).bytes_field(2, sample({2, 3}, b_count));
  auto line = [](uint64_t fn, uint64_t l) { return ProtoWriter().varint_field(1, fn).varint_field(2, l).str(); };
  p.bytes_field(4, ProtoWriter().varint_field(1, 1).varint_field(3, 0x100).bytes_field(4, line(4, 42)).str());
  p.bytes_field(4, ProtoWriter().varint_field(1, 2).varint_field(3, 0x200).bytes_field(4, line(3, 33))
                       .bytes_field(4, line(2, 25)).str());
  p.bytes_field(4, ProtoWriter().varint_field(1, 3).varint_field(3, 0x300).bytes_field(4, line(1, 15)).str());
  for (uint64_t id = 1; id <= 4; ++id)
    p.bytes_field(5, ProtoWriter().varint_field(1, id).varint_field(2, 4 + id).varint_field(3, 4 + id)
                         .varint_field(4, 9).varint_field(5, id * 10).str());
  for (const char* s : {"", "samples", "count", "cpu", "nanoseconds", "main.main", "main.f", "main.g", "main.h", "x.go"})
    p.bytes_field(6, s);
  p.bytes_field(11, value_type(3, 4)).varint_field(12, 10000000).varint_field(10, 1000000000);
  return p.str();
}

TEST(PprofReader, ReadsHandmadeProfile) {
  for (bool packed : {true, false}) {
    SCOPED_TRACE(packed ? "packed" : "unpacked");
    PprofProfile p = parse_pprof(handmade(packed), "hand.pprof");
    ASSERT_EQ(p.sample_types.size(), 2u);
    EXPECT_EQ(p.sample_types[0].type, "samples");
    EXPECT_EQ(p.sample_types[1].unit, "nanoseconds");
    EXPECT_EQ(p.pgo_value_index(), 0);
    EXPECT_EQ(p.period, 10000000);
    EXPECT_EQ(p.duration_nanos, 1000000000);
    ASSERT_EQ(p.samples.size(), 2u);
    EXPECT_EQ(p.samples[0].location_ids, (std::vector<uint64_t>{1, 2, 3}));
    EXPECT_EQ(p.samples[1].values, (std::vector<int64_t>{2, 20000000}));
    ASSERT_NE(p.location(2), nullptr);
    ASSERT_EQ(p.location(2)->lines.size(), 2u);
    EXPECT_EQ(p.function(p.location(2)->lines[0].function_id)->name, "main.g");
    EXPECT_EQ(p.function(3)->start_line, 30);
    EXPECT_EQ(p.function(1)->filename, "x.go");
  }
}

TEST(PprofAnalysis, SummaryCountsSelfAndCumulativeSamples) {
  PprofSummary s = summarize_pprof(parse_pprof(handmade(), "hand.pprof"), "hand.pprof");
  EXPECT_EQ(s.samples, 7);
  EXPECT_EQ(s.functions, 4u);
  EXPECT_EQ(s.functions_with_samples, 2u);  // h (leaf of A) and g (innermost frame of B's leaf)
  ASSERT_GE(s.by_flat.size(), 2u);
  EXPECT_EQ(s.by_flat[0].name, "main.h");
  EXPECT_EQ(s.by_flat[0].flat, 5);
  EXPECT_EQ(s.by_flat[1].name, "main.g");
  EXPECT_EQ(s.by_flat[1].flat, 2);
  for (const auto& f : s.by_flat)
    if (f.name == "main.main") EXPECT_EQ(f.cum, 7);
}

TEST(PprofAnalysis, CallEdgesFollowGoPgo) {
  PprofCallEdges e = pprof_call_edges(parse_pprof(handmade(), "hand.pprof"), "hand.pprof");
  EXPECT_TRUE(e.has_start_lines);
  // A: only locations 1 and 0 (main is left out): f:25 -> g (inlined), g:33 -> h.
  // B: main:15 -> f, f:25 -> g.
  ASSERT_EQ(e.edges.size(), 3u);
  EXPECT_EQ(e.edges[0].caller, "main.f");
  EXPECT_EQ(e.edges[0].callee, "main.g");
  EXPECT_EQ(e.edges[0].call_site_offset, 5);
  EXPECT_EQ(e.edges[0].weight, 7);
  EXPECT_EQ(e.edges[1].caller, "main.g");
  EXPECT_EQ(e.edges[1].callee, "main.h");
  EXPECT_EQ(e.edges[1].call_site_offset, 3);
  EXPECT_EQ(e.edges[1].weight, 5);
  EXPECT_EQ(e.edges[2].caller, "main.main");
  EXPECT_EQ(e.edges[2].call_site_offset, 5);
  EXPECT_EQ(e.edges[2].weight, 2);
  EXPECT_EQ(e.total_weight, 14);
}

void expect_error(const std::string& bytes, const std::string& needle) {
  try {
    parse_pprof(bytes, "bad.pprof");
    ADD_FAILURE() << "parsed without error; expected: " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kWorkloadFailure);
    EXPECT_NE(std::string(e.what()).find("bad.pprof"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(PprofReader, RejectsBadInput) {
  expect_error("", "empty");
  expect_error(handmade().substr(0, handmade().size() - 3), "truncated");
  expect_error(std::string("\x1f\x8b\x08\x00garbage", 12), "gzip");
  // A sample naming a location that does not exist.
  expect_error(handmade() + ProtoWriter().bytes_field(2, ProtoWriter().packed_field(1, {99}).packed_field(2, {1, 1}).str()).str(),
               "location 99");
  // A sample with one value for two sample types.
  expect_error(handmade() + ProtoWriter().bytes_field(2, ProtoWriter().packed_field(2, {1}).str()).str(),
               "1 values for 2 sample types");
  // A function name index past the string table.
  expect_error(handmade() + ProtoWriter().bytes_field(5, ProtoWriter().varint_field(1, 9).varint_field(2, 500).str()).str(),
               "string index 500");
  // A location naming an unknown function.
  expect_error(handmade() + ProtoWriter().bytes_field(4, ProtoWriter().varint_field(1, 9).bytes_field(
                                                          4, ProtoWriter().varint_field(1, 77).str()).str()).str(),
               "function 77");
  expect_error(ProtoWriter().varint_field(12, 1).str(), "no string table");
  expect_error(std::string("\x0b", 1), "field 1 is not a message");  // a group where a message belongs
  expect_error(std::string("\x3b", 1), "wire type 3");               // field 7 (skipped), a group
}

TEST(PprofReader, EveryPrefixAndRandomBytesFailCleanly) {
  std::string good = handmade();
  size_t errors = 0;
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      parse_pprof(good.substr(0, n), "cut.pprof");
    } catch (const Error&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, good.size() / 2);  // most cuts land inside a field; the rest are valid prefixes
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 200, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    try {
      PprofProfile p = parse_pprof(bytes, "random.pprof");
      (void)summarize_pprof(p, "random.pprof");
    } catch (const Error&) {
    }
  }
}

TEST(PprofAnalysis, RejectsProfilesWithoutCpuSamples) {
  ProtoWriter p;
  p.bytes_field(1, ProtoWriter().varint_field(1, 1).varint_field(2, 2).str());
  for (const char* s : {"", "alloc_space", "bytes"}) p.bytes_field(6, s);
  PprofProfile heap = parse_pprof(p.str(), "heap.pprof");
  try {
    summarize_pprof(heap, "heap.pprof");
    ADD_FAILURE() << "a heap profile was summarized as a CPU profile";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a CPU profile"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("alloc_space/bytes"), std::string::npos) << e.what();
  }
}

// Sum of the first column of `go tool pprof -raw`'s sample lines.
int64_t raw_sample_total(const std::string& raw) {
  std::istringstream in(raw);
  std::string line;
  bool in_samples = false;
  int64_t total = 0;
  while (std::getline(in, line)) {
    if (line.rfind("samples/count", 0) == 0) {
      in_samples = true;
      continue;
    }
    if (in_samples && line.find(':') == std::string::npos) break;
    if (in_samples) total += std::stoll(line);
  }
  return total;
}

TEST(PprofReader, ReadsRealGoProfileAsGoToolPprofDoes) {
  namespace fs = std::filesystem;
  fs::path dir = testing_go::temp_dir("reader");
  std::string source = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n" + testing_go::burn_function() +
                       "\nfunc main() { fmt.Println(burn(400)) }\n";
  ASSERT_TRUE(testing_go::build_program(dir, source, true));
  ProcessResult r = testing_go::run({(dir / "app").string()}, dir, {{"PGO_GO_CPUPROFILE", (dir / "prof").string()}});
  ASSERT_TRUE(r.ok()) << r.describe();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "prof")) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].extension(), ".pprof");

  PprofProfile p = read_pprof(files[0]);
  PprofSummary s = summarize_pprof(p, files[0].string());
  EXPECT_GT(s.samples, 0);
  bool found = false;
  for (const auto& f : p.functions)
    if (f.name == "main.burn") {
      found = true;
      EXPECT_EQ(f.start_line, 8);  // "func burn" is on line 8 of main.go
    }
  EXPECT_TRUE(found);
  EXPECT_TRUE(pprof_call_edges(p, files[0].string()).has_start_lines);

  ProcessResult raw = testing_go::run({"go", "tool", "pprof", "-raw", files[0].string()}, dir, {}, dir / "raw.txt");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw_sample_total(read_file(dir / "raw.txt")), s.samples);

  // Truncated gzip: the first half of the real file.
  std::string bytes = read_file(files[0]);
  expect_error(bytes.substr(0, bytes.size() / 2), "gzip");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace pgo
