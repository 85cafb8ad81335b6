#include "adapters/gcc/function_match.h"

#include <map>

#include "adapters/gcc/gcc_format.h"
#include "adapters/gcc/gcda.h"
#include "adapters/gcc/gcno.h"
#include "adapters/gcc/gcov_io.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

std::string key_of(const std::string& gcda_name, uint32_t ident) { return gcda_name + ":" + gcov_io::hex32(ident); }

// Notes of the current build for one object; functions of a deleted source left out.
std::vector<GcnoFunction> live_functions(const fs::path& notes_file) {
  GcnoFile notes = parse_gcno(read_binary_file(notes_file), notes_file.string());
  std::vector<GcnoFunction> out;
  for (auto& fn : notes.functions) {
    fs::path source = fn.source;
    if (source.is_relative()) source = fs::path(notes.cwd) / source;
    std::error_code ec;
    if (fs::exists(source, ec)) out.push_back(std::move(fn));
  }
  return out;
}

}  // namespace

std::string gcda_name_for_notes(const fs::path& notes_relative) {
  fs::path gcda = fs::path(notes_relative).replace_extension(".gcda");  // a named path: iterated below
  std::string name;
  for (const auto& part : gcda) {
    if (!name.empty()) name += '#';
    name += part == ".." ? std::string("^") : part.string();
  }
  return name;
}

FunctionMatch match_gcc_profile(const fs::path& stored_dir, const fs::path& build_dir) {
  std::vector<GcdaFile> files = read_gcda_dir(stored_dir);
  if (files.empty()) throw Error(ExitCode::kCheckFailed, stored_dir.string() + ": contains no .gcda file");

  // The current code: every object's notes in the build tree.
  std::vector<CurrentFunction> current;
  std::map<std::string, std::string> current_names;  // key -> name
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(build_dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().extension() != ".gcno" || !it->is_regular_file()) continue;
    std::string gcda = gcda_name_for_notes(fs::relative(it->path(), build_dir));
    for (const GcnoFunction& fn : live_functions(it->path())) {
      std::string key = key_of(gcda, fn.ident);
      current.push_back({key, fn.cfg_checksum, demangle(fn.name)});
      current_names[key] = demangle(fn.name);
    }
  }
  if (ec) throw BuildError("cannot list " + build_dir.string() + ": " + ec.message());

  std::vector<ProfiledFunction> stored;
  for (const GcdaFile& file : files) {
    // merge() copies the notes of the training build beside each .gcda: the stored names.
    GcnoFile stored_notes;
    fs::path notes_file = (stored_dir / file.name).replace_extension(".gcno");
    if (fs::is_regular_file(notes_file, ec)) {
      try {
        stored_notes = parse_gcno(read_binary_file(notes_file), notes_file.string());
      } catch (const Error&) {
        stored_notes = {};  // names only; the .gcda decides
      }
    }
    for (const GcdaFunction& fn : file.functions) {
      std::string key = key_of(file.name, fn.ident);
      std::string name;
      if (const GcnoFunction* named = stored_notes.find(fn)) name = demangle(named->name);
      else if (auto it = current_names.find(key); it != current_names.end()) name = it->second;
      else name = key;
      stored.push_back({key, name, fn.cfg_checksum, fn.sum});
    }
  }
  return compare_functions(stored, current);
}

}  // namespace pgo
