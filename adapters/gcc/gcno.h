// Reader of the function table of GCC .gcno notes files (GCC 12 and later).
//
// The .gcda profile names functions only by ident; the .gcno written beside the object
// by -ftest-coverage maps each ident (with the same two checksums) to its name. Only the
// function records are interpreted; blocks, arcs and lines are skipped, bounds-checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/gcc/gcda.h"

namespace pgo {

struct GcnoFunction {
  uint32_t ident = 0;
  uint32_t lineno_checksum = 0;
  uint32_t cfg_checksum = 0;
  std::string name;    // assembler (mangled) name
  bool artificial = false;
  std::string source;  // source file of the function
  uint32_t start_line = 0;
};

struct GcnoFile {
  std::string name;
  uint32_t version = 0;
  std::string version_string;
  uint32_t stamp = 0;  // equals the stamp of the .gcda from the same compilation
  std::string cwd;     // the compiler's working directory
  std::vector<GcnoFunction> functions;

  // The function with this ident and checksums; nullptr if there is none.
  const GcnoFunction* find(const GcdaFunction& fn) const;
};

// Throws pgo::Error(kCheckFailed) "<name>: offset N: <what>" on malformed input.
GcnoFile parse_gcno(std::string_view bytes, std::string_view name_for_errors);

// Readable form of an assembler name: demangled C++ ("ns::f(int)") or the name itself.
std::string demangle(const std::string& name);

}  // namespace pgo
