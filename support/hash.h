// Content fingerprints (SHA-256 via LLVM Support) for the store and for build reuse.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace pgo {

std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);  // throws pgo::Error if unreadable
// Whether two files hold the same bytes (sizes first, then SHA-256); throws like sha256_file.
bool same_file_content(const std::filesystem::path& a, const std::filesystem::path& b);

// SHA-256 of a stream fed piece by piece (a run's output that is never held whole).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;
  void update(std::string_view data);
  std::string hex();  // ends the stream; the hash of "" when nothing was fed

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Accumulates a fingerprint from labelled parts, so that ("ab","c") and ("a","bc") differ.
class Fingerprint {
 public:
  Fingerprint& add(std::string_view label, std::string_view value);
  std::string hex() const;

 private:
  std::string buffer_;
};

}  // namespace pgo
