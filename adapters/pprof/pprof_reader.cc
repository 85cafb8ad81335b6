#include "adapters/pprof/pprof_reader.h"

#include <zlib.h>

#include <fstream>
#include <limits>

#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& name, size_t offset, const std::string& message) {
  throw WorkloadError(name + ": byte " + std::to_string(offset) + ": not a valid pprof profile: " + message);
}

// One protobuf message: fields are read in order; every read is bounds-checked.
class Wire {
 public:
  Wire(std::string_view bytes, const std::string& name, size_t base) : bytes_(bytes), name_(name), base_(base) {}

  bool done() const { return pos_ >= bytes_.size(); }
  size_t offset() const { return base_ + pos_; }
  [[noreturn]] void fail_here(const std::string& message) const { fail(name_, offset(), message); }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) fail_here("truncated varint");
      uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
      if (shift == 63 && b > 1) fail_here("varint longer than 64 bits");
      value |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return value;
    }
    fail_here("varint longer than 10 bytes");
  }

  // Reads a field key; false at the end of the message.
  bool next(uint32_t& field, uint32_t& wire_type) {
    if (done()) return false;
    uint64_t key = varint();
    field = static_cast<uint32_t>(key >> 3);
    wire_type = static_cast<uint32_t>(key & 7);
    if (field == 0 || key >> 3 > std::numeric_limits<uint32_t>::max()) fail_here("invalid field number");
    return true;
  }

  // A length-delimited payload, as a sub-message reader.
  Wire bytes() {
    uint64_t n = varint();
    if (n > bytes_.size() - pos_)
      fail_here("truncated: a field of " + std::to_string(n) + " bytes, " + std::to_string(bytes_.size() - pos_) +
                " left");
    Wire sub(bytes_.substr(pos_, n), name_, base_ + pos_);
    pos_ += n;
    return sub;
  }
  std::string_view rest() const { return bytes_.substr(pos_); }

  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case 0: varint(); return;
      case 1: take(8); return;
      case 2: bytes(); return;
      case 5: take(4); return;
      default: fail_here("unsupported wire type " + std::to_string(wire_type));
    }
  }

  uint64_t scalar(uint32_t wire_type) {
    if (wire_type == 0) return varint();
    if (wire_type == 1) return load(take(8), 8);
    if (wire_type == 5) return load(take(4), 4);
    fail_here("expected a number, got wire type " + std::to_string(wire_type));
  }

  // A repeated integer field, packed (wire type 2) or one element per key.
  void repeated(uint32_t wire_type, std::vector<uint64_t>& out) {
    if (wire_type != 2) {
      out.push_back(scalar(wire_type));
      return;
    }
    Wire packed = bytes();
    while (!packed.done()) out.push_back(packed.varint());
  }

 private:
  std::string_view take(size_t n) {
    if (n > bytes_.size() - pos_) fail_here("truncated fixed-width field");
    std::string_view out = bytes_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  static uint64_t load(std::string_view b, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(b[i])} << (8 * i);
    return v;
  }

  std::string_view bytes_;
  const std::string& name_;
  size_t base_;
  size_t pos_ = 0;
};

// String fields hold indexes into the string table, which may come last: they are
// resolved once the whole message is read.
struct TypeRefs {
  uint64_t type = 0, unit = 0;
  size_t offset = 0;
};

struct Parser {
  const std::string& name;
  PprofProfile profile;
  std::vector<std::string> strings;

  static TypeRefs value_type(Wire w) {
    TypeRefs r;
    r.offset = w.offset();
    uint32_t f, wt;
    while (w.next(f, wt)) {
      if (f == 1) r.type = w.scalar(wt);
      else if (f == 2) r.unit = w.scalar(wt);
      else w.skip(wt);
    }
    return r;
  }

