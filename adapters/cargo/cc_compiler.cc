#include "adapters/cargo/cc_compiler.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "support/strings.h"

namespace pgo::cargo {

std::string cc_crate_compiler(const std::map<std::string, std::string>& env, const std::string& target,
                              const std::string& host) {
  std::string underscored = target;
  std::replace(underscored.begin(), underscored.end(), '-', '_');
  const std::string kind = target == host ? "HOST_CC" : "TARGET_CC";
  for (const std::string& name : {"CC_" + target, "CC_" + underscored, kind, std::string("CC")}) {
    auto it = env.find(name);
    if (it == env.end() || trim(it->second).empty()) continue;
    std::istringstream words(it->second);
    std::string word, last;
    while (words >> word) last = word;
    return last;
  }
  return "cc";
}

std::optional<int> clang_major_from_version_output(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  size_t at = first.find("clang version ");
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + 14;
  int major = 0;
  bool digits = false;
  for (; i < first.size() && std::isdigit(static_cast<unsigned char>(first[i])); ++i, digits = true)
    major = major * 10 + (first[i] - '0');
  if (!digits) return std::nullopt;
  return major;
}

std::optional<std::string> cc_compiler_warning(const std::string& compiler, std::string_view version_output,
                                               int llvm_major) {
  std::optional<int> clang = clang_major_from_version_output(version_output);
  if (clang && *clang == llvm_major) return std::nullopt;
  std::string first_line = trim(std::string(version_output.substr(0, version_output.find('\n'))));
  std::string what = version_output.empty() ? "could not be run"
                     : clang              ? "is clang " + std::to_string(*clang)
                                          : "is not clang (" + first_line + ")";
  return "the package graph contains the cc crate; the C compiler it would use, '" + compiler + "', " + what +
         ", while rustc uses LLVM " + std::to_string(llvm_major) +
         ": C objects instrumented by it would carry a different profile format than rustc's, so pgo leaves "
         "their PGO to you. For one profile format set CC to clang-" + std::to_string(llvm_major) +
         " (see docs/adapters/cargo.md)";
}

}  // namespace pgo::cargo
