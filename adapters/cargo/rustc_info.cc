#include "adapters/cargo/rustc_info.h"

#include "support/strings.h"

namespace pgo::cargo {

std::optional<RustcInfo> parse_rustc_verbose_version(std::string_view text) {
  RustcInfo info;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = trim(std::string(line.substr(0, colon)));
    std::string value = trim(std::string(line.substr(colon + 1)));
    if (key == "release") info.release = value;
    if (key == "host") info.host = value;
    if (key == "LLVM version") info.llvm_version = value;
  }
  if (info.release.empty() || info.host.empty()) return std::nullopt;
  int major = 0;
  for (char c : info.llvm_version) {
    if (c < '0' || c > '9') break;
    major = major * 10 + (c - '0');
  }
  info.llvm_major = major;
  return info;
}

}  // namespace pgo::cargo