  void sample(Wire w) {
    PprofSample s;
    std::vector<uint64_t> values;
    uint32_t f, wt;
    while (w.next(f, wt)) {
      if (f == 1) w.repeated(wt, s.location_ids);
      else if (f == 2) w.repeated(wt, values);
      else w.skip(wt);
    }
    s.values.assign(values.begin(), values.end());  // int64 as two's complement, as protobuf does
    profile.samples.push_back(std::move(s));
  }

  void location(Wire w) {
    PprofLocation loc;
    uint32_t f, wt;
    while (w.next(f, wt)) {
      if (f == 1) loc.id = w.scalar(wt);
      else if (f == 3) loc.address = w.scalar(wt);
      else if (f == 4 && wt == 2) {
        Wire lw = w.bytes();
        PprofLine line;
        uint32_t lf, lwt;
        while (lw.next(lf, lwt)) {
          if (lf == 1) line.function_id = lw.scalar(lwt);
          else if (lf == 2) line.line = static_cast<int64_t>(lw.scalar(lwt));
          else lw.skip(lwt);
        }
        loc.lines.push_back(line);
      } else if (f == 4) {
        w.fail_here("Location.line is not a message");
      } else {
        w.skip(wt);
      }
    }
    profile.locations.push_back(std::move(loc));
  }

  struct FunctionRefs {
    uint64_t name = 0, system_name = 0, filename = 0;
    size_t offset = 0;
  };
  std::vector<FunctionRefs> function_refs;

  void function(Wire w) {
    PprofFunction fn;
    FunctionRefs r;
    r.offset = w.offset();
    uint32_t f, wt;
    while (w.next(f, wt)) {
      if (f == 1) fn.id = w.scalar(wt);
      else if (f == 2) r.name = w.scalar(wt);
      else if (f == 3) r.system_name = w.scalar(wt);
      else if (f == 4) r.filename = w.scalar(wt);
      else if (f == 5) fn.start_line = static_cast<int64_t>(w.scalar(wt));
      else w.skip(wt);
    }
    profile.functions.push_back(std::move(fn));
    function_refs.push_back(r);
  }

  const std::string& lookup(uint64_t index, size_t offset) {
    if (index >= strings.size())
      fail(name, offset, "string index " + std::to_string(index) + " outside the string table of " +
                             std::to_string(strings.size()));
    return strings[index];
  }

  void message(Wire w) {
    uint32_t f, wt;
    std::vector<TypeRefs> type_refs;
    TypeRefs period_refs;
    while (w.next(f, wt)) {
      auto sub = [&] {
        if (wt != 2) w.fail_here("field " + std::to_string(f) + " is not a message");
        return w.bytes();
      };
      switch (f) {
        case 1: type_refs.push_back(value_type(sub())); break;
        case 2: sample(sub()); break;
        case 4: location(sub()); break;
        case 5: function(sub()); break;
        case 6: {
          if (wt != 2) w.fail_here("string_table entry is not a string");
          Wire s = w.bytes();
          strings.emplace_back(s.rest());
          break;
        }
        case 9: profile.time_nanos = static_cast<int64_t>(w.scalar(wt)); break;
        case 10: profile.duration_nanos = static_cast<int64_t>(w.scalar(wt)); break;
        case 11: period_refs = value_type(sub()); break;
        case 12: profile.period = static_cast<int64_t>(w.scalar(wt)); break;
        default: w.skip(wt);
      }
    }
    if (strings.empty() || !strings[0].empty())
      fail(name, 0, strings.empty() ? "no string table" : "string table entry 0 is not empty");
    auto resolve_type = [&](const TypeRefs& r) {
      return PprofValueType{lookup(r.type, r.offset), lookup(r.unit, r.offset)};
    };
    for (const auto& rs : type_refs) profile.sample_types.push_back(resolve_type(rs));
    profile.period_type = resolve_type(period_refs);
    for (size_t i = 0; i < profile.functions.size(); ++i) {
      const FunctionRefs& r = function_refs[i];
      profile.functions[i].name = lookup(r.name, r.offset);
      profile.functions[i].system_name = lookup(r.system_name, r.offset);
      profile.functions[i].filename = lookup(r.filename, r.offset);
    }
  }

