#include "support/hash.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/SHA256.h>

#include "support/atomic_file.h"

namespace pgo {

std::string sha256_hex(std::string_view data) {
  auto digest = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  return llvm::toHex(digest, /*LowerCase=*/true);
}

struct Sha256Stream::State {
  llvm::SHA256 hasher;
};

Sha256Stream::Sha256Stream() : state_(std::make_unique<State>()) {}
Sha256Stream::~Sha256Stream() = default;
Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;

void Sha256Stream::update(std::string_view data) {
  state_->hasher.update(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

std::string Sha256Stream::hex() { return llvm::toHex(state_->hasher.final(), /*LowerCase=*/true); }

std::string sha256_file(const std::filesystem::path& path) { return sha256_hex(read_file(path)); }

bool same_file_content(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  if (std::filesystem::file_size(a, ec) != std::filesystem::file_size(b, ec)) return false;
  return sha256_file(a) == sha256_file(b);
}

Fingerprint& Fingerprint::add(std::string_view label, std::string_view value) {
  // Length prefixes keep the encoding unambiguous.
  buffer_ += std::to_string(label.size()) + ":" + std::string(label) + "=" +
             std::to_string(value.size()) + ":" + std::string(value) + ";";
  return *this;
}

std::string Fingerprint::hex() const { return sha256_hex(buffer_); }

}  // namespace pgo
