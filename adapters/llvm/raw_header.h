// The header of an LLVM instrumentation profile: which kind of file it is (raw .profraw
// or indexed .profdata), its format version and variant flags, and which LLVM releases
// write that raw version. A raw profile is readable only by a reader of the same raw
// version, so this decides between the in-process merge and an external llvm-profdata.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgo {

enum class LlvmFileKind { Unknown, Raw, Indexed };
const char* to_string(LlvmFileKind kind);  // "unknown", "raw", "indexed"

struct RawProfileHeader {
  bool valid = false;         // a well-formed raw or indexed header
  LlvmFileKind kind = LlvmFileKind::Unknown;
  uint64_t version = 0;       // low 32 bits of the version word (raw or indexed version)
  uint64_t variant_flags = 0; // high 32 bits, as written
  // Variant flags (raw and indexed profiles share them).
  bool ir_level = false;              // IR PGO (-fprofile-generate), not front-end (-fprofile-instr-generate)
  bool context_sensitive = false;     // CS IR PGO (-fcs-profile-generate)
  bool entry_first = false;           // function entry block always instrumented
  bool loop_entries = false;          // loop entry blocks always instrumented
  bool debug_info_correlate = false;  // names/data live in the binary's debug info, not the file
  bool single_byte_coverage = false;
  bool function_entry_only = false;
  bool memory_profile = false;
  bool temporal_profile = false;
  // Layout (raw profiles only).
  bool big_endian = false;   // written by a big-endian target
  bool pointer32 = false;    // written by a 32-bit target
  uint64_t num_functions = 0;  // per-function data records (raw versions 8-10)
  uint64_t num_counters = 0;
  uint64_t file_size = 0;
  std::string error;         // why the file is not a usable profile, when !valid
};

// Reads and checks the first bytes of `path`. Never throws; problems land in `error`.
RawProfileHeader read_raw_profile_header(const std::filesystem::path& path);
// Same on bytes already in memory; `file_size` is the whole file's size.
RawProfileHeader parse_raw_profile_header(std::string_view bytes, uint64_t file_size);

// The raw version that the linked LLVM ProfileData reads and writes (llvm::RawInstrProf::Version).
uint64_t linked_llvm_raw_version();
// The linked LLVM release, e.g. "22.1.8".
std::string linked_llvm_version();
int linked_llvm_major();

// LLVM major releases known to write raw version `version` (10 -> 19..22, 9 -> 18,
// 8 -> 14..17); empty if unknown. Newest first.
std::vector<int> llvm_majors_writing(uint64_t raw_version);
// The raw version an LLVM major release writes; nullopt if unknown.
std::optional<uint64_t> raw_version_of_llvm(int llvm_major);
// "LLVM 14-17", "LLVM 18", or "an unknown LLVM release".
std::string describe_llvm_releases(uint64_t raw_version);

}  // namespace pgo
