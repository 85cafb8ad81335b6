// Shared by the libFuzzer targets: the contract every reader must keep on hostile input.
//
// A reader may reject its input only by throwing pgo::Error. Any other exception escaping
// it is a bug, and so is a crash, a sanitizer report, a hang (libFuzzer -timeout) or a
// runaway allocation (-rss_limit_mb / -malloc_limit_mb).
#pragma once

#include <cxxabi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "support/error.h"

namespace pgo::fuzz {

// "nlohmann::json_abi_v3_11_2::detail::out_of_range" rather than its mangled name.
inline std::string type_name(const std::type_info& type) {
  int status = 0;
  char* name = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : type.name();
  std::free(name);
  return out;
}

// Runs `body`; pgo::Error is an accepted outcome, anything else aborts with its type,
// which libFuzzer reports as a crash and saves as a reproducer.
template <typename F>
void expect_only_pgo_errors(const char* what, F&& body) {
  try {
    body();
  } catch (const pgo::Error& e) {
    // The documented way to refuse bad input. PGO_FUZZ_VERBOSE=1 shows why (to check seeds).
    static const bool verbose = std::getenv("PGO_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "fuzz: %s: pgo::Error: %s\n", what, e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: %s threw %s (not pgo::Error): %s\n", what, type_name(typeid(e)).c_str(), e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz: %s threw a non-std exception\n", what);
    std::abort();
  }
}

// For readers documented never to throw: any exception at all is a bug.
template <typename F>
void expect_no_exception(const char* what, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: %s is documented not to throw, but threw %s: %s\n", what, type_name(typeid(e)).c_str(),
                 e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz: %s is documented not to throw, but threw\n", what);
    std::abort();
  }
}

}  // namespace pgo::fuzz
