#include "adapters/llvm/raw_header.h"

#include <llvm/Config/llvm-config.h>
#include <llvm/ProfileData/InstrProf.h>

#include <cstring>
#include <fstream>
#include <system_error>

namespace pgo {
namespace {

// Magic words as LLVM defines them (InstrProfData.inc); files hold them in the writer's
// byte order, so a byte-swapped match means a big-endian writer.
constexpr uint64_t kRawMagic64 = INSTR_PROF_RAW_MAGIC_64;
constexpr uint64_t kRawMagic32 = INSTR_PROF_RAW_MAGIC_32;
constexpr uint64_t kIndexedMagic = llvm::IndexedInstrProf::Magic;
static_assert(kRawMagic64 == 0xff6c70726f667281ULL, "raw magic changed");

uint64_t load_le64(std::string_view bytes, size_t offset) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
  return v;
}

uint64_t load64(std::string_view bytes, size_t offset, bool big_endian) {
  uint64_t v = load_le64(bytes, offset);
  return big_endian ? __builtin_bswap64(v) : v;
}

// Size of the raw header of a given version: one 64-bit word per field.
size_t raw_header_words(uint64_t version) {
  if (version >= 10) return 16;  // + NumVTables, VNamesSize
  if (version == 9) return 14;   // + NumBitmapBytes, PaddingBytesAfterBitmapBytes, BitmapDelta
  if (version == 8) return 11;
  return 2;                      // older layouts: only magic and version are decoded
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

void decode_flags(RawProfileHeader& h, uint64_t word) {
  h.version = word & ~VARIANT_MASKS_ALL;
  h.variant_flags = word & VARIANT_MASKS_ALL;
  h.ir_level = word & VARIANT_MASK_IR_PROF;
  h.context_sensitive = word & VARIANT_MASK_CSIR_PROF;
  h.entry_first = word & VARIANT_MASK_INSTR_ENTRY;
  h.loop_entries = word & VARIANT_MASK_INSTR_LOOP_ENTRIES;
  h.debug_info_correlate = word & VARIANT_MASK_DBG_CORRELATE;
  h.single_byte_coverage = word & VARIANT_MASK_BYTE_COVERAGE;
  h.function_entry_only = word & VARIANT_MASK_FUNCTION_ENTRY_ONLY;
  h.memory_profile = word & VARIANT_MASK_MEMPROF;
  h.temporal_profile = word & VARIANT_MASK_TEMPORAL_PROF;
}

}  // namespace

const char* to_string(LlvmFileKind kind) {
  switch (kind) {
    case LlvmFileKind::Raw: return "raw";
    case LlvmFileKind::Indexed: return "indexed";
    case LlvmFileKind::Unknown: break;
  }
  return "unknown";
}

RawProfileHeader parse_raw_profile_header(std::string_view bytes, uint64_t file_size) {
  RawProfileHeader h;
  h.file_size = file_size;
  if (file_size == 0) {
    h.error = "empty file (0 bytes): the training run did not finish writing its profile "
              "(crashed, killed, _exit, or interrupted)";
    return h;
  }
  if (bytes.size() < 8) {
    h.error = "truncated: " + std::to_string(file_size) + " bytes, shorter than a profile's magic";
    return h;
  }
  const uint64_t magic = load_le64(bytes, 0);
  if (magic == kRawMagic64 || magic == __builtin_bswap64(kRawMagic64)) {
    h.kind = LlvmFileKind::Raw;
    h.big_endian = magic != kRawMagic64;
  } else if (magic == kRawMagic32 || magic == __builtin_bswap64(kRawMagic32)) {
    h.kind = LlvmFileKind::Raw;
    h.big_endian = magic != kRawMagic32;
    h.pointer32 = true;
  } else if (magic == kIndexedMagic) {
    h.kind = LlvmFileKind::Indexed;  // indexed profiles are always little-endian
  } else {
    h.error = "not an LLVM profile: magic " + hex(magic) + " is neither raw (" + hex(kRawMagic64) +
              ") nor indexed (" + hex(kIndexedMagic) + ")";
    return h;
  }
  if (bytes.size() < 16) {
    h.error = "truncated: " + std::to_string(file_size) + " bytes, the header has no version";
    return h;
  }
  decode_flags(h, load64(bytes, 8, h.big_endian));
  if (h.version == 0 || h.version > 1000) {
    h.error = "implausible " + std::string(to_string(h.kind)) + " profile version " +
              std::to_string(h.version) + " (corrupt header)";
    return h;
  }
  if (h.kind == LlvmFileKind::Raw) {
    const size_t need = raw_header_words(h.version) * 8;
    if (file_size < need || bytes.size() < need) {
      h.error = "truncated: " + std::to_string(file_size) + " bytes, a raw version " +
                std::to_string(h.version) + " header needs " + std::to_string(need);
      return h;
    }
    if (h.version >= 8 && h.version <= 10) {  // NumData and NumCounters sit at words 3 and 5
      h.num_functions = load64(bytes, 3 * 8, h.big_endian);
      h.num_counters = load64(bytes, 5 * 8, h.big_endian);
    }
    if (h.version == 10 && linked_llvm_raw_version() == 10 && !h.pointer32) {
      // The sections the header announces must fit in the file; LLVM's reader would only
      // say "file header is corrupt" for a profile cut short.
      auto word = [&](int i) { return load64(bytes, i * 8, h.big_endian); };
      long double need = 128.0L + word(2) + word(4) + word(6) + word(7) + word(8) + word(9) + word(14) +
                         static_cast<long double>(word(3)) * sizeof(llvm::RawInstrProf::ProfileData<uint64_t>) +
                         static_cast<long double>(word(5)) * (h.single_byte_coverage ? 1 : 8) +
                         static_cast<long double>(word(13)) * sizeof(llvm::RawInstrProf::VTableProfileData<uint64_t>);
      if (need > static_cast<long double>(file_size)) {
        h.error = "truncated or corrupt: " + std::to_string(file_size) + " bytes, but its header announces " +
                  (need < 1e18L ? "at least " + std::to_string(static_cast<uint64_t>(need)) : std::string("more")) +
                  " (was the training run killed while writing it?)";
        return h;
      }
    }
  }
  h.valid = true;
  return h;
}

RawProfileHeader read_raw_profile_header(const std::filesystem::path& path) {
  RawProfileHeader h;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    h.error = "is a directory, not a profile file";
    return h;
  }
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    h.error = "cannot read: " + ec.message();
    return h;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    h.error = "cannot open: " + std::string(std::strerror(errno));
    return h;
  }
  std::string buf(256, '\0');
  in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.resize(static_cast<size_t>(in.gcount()));
  return parse_raw_profile_header(buf, size);
}

