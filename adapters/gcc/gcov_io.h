// Bounds-checked reading of the word stream shared by GCC's .gcda and .gcno files.
//
// Facts of the format this relies on (GCC 12 and later; see docs/adapters/gcc.md):
// every file starts with a magic word ("gcda" / "gcno") written in the producer's byte
// order, then the version word, the stamp and a checksum word. Records are
// (tag, length) followed by `length` BYTES (GCC 11 and older counted 4-byte words).
// Strings are a byte length (including the NUL) followed by that many bytes, unpadded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pgo::gcov_io {

inline constexpr uint32_t kGcdaMagic = 0x67636461;  // "gcda"
inline constexpr uint32_t kGcnoMagic = 0x67636e6f;  // "gcno"
inline constexpr int kOldestMajor = 12;             // first GCC with byte record lengths

// The version word as the four characters GCC builds it from, e.g. "B22*" for 12.2.
std::string version_string(uint32_t version);
// GCC major / minor encoded in the version word; -1 if it is not a GCC version word.
int version_major(uint32_t version);
int version_minor(uint32_t version);
// The version word a GCC of this major.minor writes ("B22*" style, last char '*').
uint32_t version_for(int major, int minor);

class Reader {
 public:
  Reader(std::string_view bytes, std::string_view name, size_t base_offset = 0)
      : bytes_(bytes), name_(name), base_(base_offset) {}

  size_t offset() const { return base_ + pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ == bytes_.size(); }
  void set_big_endian(bool big) { big_endian_ = big; }
  bool big_endian() const { return big_endian_; }

  uint32_t u32(const char* what);
  uint64_t u64(const char* what);  // low word first, as gcov writes counters
  std::string_view take(size_t n, const char* what);
  std::string string(const char* what);  // GCC 12 string; stops at the first NUL
  // A reader over the next `n` bytes (a record body); advances past them.
  Reader sub(size_t n, const char* what);

  // Throws pgo::Error "<name>: offset <off>: <message>".
  [[noreturn]] void fail(const std::string& message) const;
  [[noreturn]] void fail_at(size_t offset, const std::string& message) const;

 private:
  std::string_view bytes_;
  std::string_view name_;
  size_t base_ = 0;  // offset of bytes_[0] in the whole file, for messages
  size_t pos_ = 0;
  bool big_endian_ = false;
};

// Reads the magic and version words, sets the byte order, checks that the format is one
// this reader knows. Returns the version word.
uint32_t read_header(Reader& in, uint32_t magic, const char* kind);

std::string hex32(uint32_t v);  // "0x0badf00d"

}  // namespace pgo::gcov_io
