// What `rustc -vV` says about a Rust toolchain: its release, host triple and the LLVM
// release it is built on (which decides the raw profile version its binaries write).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgo::cargo {

struct RustcInfo {
  std::string release;       // "1.95.0"
  std::string host;          // "x86_64-unknown-linux-gnu"
  std::string llvm_version;  // "22.1.2"; empty for a rustc without an LLVM backend line
  int llvm_major = 0;        // 22
};

// Parses the `key: value` lines of `rustc -vV`; nullopt without `release:` and `host:`.
std::optional<RustcInfo> parse_rustc_verbose_version(std::string_view text);

}  // namespace pgo::cargo
