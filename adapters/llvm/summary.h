// Reading a merged (indexed) LLVM profile back: its function records, and a summary for
// reports (functions, functions with counts, total count, hottest functions).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/profile_format.h"

namespace pgo {

struct FunctionRecordInfo {
  std::string name;             // PGO name: mangled; "<file>;<name>" for internal linkage
  uint64_t hash = 0;            // structural (CFG) hash; the CS flag bit included as stored
  std::vector<uint64_t> counts; // counter values in the profile's order
  bool context_sensitive = false;

  bool operator==(const FunctionRecordInfo&) const = default;
};

// Every record of an indexed .profdata (a raw .profraw of the linked raw version works too),
// sorted by name then hash. Throws Error(kBuildFailure) naming the file if it is unreadable.
std::vector<FunctionRecordInfo> read_indexed_profile(const std::filesystem::path& path);

// Summary over the non-context-sensitive records; the context-sensitive ones (the hash's
// CS flag, llvm::NamedInstrProfRecord::hasCSFlagInHash) are only counted. A function's count is its entry count
// when the profile records it (front-end profiles, or IR profiles built with entry-first
// instrumentation); otherwise, as for default IR PGO where counter 0 is an arbitrary
// edge, its hottest counter. total_count sums every counter.
ProfileSummary summarize_llvm_profile(const std::filesystem::path& merged);

// "main.c;helper" -> "helper (main.c)"; "_Z3fooi" -> "foo(int)".
std::string display_function_name(std::string_view pgo_name);

}  // namespace pgo