  void check() {
    PprofProfile& p = profile;
    for (size_t i = 0; i < p.functions.size(); ++i) {
      if (p.functions[i].id == 0) fail(name, 0, "function " + std::to_string(i) + " has id 0");
      if (!p.function_index.emplace(p.functions[i].id, i).second)
        fail(name, 0, "duplicate function id " + std::to_string(p.functions[i].id));
    }
    for (size_t i = 0; i < p.locations.size(); ++i) {
      if (p.locations[i].id == 0) fail(name, 0, "location " + std::to_string(i) + " has id 0");
      if (!p.location_index.emplace(p.locations[i].id, i).second)
        fail(name, 0, "duplicate location id " + std::to_string(p.locations[i].id));
      for (const PprofLine& l : p.locations[i].lines)
        if (l.function_id != 0 && !p.function_index.count(l.function_id))
          fail(name, 0, "location " + std::to_string(p.locations[i].id) + " names function " +
                            std::to_string(l.function_id) + ", which is not in the profile");
    }
    for (size_t i = 0; i < p.samples.size(); ++i) {
      const PprofSample& s = p.samples[i];
      if (s.values.size() != p.sample_types.size())
        fail(name, 0, "sample " + std::to_string(i) + " has " + std::to_string(s.values.size()) + " values for " +
                          std::to_string(p.sample_types.size()) + " sample types");
      for (uint64_t id : s.location_ids)
        if (!p.location_index.count(id))
          fail(name, 0, "sample " + std::to_string(i) + " names location " + std::to_string(id) +
                            ", which is not in the profile");
    }
  }
};

}  // namespace

const PprofLocation* PprofProfile::location(uint64_t id) const {
  auto it = location_index.find(id);
  return it == location_index.end() ? nullptr : &locations[it->second];
}

const PprofFunction* PprofProfile::function(uint64_t id) const {
  auto it = function_index.find(id);
  return it == function_index.end() ? nullptr : &functions[it->second];
}

int PprofProfile::pgo_value_index() const {
  for (size_t i = 0; i < sample_types.size(); ++i)
    if ((sample_types[i].type == "samples" && sample_types[i].unit == "count") ||
        (sample_types[i].type == "cpu" && sample_types[i].unit == "nanoseconds"))
      return static_cast<int>(i);
  return -1;
}

std::string gunzip(std::string_view bytes, const std::string& name, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw WorkloadError(name + ": cannot start zlib");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());  // profiles are far below 4 GiB; checked by the caller
  int rc = Z_OK;
  char buffer[1 << 16];
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string why = rc == Z_BUF_ERROR ? "truncated gzip data" : (z.msg ? z.msg : "corrupt gzip data");
      size_t at = bytes.size() - z.avail_in;
      inflateEnd(&z);
      fail(name, at, why);
    }
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      fail(name, bytes.size() - z.avail_in, "decompresses to more than " + std::to_string(max_bytes >> 20) + " MiB");
    }
  }
  inflateEnd(&z);
  return out;
}

PprofProfile parse_pprof(std::string_view bytes, const std::string& name) {
  if (bytes.empty()) fail(name, 0, "the file is empty");
  if (bytes.size() > std::numeric_limits<uInt>::max()) fail(name, 0, "larger than 4 GiB");
  std::string inflated;
  if (bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1f && static_cast<uint8_t>(bytes[1]) == 0x8b) {
    inflated = gunzip(bytes, name);
    bytes = inflated;
    if (bytes.empty()) fail(name, 0, "the gzip data is empty");
  }
  Parser parser{name, {}, {}, {}};
  parser.message(Wire(bytes, name, 0));
  parser.check();
  return std::move(parser.profile);
}

PprofProfile read_pprof(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw WorkloadError(file.string() + ": cannot read the profile (missing or unreadable)");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw WorkloadError(file.string() + ": read error");
  return parse_pprof(bytes, file.string());
}

}  // namespace pgo
