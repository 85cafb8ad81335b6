// Reader of pprof profiles (profile.proto, as written by Go's runtime/pprof and by
// `go tool pprof -proto`): gzip via zlib, then the protobuf wire format by hand.
//
// In process rather than parsing `go tool pprof -raw` text: pgo needs the exact sample
// values, every inlined frame of a location and Function.start_line (Go PGO keys call
// edges by the line offset from it), which the text forms print only in part; and a
// reader of our own can be fuzzed (tests/fuzz/fuzz_pprof.cc). Every length is checked;
// a malformed file ends in pgo::Error(kWorkloadFailure) naming the file and the byte
// offset, never in undefined behaviour.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgo {

// Decompressed profiles larger than this are refused (a gzip bomb, or not a CPU profile).
inline constexpr size_t kPprofMaxBytes = size_t{256} << 20;

struct PprofValueType {
  std::string type;  // "samples", "cpu"
  std::string unit;  // "count", "nanoseconds"
};

struct PprofSample {
  std::vector<uint64_t> location_ids;  // leaf first
  std::vector<int64_t> values;         // one per sample type
};

struct PprofLine {
  uint64_t function_id = 0;  // 0: unknown function
  int64_t line = 0;
};

struct PprofLocation {
  uint64_t id = 0;
  uint64_t address = 0;
  std::vector<PprofLine> lines;  // innermost (inlined) frame first, the caller last
};

struct PprofFunction {
  uint64_t id = 0;
  std::string name;         // "main.(*Shape).Area", "example.com/m/pkg.F"
  std::string system_name;
  std::string filename;
  int64_t start_line = 0;   // line of the func keyword; 0 when the writer did not record it
};

struct PprofProfile {
  std::vector<PprofValueType> sample_types;
  std::vector<PprofSample> samples;
  std::vector<PprofLocation> locations;
  std::vector<PprofFunction> functions;
  PprofValueType period_type;
  int64_t period = 0;
  int64_t time_nanos = 0;
  int64_t duration_nanos = 0;

  const PprofLocation* location(uint64_t id) const;  // nullptr if absent
  const PprofFunction* function(uint64_t id) const;  // nullptr if absent
  // The sample value Go PGO reads: "samples/count", else "cpu/nanoseconds"; -1 if neither.
  int pgo_value_index() const;

  std::unordered_map<uint64_t, size_t> location_index;  // id -> index in locations
  std::unordered_map<uint64_t, size_t> function_index;  // id -> index in functions
};

// Parses a profile from its bytes, gzip-compressed or not. `name` is used in messages.
// Rejects an empty input, truncated or malformed data, string or id references that
// point nowhere, and samples whose value count differs from the sample types.
PprofProfile parse_pprof(std::string_view bytes, const std::string& name);
// Reads and parses a file; a missing or unreadable file is an error naming it.
PprofProfile read_pprof(const std::filesystem::path& file);

// gunzip with a size cap (exposed for tests). Throws pgo::Error naming `name`.
std::string gunzip(std::string_view bytes, const std::string& name, size_t max_bytes = kPprofMaxBytes);

}  // namespace pgo
