// Does an executable start threads? A make or Meson build does not say what it links, so
// the baseline executable itself is read (ELF, through LLVM's Object library). GCC needs
// the answer: counters of a threaded program must be updated atomically.
#pragma once

#include <filesystem>
#include <string_view>

namespace pgo::command {

// True for a symbol whose use means threads: pthread_create, thrd_create, libstdc++'s
// std::thread start, OpenMP's GOMP_parallel* and __kmpc_fork_call.
bool is_thread_symbol(std::string_view name);

// True if `executable` defines or imports a thread symbol (static or dynamic symbol
// table). False for a file LLVM cannot read as an object file. Since glibc 2.34 threads
// need no libpthread, so the symbols, not the needed libraries, are what tells.
bool links_threads(const std::filesystem::path& executable);

}  // namespace pgo::command
