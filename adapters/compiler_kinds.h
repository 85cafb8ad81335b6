// The one table from a compiler's id (CMake's CMAKE_<LANG>_COMPILER_ID, the predefined macros
// of a command build's compiler, "rustc", "go") to the pgo.yaml toolchain it serves and the
// profile format that reads its profiles (orchestrator/formats.cc builds the format from it).
#pragma once

#include <string>
#include <string_view>

namespace pgo {

struct CompilerKind {
  std::string_view compiler_id;     // "GNU", "Clang", "AppleClang", "rustc", "go"
  std::string_view toolchain;       // the toolchain name it serves: "gcc", "clang", "rust", "go"
  std::string_view profile_format;  // ProfileFormat::name(): "gcda", "llvm", "pprof"
};

// nullptr for a compiler pgo has no profile format for.
const CompilerKind* compiler_kind(std::string_view compiler_id);
// Its profile format's name, "" for an unknown compiler (what detect() reports; the pipeline
// then takes the name from the ProfileFormat it makes).
std::string profile_format_of(std::string_view compiler_id);

// "" when `compiler_id` may serve the pgo.yaml toolchain `toolchain_name`; else the compiler
// id that toolchain expects ("GNU" for gcc). Names pgo does not know accept any compiler.
std::string expected_compiler_id(std::string_view toolchain_name, std::string_view compiler_id);

// "GNU via gcda, Clang via llvm, ...": for the message about an unsupported compiler.
std::string supported_compilers();

}  // namespace pgo
