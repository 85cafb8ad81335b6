#include "adapters/llvm/function_match.h"

#include <llvm/Object/ObjectFile.h>
#include <llvm/ProfileData/InstrProf.h>
#include <llvm/Support/MD5.h>

#include <cstddef>
#include <cstring>

#include "adapters/llvm/summary.h"
#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

std::string key_of(uint64_t md5) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(md5));
  return buf;
}

}  // namespace

std::vector<CurrentFunction> read_instrumented_functions(const fs::path& binary) {
  auto file = llvm::object::ObjectFile::createObjectFile(binary.string());
  if (!file)
    throw BuildError("cannot read instrumented binary " + binary.string() + ": " + llvm::toString(file.takeError()));
  llvm::object::ObjectFile& object = *file->getBinary();
  const llvm::Triple::ObjectFormatType format = object.getTripleObjectFormat();
  const std::string data_name = llvm::getInstrProfSectionName(llvm::IPSK_data, format, false);
  const std::string names_name = llvm::getInstrProfSectionName(llvm::IPSK_name, format, false);
  std::optional<llvm::object::SectionRef> data, names;
  for (const llvm::object::SectionRef& section : object.sections()) {
    llvm::Expected<llvm::StringRef> name = section.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (*name == data_name) data = section;
    if (*name == names_name) names = section;
  }
  if (!data)
    throw BuildError(binary.string() + " has no " + data_name + " section: it is not an instrumented binary");
  llvm::Expected<llvm::StringRef> bytes = data->getContents();
  if (!bytes) throw BuildError("cannot read " + data_name + " of " + binary.string() + ": " + llvm::toString(bytes.takeError()));
  // The record layout is the linked LLVM's (InstrProfData.inc); another LLVM's binary shows
  // up as a section size that is not a whole number of records, or as nonsense below.
  using Record = llvm::RawInstrProf::ProfileData<uint64_t>;
  if (object.getBytesInAddress() != 8 || !object.isLittleEndian() || bytes->size() % sizeof(Record) != 0)
    throw BuildError(binary.string() + ": " + data_name + " does not have the profile data layout of LLVM " +
                     std::to_string(LLVM_VERSION_MAJOR) + " (64-bit little-endian); it was instrumented by "
                     "another LLVM version");

  llvm::InstrProfSymtab symtab;
  bool have_names = false;
  if (names) {
    if (llvm::Error e = symtab.create(*names)) {
      llvm::consumeError(std::move(e));  // names are for display only
    } else {
      have_names = true;
    }
  }
  std::vector<CurrentFunction> out;
  out.reserve(bytes->size() / sizeof(Record));
  for (size_t at = 0; at < bytes->size(); at += sizeof(Record)) {
    uint64_t name_ref = 0, func_hash = 0;  // the record's members are const: copy them out
    std::memcpy(&name_ref, bytes->data() + at + offsetof(Record, NameRef), sizeof name_ref);
    std::memcpy(&func_hash, bytes->data() + at + offsetof(Record, FuncHash), sizeof func_hash);
    CurrentFunction f{key_of(name_ref), func_hash, {}};
    if (have_names) f.name = display_function_name(symtab.getFuncOrVarName(name_ref).str());
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<ProfiledFunction> read_profiled_functions(const fs::path& profdata) {
  std::vector<ProfiledFunction> out;
  for (const FunctionRecordInfo& r : read_indexed_profile(profdata)) {
    if (r.context_sensitive) continue;  // copies of other records' counts, in context
    uint64_t sum = 0;
    for (uint64_t c : r.counts) sum = sum > UINT64_MAX - c ? UINT64_MAX : sum + c;
    out.push_back({key_of(llvm::MD5Hash(r.name)), display_function_name(r.name), r.hash, sum});
  }
  return out;
}

bool has_instrumented_functions(const fs::path& binary) {
  auto file = llvm::object::ObjectFile::createObjectFile(binary.string());
  if (!file) {
    llvm::consumeError(file.takeError());
    return false;
  }
  llvm::object::ObjectFile& object = *file->getBinary();
  const std::string data_name =
      llvm::getInstrProfSectionName(llvm::IPSK_data, object.getTripleObjectFormat(), false);
  for (const llvm::object::SectionRef& section : object.sections()) {
    llvm::Expected<llvm::StringRef> name = section.getName();
    if (name && *name == data_name) return true;
    if (!name) llvm::consumeError(name.takeError());
  }
  return false;
}

FunctionMatch match_llvm_profile(const fs::path& profdata, const std::vector<fs::path>& executables,
                                 const std::vector<fs::path>& libraries) {
  std::vector<ProfiledFunction> stored = read_profiled_functions(profdata);
  std::vector<CurrentFunction> current;
  for (const auto& b : executables) {
    std::vector<CurrentFunction> fns = read_instrumented_functions(b);
    current.insert(current.end(), fns.begin(), fns.end());
  }
  for (const auto& l : libraries) {
    if (!has_instrumented_functions(l)) continue;
    std::vector<CurrentFunction> fns = read_instrumented_functions(l);
    current.insert(current.end(), fns.begin(), fns.end());
  }
  return compare_functions(stored, current);
}

}  // namespace pgo
