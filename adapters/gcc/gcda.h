// Reader of GCC .gcda profile data files (GCC 12 and later; docs/adapters/gcc.md).
//
// A .gcda file holds, per function, an ident and two checksums (no name: names live in
// the .gcno notes file, see gcno.h) followed by that function's counter records. The
// parser never trusts a length: every read is bounds-checked and a malformed file ends
// in a pgo::Error naming the file and the offset, never in undefined behaviour.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pgo {

inline constexpr uint32_t kGcdaTagFunction = 0x01000000;
inline constexpr uint32_t kGcdaTagArcCounts = 0x01a10000;      // edge counters
inline constexpr uint32_t kGcdaTagObjectSummary = 0xa1000000;  // runs, sum_max
inline constexpr uint32_t kGcdaTagTimeProfiler = 0x01af0000;

// Counters other than arcs (value profiles: topn, indirect call, time profiler, ...).
// Their layout depends on the kind, so they are kept as raw 64-bit values.
struct GcdaCounters {
  uint32_t tag = 0;
  std::vector<uint64_t> values;
};

struct GcdaFunction {
  uint32_t ident = 0;
  uint32_t lineno_checksum = 0;
  uint32_t cfg_checksum = 0;
  std::vector<uint64_t> arc_counts;
  uint64_t sum = 0;  // sum of arc_counts (saturating)
  std::vector<GcdaCounters> other_counters;
};

struct GcdaFile {
  std::string name;            // as given to the parser (or relative to the directory read)
  bool big_endian = false;
  uint32_t version = 0;        // e.g. 0x4232322a
  std::string version_string;  // e.g. "B22*" (GCC 12.2)
  uint32_t stamp = 0;          // same value as in the matching .gcno
  uint32_t checksum = 0;
  bool has_summary = false;
  uint32_t runs = 0;           // object summary: number of runs merged in
  uint32_t sum_max = 0;        // object summary: largest arc count of a run
  std::vector<GcdaFunction> functions;

  uint64_t total() const;  // sum of every function's arc counts (saturating)
  const GcdaFunction* find(uint32_t ident) const;
};

// Limits that keep a hostile file from exhausting memory. A record with a negative
// length stands for that many all-zero counters and costs no file bytes, so the zeros
// materialised per file are capped.
inline constexpr uint64_t kGcdaMaxFileBytes = uint64_t{1} << 30;
inline constexpr uint64_t kGcdaMaxZeroCounters = uint64_t{1} << 22;

// Parses one .gcda image. Throws pgo::Error(kCheckFailed) "<name>: offset N: <what>"
// for empty, truncated, corrupt or foreign data.
GcdaFile parse_gcda(std::string_view bytes, std::string_view name_for_errors);

// Reads and parses one file (name = the path as given).
GcdaFile read_gcda(const std::filesystem::path& path);

// Every *.gcda under `dir` (recursive, symlinked directories not followed), sorted by
// relative path; each name is the path relative to `dir`. Throws on the first bad file.
std::vector<GcdaFile> read_gcda_dir(const std::filesystem::path& dir);

// Relative paths of the *.gcda files under `dir`, sorted (no parsing).
std::vector<std::filesystem::path> list_gcda_files(const std::filesystem::path& dir);

// Reads a whole file, refusing files above `max_bytes`; throws pgo::Error.
std::string read_binary_file(const std::filesystem::path& path, uint64_t max_bytes = kGcdaMaxFileBytes);

}  // namespace pgo
