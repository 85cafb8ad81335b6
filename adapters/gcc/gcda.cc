#include "adapters/gcc/gcda.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include "adapters/gcc/gcov_io.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;
using gcov_io::hex32;

namespace {

uint64_t add_saturating(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max() : a + b;
}

// Counter tags are 0x01a10000 + (kind << 17): arcs, interval, pow2, topn, indirect call,
// average, ior, time profiler.
bool is_counter_tag(uint32_t tag) {
  uint32_t kind = (tag >> 16) & 0xff;
  return (tag & 0xff00ffffu) == 0x01000000u && kind >= 0xa1 && (kind & 1) != 0;
}

// Reads a counter record body; a negative length means that many bytes of zeros.
std::vector<uint64_t> read_counters(gcov_io::Reader& in, uint32_t tag, int32_t length, uint64_t& zero_budget) {
  std::vector<uint64_t> values;
  if (length < 0) {
    uint64_t bytes = static_cast<uint64_t>(-static_cast<int64_t>(length));
    if (bytes % 8 != 0)
      in.fail("counter record " + hex32(tag) + " has a length of -" + std::to_string(bytes) +
              " bytes, not a multiple of 8");
    uint64_t n = bytes / 8;
    if (n > zero_budget)
      in.fail("implausibly many all-zero counters (" + std::to_string(n) + " more) in record " + hex32(tag));
    zero_budget -= n;
    values.assign(n, 0);
    return values;
  }
  if (length % 8 != 0)
    in.fail("counter record " + hex32(tag) + " has a length of " + std::to_string(length) +
            " bytes, not a multiple of 8");
  gcov_io::Reader body = in.sub(static_cast<size_t>(length), "counter record");
  values.reserve(static_cast<size_t>(length) / 8);
  while (!body.at_end()) values.push_back(body.u64("counter"));
  return values;
}

}  // namespace

uint64_t GcdaFile::total() const {
  uint64_t t = 0;
  for (const auto& f : functions) t = add_saturating(t, f.sum);
  return t;
}

const GcdaFunction* GcdaFile::find(uint32_t ident) const {
  for (const auto& f : functions)
    if (f.ident == ident) return &f;
  return nullptr;
}

GcdaFile parse_gcda(std::string_view bytes, std::string_view name_for_errors) {
  gcov_io::Reader in(bytes, name_for_errors);
  GcdaFile file;
  file.name = std::string(name_for_errors);
  file.version = gcov_io::read_header(in, gcov_io::kGcdaMagic, "gcda");
  file.big_endian = in.big_endian();
  file.version_string = gcov_io::version_string(file.version);
  file.stamp = in.u32("stamp");
  file.checksum = in.u32("checksum");

  uint64_t zero_budget = kGcdaMaxZeroCounters;
  std::set<uint32_t> idents;
  GcdaFunction* current = nullptr;
  bool current_has_arcs = false;
  bool ended = false;
  while (!in.at_end()) {
    size_t record_offset = in.offset();
    uint32_t tag = in.u32("record tag");
    if (tag == 0) {  // end marker
      if (!in.at_end()) in.fail_at(record_offset, "unexpected data after the end marker");
      ended = true;
      break;
    }
    int32_t length = static_cast<int32_t>(in.u32("record length"));
    if (tag == kGcdaTagFunction) {
      if (length < 0) in.fail_at(record_offset, "function record with negative length");
      gcov_io::Reader body = in.sub(static_cast<size_t>(length), "function record");
      if (length == 0) {  // placeholder for a function that was not emitted
        current = nullptr;
        continue;
      }
      GcdaFunction fn;
      fn.ident = body.u32("function ident");
      fn.lineno_checksum = body.u32("lineno checksum");
      fn.cfg_checksum = body.u32("cfg checksum");
      if (!idents.insert(fn.ident).second)
        in.fail_at(record_offset, "duplicate function ident " + hex32(fn.ident));
      file.functions.push_back(std::move(fn));
      current = &file.functions.back();
      current_has_arcs = false;
    } else if (is_counter_tag(tag)) {
      if (!current) in.fail_at(record_offset, "counter record " + hex32(tag) + " outside a function");
      std::vector<uint64_t> values = read_counters(in, tag, length, zero_budget);
      if (tag == kGcdaTagArcCounts) {
        if (current_has_arcs)
          in.fail_at(record_offset, "second arc counter record for function " + hex32(current->ident));
        current_has_arcs = true;
        for (uint64_t v : values) current->sum = add_saturating(current->sum, v);
        current->arc_counts = std::move(values);
      } else {
        current->other_counters.push_back({tag, std::move(values)});
      }
    } else if (tag == kGcdaTagObjectSummary) {
      if (length < 8) in.fail_at(record_offset, "object summary shorter than 8 bytes");
      gcov_io::Reader body = in.sub(static_cast<size_t>(length), "object summary");
      file.has_summary = true;
      file.runs = body.u32("runs");
      file.sum_max = body.u32("sum_max");
    } else {
      // A record this reader does not interpret: skip it, still bounds-checked.
      if (length < 0) in.fail_at(record_offset, "record " + hex32(tag) + " with negative length");
      in.take(static_cast<size_t>(length), "record body");
    }
  }
  // libgcov and gcov-tool always finish with a zero word: without it the file was cut short.
  if (!ended) in.fail("truncated: the file ends without the end marker");
  return file;
}

std::string read_binary_file(const fs::path& path, uint64_t max_bytes) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) throw Error(ExitCode::kCheckFailed, "cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes)
    throw Error(ExitCode::kCheckFailed, path.string() + ": " + std::to_string(size) +
                                            " bytes is too large for a profile file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::kCheckFailed, "cannot open " + path.string() + ": " + std::strerror(errno));
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size)
    throw Error(ExitCode::kCheckFailed, "short read of " + path.string() + " (file changed while reading?)");
  return data;
}

GcdaFile read_gcda(const fs::path& path) { return parse_gcda(read_binary_file(path), path.string()); }

std::vector<fs::path> list_gcda_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(ExitCode::kCheckFailed, dir.string() + ": not a directory");
  std::vector<fs::path> out;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) throw Error(ExitCode::kCheckFailed, "cannot list " + dir.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ExitCode::kCheckFailed, "cannot list " + dir.string() + ": " + ec.message());
    if (it->path().extension() == ".gcda" && it->is_regular_file(ec))
      out.push_back(fs::relative(it->path(), dir));
  }
  if (ec) throw Error(ExitCode::kCheckFailed, "cannot list " + dir.string() + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<GcdaFile> read_gcda_dir(const fs::path& dir) {
  std::vector<GcdaFile> files;
  for (const auto& rel : list_gcda_files(dir)) {
    GcdaFile f = parse_gcda(read_binary_file(dir / rel), (dir / rel).string());
    f.name = rel.string();
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace pgo
