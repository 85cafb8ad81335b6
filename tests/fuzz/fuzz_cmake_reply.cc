// Fuzz target: CMake File API reply parsing (adapters/cmake/file_api.h).
//
// The parsers read a reply directory, so one input describes a whole directory:
//
//   @@ index-1.json
//   {"reply": {"client-pgo": {"codemodel-v2": {"jsonFile": "codemodel.json"}, ...}}}
//   @@ codemodel.json
//   {...}
//
// Each line "@@ <name>" starts a file that runs to the next such line. Names are limited
// to [A-Za-z0-9._-] (at most 64 characters, 16 files) so that every file lands in this
// process's scratch directory; text before the first "@@ " line is ignored. The seeds in
// corpus/cmake_reply are real replies in this form, so mutations reach the field handling
// of every reply object (index, codemodel, targets, toolchains, cache).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "adapters/cmake/file_api.h"
#include "tests/fuzz/fuzz_support.h"

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHeader = "@@ ";
constexpr size_t kMaxFiles = 16;
constexpr size_t kMaxName = 64;

// A scratch directory per process (libFuzzer -jobs/-fork run several), removed at exit;
// in $TMPDIR if set, else in memory (/dev/shm) when possible: every input rewrites it.
const fs::path& scratch() {
  static const fs::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp && *tmp ? tmp : access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string templ = base + "/pgo-fuzz-reply-XXXXXX";
    if (!mkdtemp(templ.data())) std::abort();
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch(), ec);
    });
    return fs::path(templ);
  }();
  return dir;
}

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxName && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
         });
}

void write_file(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) std::abort();
}

// Empties the scratch directory and writes the files the input describes into it.
void materialize(std::string_view input) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(scratch())) fs::remove_all(e.path(), ec);
  size_t files = 0;
  size_t pos = input.starts_with(kHeader) ? 0 : input.find("\n@@ ");
  if (pos != 0 && pos != std::string_view::npos) ++pos;  // skip the newline
  while (pos != std::string_view::npos && files < kMaxFiles) {
    size_t name_start = pos + kHeader.size();
    size_t name_end = input.find('\n', name_start);
    std::string_view name = input.substr(name_start, name_end == std::string_view::npos
                                                         ? std::string_view::npos
                                                         : name_end - name_start);
    size_t body_start = name_end == std::string_view::npos ? input.size() : name_end + 1;
    size_t next = input.find("\n@@ ", name_end == std::string_view::npos ? input.size() : name_end);
    size_t body_end = next == std::string_view::npos ? input.size() : next + 1;
    if (valid_name(name)) {
      write_file(scratch() / std::string(name), input.substr(body_start, body_end - body_start));
      ++files;
    }
    pos = next == std::string_view::npos ? next : next + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  materialize(std::string_view(reinterpret_cast<const char*>(data), size));
  const fs::path& dir = scratch();
  pgo::fuzz::expect_only_pgo_errors("read_reply", [&] {
    pgo::cmake::FileApiReply reply = pgo::cmake::read_reply(dir);
    for (const pgo::cmake::CodemodelTarget& t : reply.codemodel.targets)
      if (t.type == "EXECUTABLE" && t.artifacts.empty()) std::abort();  // promised by parse_target
    std::vector<std::string> names = reply.codemodel.executable_names();
    if (!std::is_sorted(names.begin(), names.end())) std::abort();
    for (const std::string& n : names)
      if (reply.codemodel.find(n) == nullptr) std::abort();
    (void)reply.toolchain("CXX");
  });
  // A named configuration takes the other path through the configuration choice.
  pgo::fuzz::expect_only_pgo_errors("parse_codemodel(Debug)", [&] {
    (void)pgo::cmake::parse_codemodel(dir, "Debug");
  });
  return 0;
}
