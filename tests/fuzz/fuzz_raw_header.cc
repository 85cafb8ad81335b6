// Fuzz target: the LLVM raw/indexed profile header check (adapters/llvm/raw_header.h).
// Like read_raw_profile_header, it hands the parser at most the first 256 bytes and the
// whole input's size as the file size.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "adapters/llvm/raw_header.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Exactly the bytes a read of the file's head returns, in a buffer of their size, so
  // that ASan reports any read past them.
  const std::vector<char> head(data, data + std::min<size_t>(size, 256));
  pgo::fuzz::expect_no_exception("parse_raw_profile_header", [&] {
    pgo::RawProfileHeader h = pgo::parse_raw_profile_header(std::string_view(head.data(), head.size()), size);
    if (h.valid != h.error.empty()) std::abort();
    if (h.valid && h.kind == pgo::LlvmFileKind::Unknown) std::abort();
    if (h.valid) {
      (void)pgo::describe_llvm_releases(h.version);
      (void)pgo::llvm_majors_writing(h.version);
    }
  });
  return 0;
}
