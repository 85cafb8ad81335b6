// Content fingerprints (SHA-256 via LLVM Support) for the store and for build reuse.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace pgo {

std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);  // throws pgo::Error if unreadable
// Whether two files hold the same bytes (sizes first, then SHA-256); throws like sha256_file.
bool same_file_content(const std::filesystem::path& a, const std::filesystem::path& b);

// Accumulates a fingerprint from labelled parts, so that ("ab","c") and ("a","bc") differ.
class Fingerprint {
 public:
  Fingerprint& add(std::string_view label, std::string_view value);
  std::string hex() const;

 private:
  std::string buffer_;
};

}  // namespace pgo
