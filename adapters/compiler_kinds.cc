#include "adapters/compiler_kinds.h"

#include <array>

namespace pgo {

namespace {

constexpr std::array<CompilerKind, 5> kCompilerKinds = {{
    {"GNU", "gcc", "gcda"},
    {"Clang", "clang", "llvm"},
    {"AppleClang", "clang", "llvm"},
    {"rustc", "rust", "llvm"},
    {"go", "go", "pprof"},
}};

}  // namespace

const CompilerKind* compiler_kind(std::string_view compiler_id) {
  for (const CompilerKind& k : kCompilerKinds)
    if (k.compiler_id == compiler_id) return &k;
  return nullptr;
}

std::string profile_format_of(std::string_view compiler_id) {
  const CompilerKind* k = compiler_kind(compiler_id);
  return k ? std::string(k->profile_format) : "";
}

std::string expected_compiler_id(std::string_view toolchain_name, std::string_view compiler_id) {
  const CompilerKind* actual = compiler_kind(compiler_id);
  if (actual && actual->toolchain == toolchain_name) return "";
  for (const CompilerKind& k : kCompilerKinds)
    if (k.toolchain == toolchain_name) return std::string(k.compiler_id);  // the first id of that toolchain
  return "";
}

std::string supported_compilers() {
  std::string out;
  for (const CompilerKind& k : kCompilerKinds)
    out += (out.empty() ? "" : ", ") + std::string(k.compiler_id) + " via " + std::string(k.profile_format);
  return out;
}

}  // namespace pgo
