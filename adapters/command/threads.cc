#include "adapters/command/threads.h"

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include <string>

namespace pgo::command {

bool is_thread_symbol(std::string_view name) {
  // Versioned imports read as "pthread_create@GLIBC_2.34" in some tools: compare the base.
  name = name.substr(0, name.find('@'));
  return name == "pthread_create" || name == "thrd_create" || name.starts_with("GOMP_parallel") ||
         name == "__kmpc_fork_call" || name.starts_with("_ZNSt6thread15_M_start_thread");
}

bool links_threads(const std::filesystem::path& executable) {
  auto binary = llvm::object::ObjectFile::createObjectFile(executable.string());
  if (!binary) {
    llvm::consumeError(binary.takeError());
    return false;
  }
  llvm::object::ObjectFile* object = binary->getBinary();
  auto has_thread_symbol = [](auto symbols) {
    for (const auto& sym : symbols) {
      auto name = sym.getName();
      if (!name) {
        llvm::consumeError(name.takeError());
        continue;
      }
      if (is_thread_symbol(std::string_view(name->data(), name->size()))) return true;
    }
    return false;
  };
  if (has_thread_symbol(object->symbols())) return true;
  if (auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object)) {
    if (has_thread_symbol(elf->getDynamicSymbolIterators())) return true;
  }
  return false;
}

}  // namespace pgo::command
