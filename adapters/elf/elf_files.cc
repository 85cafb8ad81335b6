#include "adapters/elf/elf_files.h"

#include <llvm/Object/ELF.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "support/strings.h"

namespace pgo::elf {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_path_list(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t colon; (colon = list.find(':', start)) != std::string::npos; start = colon + 1)
    out.push_back(list.substr(start, colon - start));
  out.push_back(list.substr(start));
  return out;
}

bool starts_as_elf(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

template <class ELFT>
DynamicInfo dynamic_info_of(const llvm::object::ELFFile<ELFT>& elf) {
  DynamicInfo info;
  bool interpreter = false;
  if (auto headers = elf.program_headers()) {
    for (const auto& ph : *headers)
      if (ph.p_type == llvm::ELF::PT_INTERP) interpreter = true;
  } else {
    llvm::consumeError(headers.takeError());
  }
  info.shared_object = elf.getHeader().e_type == llvm::ELF::ET_DYN && !interpreter;
  auto sections = elf.sections();
  if (!sections) {
    llvm::consumeError(sections.takeError());
    return info;
  }
  std::vector<std::string> rpath, runpath;
  for (const auto& section : *sections) {
    if (section.sh_type != llvm::ELF::SHT_DYNAMIC) continue;
    auto strtab = elf.getLinkAsStrtab(section);
    auto entries = elf.template getSectionContentsAsArray<typename ELFT::Dyn>(section);
    if (!strtab || !entries) {
      if (!strtab) llvm::consumeError(strtab.takeError());
      if (!entries) llvm::consumeError(entries.takeError());
      continue;
    }
    auto text = [&](uint64_t offset) -> std::string {
      return offset < strtab->size() ? std::string(strtab->data() + offset) : std::string();
    };
    for (const auto& d : *entries) {
      switch (d.getTag()) {
        case llvm::ELF::DT_NEEDED: info.needed.push_back(text(d.getVal())); break;
        case llvm::ELF::DT_RPATH: for (auto& p : split_path_list(text(d.getVal()))) rpath.push_back(p); break;
        case llvm::ELF::DT_RUNPATH: for (auto& p : split_path_list(text(d.getVal()))) runpath.push_back(p); break;
        default: break;
      }
    }
  }
  // ld.so ignores DT_RPATH when DT_RUNPATH is present.
  info.runpath = runpath.empty() ? rpath : runpath;
  return info;
}

fs::path canonical_or_empty(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::canonical(p, ec);
  return ec ? fs::path() : c;
}

bool is_inside(const fs::path& file, const fs::path& tree) {
  fs::path rel = file.lexically_relative(tree);
  return !rel.empty() && *rel.begin() != "..";
}

// Where the loader finds `name` for `binary`, through its RUNPATH/RPATH only.
fs::path resolve_needed(const std::string& name, const fs::path& binary, const DynamicInfo& info) {
  if (name.find('/') != std::string::npos) return canonical_or_empty(binary.parent_path() / name);
  const std::string origin = binary.parent_path().string();
  for (std::string dir : info.runpath) {
    for (const char* token : {"$ORIGIN", "${ORIGIN}"})
      for (size_t at = dir.find(token); at != std::string::npos; at = dir.find(token))
        dir.replace(at, std::string(token).size(), origin);
    if (dir.empty()) continue;  // an empty entry means the current directory: not the tree's
    fs::path found = canonical_or_empty(fs::path(dir) / name);
    if (!found.empty() && fs::is_regular_file(found)) return found;
  }
  return {};
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

}  // namespace

DynamicInfo read_dynamic_info(const fs::path& file) {
  if (!starts_as_elf(file)) return {};
  auto buffer = llvm::MemoryBuffer::getFile(file.string(), /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return {};
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() < llvm::ELF::EI_NIDENT) return {};
  const bool is64 = bytes[llvm::ELF::EI_CLASS] == llvm::ELF::ELFCLASS64;
  const bool little = bytes[llvm::ELF::EI_DATA] == llvm::ELF::ELFDATA2LSB;
  auto read = [&](auto tag) -> DynamicInfo {
    using ELFT = decltype(tag);
    auto elf = llvm::object::ELFFile<ELFT>::create(bytes);
    if (!elf) {
      llvm::consumeError(elf.takeError());
      return {};
    }
    return dynamic_info_of(*elf);
  };
  if (is64) return little ? read(llvm::object::ELF64LE()) : read(llvm::object::ELF64BE());
  return little ? read(llvm::object::ELF32LE()) : read(llvm::object::ELF32BE());
}

std::vector<fs::path> libraries_from_tree(const fs::path& binary, const fs::path& tree) {
  std::vector<fs::path> out;
  fs::path root = canonical_or_empty(tree);
  if (root.empty()) return out;
  std::set<fs::path> seen;
  std::vector<fs::path> pending = {binary};
  while (!pending.empty()) {
    fs::path current = pending.back();
    pending.pop_back();
    DynamicInfo info = read_dynamic_info(current);
    for (const std::string& name : info.needed) {
      fs::path found = resolve_needed(name, current, info);
      if (found.empty() || !is_inside(found, root) || !seen.insert(found).second) continue;
      out.push_back(found);
      pending.push_back(found);
    }
  }
  return out;
}

std::vector<fs::path> shared_objects_in(const fs::path& tree) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(tree, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    if (read_dynamic_info(it->path()).shared_object) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

fs::path resolve_links(const fs::path& path) {
  fs::path p = path;
  std::error_code ec;
  for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
    fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = (to.is_absolute() ? to : p.parent_path() / to).lexically_normal();
  }
  return p;
}

void add_library(BuildResult& build, const fs::path& library, const std::string& target, bool links_threads) {
  const fs::path file = resolve_links(library);
  for (const std::vector<Artifact>* list : {&build.artifacts, &build.libraries})
    for (const Artifact& a : *list)
      if (a.path == file || same_file(a.path, file)) return;
  build.libraries.push_back(Artifact{target.empty() ? file.filename().string() : target, file, links_threads});
}

void add_libraries_loaded_from(BuildResult& build, const fs::path& tree) {
  std::vector<fs::path> executables;
  for (const Artifact& a : build.artifacts) executables.push_back(a.path);
  for (const fs::path& exe : executables)
    for (const fs::path& lib : libraries_from_tree(exe, tree)) add_library(build, lib);
}

std::vector<std::string> unreachable_library_warnings(const BuildResult& build) {
  std::vector<std::string> out;
  for (const Artifact& exe : build.artifacts) {
    DynamicInfo info = read_dynamic_info(exe.path);
    for (const std::string& name : info.needed) {
      for (const Artifact& lib : build.libraries) {
        // The name the executable asks for is the library's file or a link to it (its SONAME).
        fs::path alias = lib.path.parent_path() / name;
        if (lib.path.filename() != name && !same_file(alias, lib.path)) continue;
        fs::path found = resolve_needed(name, exe.path, info);
        if (!found.empty() && same_file(found, lib.path)) continue;
        out.push_back(exe.path.filename().string() + " needs " + name + " but its RUNPATH/RPATH (" +
                      (info.runpath.empty() ? std::string("none") : join(info.runpath, ":")) + ") does not lead to " +
                      lib.path.string() + ": its runs may load another copy of the library than the one this "
                      "build made (keep CMake's build-tree RPATH, or give the link an -rpath)");
      }
    }
  }
  return out;
}

}  // namespace pgo::elf
