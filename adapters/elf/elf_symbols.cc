#include "adapters/elf/elf_symbols.h"

#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

namespace pgo {
namespace fs = std::filesystem;

std::optional<bool> has_symbol(const fs::path& binary, const std::function<bool(std::string_view)>& wanted) {
  auto file = llvm::object::ObjectFile::createObjectFile(binary.string());
  if (!file) {
    llvm::consumeError(file.takeError());
    return std::nullopt;
  }
  llvm::object::ObjectFile* object = file->getBinary();
  auto any_wanted = [&](auto symbols) {
    for (const auto& sym : symbols) {
      auto name = sym.getName();
      if (!name) {
        llvm::consumeError(name.takeError());
        continue;
      }
      if (wanted(std::string_view(name->data(), name->size()))) return true;
    }
    return false;
  };
  if (any_wanted(object->symbols())) return true;
  if (auto* elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object))
    return any_wanted(elf->getDynamicSymbolIterators());
  return false;
}

std::string missing_profile_runtime(const fs::path& binary, std::string_view prefix, std::string_view runtime) {
  std::optional<bool> has = has_symbol(binary, [&](std::string_view name) { return name.starts_with(prefix); });
  if (!has || *has) return "";
  return binary.string() + " has no " + std::string(prefix) + "* symbol, so no " + std::string(runtime) +
         " was linked into it: its compile and link commands did not get pgo's instrumentation flags. A "
         "Makefile that sets CFLAGS or LDFLAGS itself (CFLAGS = ...) ignores the ones pgo puts in make's "
         "environment: put \"CFLAGS=... ${pgo_cflags}\" and \"LDFLAGS=${pgo_ldflags}\" on make's command line "
         "in build.build (pgo init does; docs/adapters/command.md)";
}

}  // namespace pgo
