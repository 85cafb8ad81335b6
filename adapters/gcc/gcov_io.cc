#include "adapters/gcc/gcov_io.h"

#include <cstdio>

#include "support/error.h"

namespace pgo::gcov_io {

namespace {

uint32_t byteswap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

}  // namespace

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string version_string(uint32_t version) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) {
    char c = static_cast<char>((version >> shift) & 0xff);
    s += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return s;
}

int version_major(uint32_t version) {
  int c0 = static_cast<int>(version >> 24), c1 = static_cast<int>((version >> 16) & 0xff);
  if (c0 < 'A' || c0 > 'Z' || c1 < '0' || c1 > '9') return -1;
  return (c0 - 'A') * 10 + (c1 - '0');
}

int version_minor(uint32_t version) {
  int c2 = static_cast<int>((version >> 8) & 0xff);
  if (version_major(version) < 0 || c2 < '0' || c2 > '9') return -1;
  return c2 - '0';
}

uint32_t version_for(int major, int minor) {
  auto ch = [](int c) { return static_cast<uint32_t>(c & 0xff); };
  return ch('A' + major / 10) << 24 | ch('0' + major % 10) << 16 | ch('0' + minor % 10) << 8 | ch('*');
}

void Reader::fail(const std::string& message) const { fail_at(offset(), message); }

void Reader::fail_at(size_t offset, const std::string& message) const {
  throw Error(ExitCode::kCheckFailed,
              std::string(name_) + ": offset " + std::to_string(offset) + ": " + message);
}

std::string_view Reader::take(size_t n, const char* what) {
  if (n > remaining())
    fail("truncated: " + std::string(what) + " needs " + std::to_string(n) + " bytes, " +
         std::to_string(remaining()) + " left");
  std::string_view out = bytes_.substr(pos_, n);
  pos_ += n;
  return out;
}

uint32_t Reader::u32(const char* what) {
  std::string_view b = take(4, what);
  auto byte = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[i])); };
  uint32_t le = byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
  return big_endian_ ? byteswap32(le) : le;
}

uint64_t Reader::u64(const char* what) {
  uint64_t lo = u32(what);
  uint64_t hi = u32(what);
  return lo | hi << 32;
}

std::string Reader::string(const char* what) {
  uint32_t len = u32(what);
  std::string_view b = take(len, what);
  size_t nul = b.find('\0');
  return std::string(nul == std::string_view::npos ? b : b.substr(0, nul));
}

Reader Reader::sub(size_t n, const char* what) {
  size_t start = offset();
  std::string_view body = take(n, what);
  Reader r(body, name_, start);
  r.big_endian_ = big_endian_;
  return r;
}

uint32_t read_header(Reader& in, uint32_t magic, const char* kind) {
  if (in.remaining() == 0) in.fail(std::string("empty file, not a ") + kind + " file");
  if (in.remaining() < 4) in.fail(std::string("too short for a ") + kind + " file");
  uint32_t word = in.u32("magic");
  if (word == byteswap32(magic)) {
    in.set_big_endian(true);  // written on a machine of the other byte order
  } else if (word != magic) {
    in.fail_at(0, std::string("not a ") + kind + " file (magic " + hex32(word) + ", expected " +
                      hex32(magic) + ")");
  }
  uint32_t version = in.u32("version");
  int major = version_major(version);
  if (major < 0)
    in.fail_at(4, "unknown version word " + hex32(version) + " (\"" + version_string(version) + "\")");
  if (major < kOldestMajor)
    in.fail_at(4, std::string(kind) + " version \"" + version_string(version) + "\" is from GCC " +
                      std::to_string(major) + "; only the GCC " + std::to_string(kOldestMajor) +
                      "+ format (record lengths in bytes) is supported");
  return version;
}

}  // namespace pgo::gcov_io
