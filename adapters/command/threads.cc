#include "adapters/command/threads.h"

#include "adapters/elf/elf_symbols.h"

namespace pgo::command {

bool is_thread_symbol(std::string_view name) {
  // Versioned imports read as "pthread_create@GLIBC_2.34" in some tools: compare the base.
  name = name.substr(0, name.find('@'));
  return name == "pthread_create" || name == "thrd_create" || name.starts_with("GOMP_parallel") ||
         name == "__kmpc_fork_call" || name.starts_with("_ZNSt6thread15_M_start_thread");
}

bool links_threads(const std::filesystem::path& executable) {
  return has_symbol(executable, is_thread_symbol).value_or(false);
}

}  // namespace pgo::command