uint64_t linked_llvm_raw_version() { return llvm::RawInstrProf::Version; }
std::string linked_llvm_version() { return LLVM_VERSION_STRING; }
int linked_llvm_major() { return LLVM_VERSION_MAJOR; }

std::vector<int> llvm_majors_writing(uint64_t raw_version) {
  // From the RawInstrProf version history and the releases that shipped each one.
  // The linked release's own version is always known, even if newer than this table.
  std::vector<int> majors;
  if (raw_version == 10) majors = {22, 21, 20, 19};
  if (raw_version == 9) majors = {18};
  if (raw_version == 8) majors = {17, 16, 15, 14};
  if (raw_version == linked_llvm_raw_version() && linked_llvm_major() > 22)
    majors.insert(majors.begin(), linked_llvm_major());
  return majors;
}

std::optional<uint64_t> raw_version_of_llvm(int llvm_major) {
  for (uint64_t v : {10, 9, 8})
    for (int m : llvm_majors_writing(v))
      if (m == llvm_major) return v;
  return std::nullopt;
}

std::string describe_llvm_releases(uint64_t raw_version) {
  const std::vector<int> m = llvm_majors_writing(raw_version);
  if (m.empty()) return "an unknown LLVM release";
  if (m.size() == 1) return "LLVM " + std::to_string(m.front());
  return "LLVM " + std::to_string(m.back()) + "-" + std::to_string(m.front());
}

}  // namespace pgo
